"""The council's outcome plan file: the shipped example loads, and a mistake names its line."""

import json
from decimal import Decimal

import pytest

from familyworker.domain.outcome_plan import MeasureKind, PlanError, parse_outcome_plan
from familyworker.resources import resources_dir

PROBLEMS = [c["key"] for c in json.loads(
    (resources_dir() / "criteria" / "supporting_families_2022.json").read_text())["criteria"]]
SHIPPED = (resources_dir() / "criteria" / "outcome_plan_example.json").read_text()


def test_shipped_plan_has_a_measure_for_every_headline_problem() -> None:
    plan = parse_outcome_plan(SHIPPED, PROBLEMS)
    assert {m.problem for m in plan.measures} == set(PROBLEMS)
    attendance = plan.measure("school-attendance")
    assert attendance.kind is MeasureKind.THRESHOLD_OVER_PERIODS
    assert attendance.threshold == Decimal("90") and attendance.consecutive == 3
    assert plan.measure("no-da-callouts").months == 6
    assert (plan.employment.weeks, plan.employment.min_hours_per_week) == (26, 16)
    assert all(m.source and m.verified_by for m in plan.measures)


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    position = -1
    for _ in range(occurrence):
        position = text.index(needle, position + 1)
    return text.count("\n", 0, position) + 1


def test_a_syntax_error_names_its_line() -> None:
    broken = SHIPPED.replace('"label": "No offences', '"label" "No offences')
    with pytest.raises(PlanError) as caught:
        parse_outcome_plan(broken, PROBLEMS)
    assert caught.value.line == _line_of(broken, '"label" "No offences')
    assert f"line {caught.value.line}" in str(caught.value)


def test_an_unknown_problem_names_the_line_of_that_measure_not_an_earlier_one() -> None:
    # The crime measure is the 7th; its "problem" line, not the first measure's, is named.
    broken = SHIPPED.replace('"problem": "crime"', '"problem": "crimes"')
    with pytest.raises(PlanError, match="'crimes' is not a headline problem") as caught:
        parse_outcome_plan(broken, PROBLEMS)
    assert caught.value.line == _line_of(broken, '"problem": "crimes"')


def test_a_bad_threshold_and_a_missing_months_name_their_lines() -> None:
    broken = SHIPPED.replace('"threshold": "7"', '"threshold": "seven"')
    with pytest.raises(PlanError, match="threshold") as caught:
        parse_outcome_plan(broken, PROBLEMS)
    assert caught.value.line == _line_of(broken, '"threshold": "seven"')
    # tenancy-held loses its months: the line named is that measure's key line or after it.
    broken = SHIPPED.replace('"months": 6,\n      "source": "Landlord', '"source": "Landlord')
    with pytest.raises(PlanError, match=r"'tenancy-held'.*months") as caught:
        parse_outcome_plan(broken, PROBLEMS)
    assert caught.value.line >= _line_of(broken, '"tenancy-held"')


def test_a_repeated_key_and_bad_employment_hours_are_refused() -> None:
    broken = SHIPPED.replace('"key": "no-offences"', '"key": "no-da-callouts"')
    with pytest.raises(PlanError, match="used twice") as caught:
        parse_outcome_plan(broken, PROBLEMS)
    assert caught.value.line == _line_of(broken, '"key": "no-da-callouts"', occurrence=2)
    broken = SHIPPED.replace('"min_hours_per_week": 16', '"min_hours_per_week": 0')
    with pytest.raises(PlanError, match="min_hours_per_week") as caught:
        parse_outcome_plan(broken, PROBLEMS)
    assert caught.value.line == _line_of(broken, '"min_hours_per_week"')
