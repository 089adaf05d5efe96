"""The programme framework and star template shipped as data."""

from functools import cache

from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.star import StarTemplate
from familyworker.resources import load_json

DEFAULT_FRAMEWORK_FILE = "supporting_families_2022.json"
DEFAULT_TEMPLATE_FILE = "family_web_star_v1.json"


@cache
def default_framework() -> ProgrammeFramework:
    return ProgrammeFramework.from_dict(load_json("criteria", DEFAULT_FRAMEWORK_FILE))


@cache
def default_star_template() -> StarTemplate:
    return StarTemplate.from_dict(load_json("templates", DEFAULT_TEMPLATE_FILE))
