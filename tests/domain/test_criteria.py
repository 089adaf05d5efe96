"""Programme criteria as data and the results-claim eligibility rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyworker.domain.criteria import EligibilityRule, ProgrammeFramework
from familyworker.domain.errors import ValidationError

KEYS = ["education", "early-years", "health", "crime", "domestic-abuse", "housing",
        "finance", "protection"]
DATA = {"key": "sf", "name": "Supporting Families",
        "criteria": [{"key": k, "label": k.title()} for k in KEYS]}
FRAMEWORK = ProgrammeFramework.from_dict(DATA)
needs = st.lists(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), max_size=12)


@given(needs, st.booleans(), st.booleans())
def test_eligible_with_three_distinct_known_needs_and_a_child_or_expectant_parent(
        family_needs, child, expectant):
    distinct_known = {n for n in family_needs if n in KEYS}
    expected = len(distinct_known) >= 3 and (child or expectant)
    assert FRAMEWORK.is_eligible(needs=family_needs, has_dependent_child=child,
                                 has_expectant_parent=expectant) == expected


@given(st.sampled_from(KEYS), st.integers(3, 10))
def test_repeating_one_need_never_counts_as_several(need, times):
    assert not FRAMEWORK.is_eligible(needs=[need] * times, has_dependent_child=True,
                                     has_expectant_parent=True)


@given(st.lists(st.sampled_from(KEYS), unique=True, min_size=3))
def test_no_dependent_child_and_no_expectant_parent_is_never_eligible(family_needs):
    assert not FRAMEWORK.is_eligible(needs=family_needs, has_dependent_child=False,
                                     has_expectant_parent=False)
    assert FRAMEWORK.is_eligible(needs=family_needs, has_dependent_child=False,
                                 has_expectant_parent=True)


@given(needs, st.integers(0, 8), st.booleans(), st.booleans())
def test_the_rule_is_data(family_needs, min_needs, requires, child):
    framework = ProgrammeFramework.from_dict({**DATA, "eligibility": {
        "min_needs": min_needs, "requires_dependent_child_or_expectant_parent": requires}})
    distinct_known = {n for n in family_needs if n in KEYS}
    expected = len(distinct_known) >= min_needs and (child or not requires)
    assert framework.is_eligible(needs=family_needs, has_dependent_child=child,
                                 has_expectant_parent=False) == expected


def test_defaults_match_the_framework():
    assert EligibilityRule() == EligibilityRule(3, True, 6)
    assert FRAMEWORK.eligibility.min_needs == 3


def test_unknown_criterion_and_malformed_or_repeating_frameworks_raise():
    with pytest.raises(ValidationError):
        FRAMEWORK.criterion("astrology")
    assert FRAMEWORK.criterion("health").label == "Health"
    with pytest.raises(ValidationError):
        ProgrammeFramework.from_dict({"key": "x", "name": "X", "criteria": [{"label": "no key"}]})
    with pytest.raises(ValidationError):
        ProgrammeFramework.from_dict({**DATA, "eligibility": {"min_needs": "three"}})
    with pytest.raises(ValidationError):
        ProgrammeFramework.from_dict({**DATA, "criteria": DATA["criteria"] + [DATA["criteria"][0]]})


def test_shipped_framework_loads():
    from familyworker.services.programme import default_framework

    framework = default_framework()
    assert len(framework.keys()) >= 6
    assert framework.eligibility.min_needs == 3
