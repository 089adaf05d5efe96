"""Which outcome plan a caseload uses: the council's copy beside the caseload, else the example.

A council's copy is `outcome_plan.json` in the caseload folder (beside caseload.db); the
administrator puts the same file on each worker's machine. It is read on every use, so an edit
takes effect without restarting, and a mistake is refused with its line (docs/claims.md).
"""

from pathlib import Path

from familyworker.domain.outcome_plan import OutcomePlan, parse_outcome_plan
from familyworker.resources import resources_dir
from familyworker.services.programme import default_framework

COUNCIL_PLAN_FILE = "outcome_plan.json"
EXAMPLE_PLAN = ("criteria", "outcome_plan_example.json")

_parsed: dict[tuple[Path, int, int], OutcomePlan] = {}


def plan_path(data_dir: Path | None) -> Path:
    """The council's copy when there is one, else the shipped example."""
    if data_dir is not None:
        council = data_dir / COUNCIL_PLAN_FILE
        if council.is_file():
            return council
    return resources_dir().joinpath(*EXAMPLE_PLAN)


def load_outcome_plan(data_dir: Path | None = None) -> OutcomePlan:
    path = plan_path(data_dir)
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)  # re-read when the file is edited
    plan = _parsed.get(key)
    if plan is None:
        text = path.read_text(encoding="utf-8")
        plan = parse_outcome_plan(text, (c.key for c in default_framework().criteria))
        _parsed[key] = plan
    return plan
