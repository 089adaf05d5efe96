"""The quarterly return's rules on a hand-computed caseload, and its invariants for any
caseload (hypothesis): the total is the sum of the teams; a future quarter counts nothing."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, InterventionLevel
from familyworker.domain.person import Sex
from familyworker.domain.quarter import Quarter
from familyworker.domain.quarterly_return import (
    UNASSIGNED,
    QuarterlyReturn,
    ReturnClaim,
    ReturnFamily,
    TeamFigures,
    UnitCosts,
    facts_from_rows,
    quarterly_return,
    return_csv,
    safe_cell,
)
from familyworker.resources import load_json

PROBLEMS = (("education", "Getting a good education"), ("health", "Improved health"),
            ("crime", "Diverted from crime"), ("domestic-abuse", "Safe from domestic abuse"),
            ("housing", "Secure housing"), ("safe-from-abuse", "Safe from abuse"))
COSTS = UnitCosts.from_json({"name": "test", "costs": [
    {"key": "education", "amount": 2500, "source": "test figure"},
    {"key": "domestic-abuse", "amount": "3000.50", "source": "test figure"},
    {"key": "housing", "amount": 2500, "source": "test figure"}]})
TODAY = date(2026, 12, 7)
Q3 = Quarter.parse("2026Q3")


def test_quarters_parse_with_their_days_and_refuse_anything_else() -> None:
    assert (Q3.start, Q3.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (Quarter.parse(" 2026q1").start, Quarter.parse("2026-Q4").end) == (
        date(2026, 1, 1), date(2026, 12, 31))
    assert Quarter.parse("2024Q1").end == date(2024, 3, 31)
    assert Quarter.of(date(2026, 8, 15)) == Q3 and str(Q3) == "2026Q3"
    for bad in ("2026Q5", "2026Q0", "Q3 2026", "2026", "", "26Q3"):
        with pytest.raises(ValidationError, match="written like 2026Q3"):
            Quarter.parse(bad)


def family_rows() -> dict[str, list[dict[str, Any]]]:
    """The fixture caseload as stored rows (dates as ISO text, as the server holds them).

    Quarter 2026Q3 is 1 July – 30 September 2026; the return is run on 7 December 2026.
    F1 (North) open since March, high: mum 36 on 30 Sep (25-49, female), a boy of 3 (0-4,
      male), a teenager who turns 16 on 30 Sep itself (16-17, sex not recorded). Education
      identified in February (counted); housing identified 1 Oct (after the quarter: not a
      problem at identification for it). Education met 15 Aug (in the quarter: £2,500);
      housing met 1 Sep but was not yet identified: no cost. Claim c1 in 2026Q3 was corrected
      by c2 (verified), so the claim counts once, as verified.
    F2 (North) opened 30 Sep, the quarter's last day: worked with. Medium. One man, no date of
      birth (age not known). Crime identified 30 Sep (counted).
    F3 (North) closed 30 Jun, the day before the quarter: not worked with, its closure not in
      the quarter; its continuous-employment claim c3 (paid, 2026Q3) still counts for North.
    F4 (South) open May to 31 Aug, closed (moved away): worked with, one closure. Low. A woman
      of 51 (50+) and someone of 18 (18-24, sex other). Domestic abuse and health identified
      in May; domestic abuse met 1 Jul (£3,000.50); health met 30 Jun, before the quarter.
    F5 (South) opens 1 Oct: not worked with; its claim c4 has no quarter written, but was
      claimed on 1 Aug, so it is a 2026Q3 claim (rejected).
    F6 (no team) open since 1 Aug, not assessed: a girl of 10 (5-10) and a boy of 13 (11-15).
      Education met 30 Sep (£2,500); safe-from-abuse met 5 Oct (the next quarter).
    F7 (South) referred, never opened: not worked with.
    F8 (North) open January to 1 July, closed (declined): worked with, one closure. High.
      A woman of 27 (25-49). No problems recorded.
    A deleted claim c5 is not in the rows the store hands over (live rows only).
    """
    def fam(fid: str, team: str | None, opened: str | None, closed: str | None = None,
            reason: str = "", level: str = "") -> dict[str, Any]:
        return {"id": fid, "reference": fid.upper(), "team_id": team, "opened_on": opened,
                "closed_on": closed, "closure_reason": reason, "intervention_level": level}

    def person(fid: str, born: str | None, sex: str) -> dict[str, Any]:
        return {"family_id": fid, "date_of_birth": born, "sex": sex}

    return {
        "families": [
            fam("f1", "north", "2026-03-01", level="high"),
            fam("f2", "north", "2026-09-30", level="medium"),
            fam("f3", "north", "2025-01-10", "2026-06-30", "outcomes-achieved", "low"),
            fam("f4", "south", "2026-05-01", "2026-08-31", "moved-out-of-area", "low"),
            fam("f5", "south", "2026-10-01"),
            fam("f6", None, "2026-08-01"),
            fam("f7", "south", None),
            fam("f8", "north", "2026-01-01", "2026-07-01", "family-declined", "high"),
        ],
        "people": [
            person("f1", "1990-05-01", "female"), person("f1", "2022-10-01", "male"),
            person("f1", "2010-09-30", ""), person("f2", None, "male"),
            person("f3", "1980-01-01", "female"), person("f3", "2012-01-01", "male"),
            person("f4", "1975-06-15", "female"), person("f4", "2008-01-01", "other"),
            person("f5", "1999-01-01", "female"), person("f6", "2015-12-01", "female"),
            person("f6", "2013-07-01", "male"), person("f7", "2001-01-01", "male"),
            person("f8", "1999-09-30", "female"),
        ],
        "criteria": [
            {"family_id": "f1", "criterion_key": "education", "identified_on": "2026-02-20"},
            {"family_id": "f1", "criterion_key": "housing", "identified_on": "2026-10-01"},
            {"family_id": "f2", "criterion_key": "crime", "identified_on": "2026-09-30"},
            {"family_id": "f4", "criterion_key": "domestic-abuse",
             "identified_on": "2026-05-01"},
            {"family_id": "f4", "criterion_key": "health", "identified_on": "2026-05-01"},
            {"family_id": "f6", "criterion_key": "education", "identified_on": "2026-08-01"},
            {"family_id": "f6", "criterion_key": "safe-from-abuse",
             "identified_on": "2026-08-01"},
        ],
        "outcomes": [
            {"family_id": "f1", "criterion_key": "education", "achieved_on": "2026-08-15"},
            {"family_id": "f1", "criterion_key": "housing", "achieved_on": "2026-09-01"},
            {"family_id": "f4", "criterion_key": "domestic-abuse", "achieved_on": "2026-07-01"},
            {"family_id": "f4", "criterion_key": "health", "achieved_on": "2026-06-30"},
            {"family_id": "f6", "criterion_key": "education", "achieved_on": "2026-09-30"},
            {"family_id": "f6", "criterion_key": "safe-from-abuse",
             "achieved_on": "2026-10-05"},
        ],
        "claims": [
            {"id": "c1", "family_id": "f1", "quarter": "2026Q3", "claimed_on": "2026-09-10",
             "route": "outcome-plan", "status": "claimed", "supersedes_id": None},
            {"id": "c2", "family_id": "f1", "quarter": "2026Q3", "claimed_on": "2026-09-20",
             "route": "outcome-plan", "status": "verified", "supersedes_id": "c1"},
            {"id": "c3", "family_id": "f3", "quarter": "2026Q3", "claimed_on": "2026-07-20",
             "route": "continuous-employment", "status": "paid", "supersedes_id": None},
            {"id": "c4", "family_id": "f5", "quarter": "", "claimed_on": "2026-08-01",
             "route": "outcome-plan", "status": "rejected", "supersedes_id": None},
        ],
    }


def fixture_return(quarter: Quarter = Q3, today: date = TODAY) -> QuarterlyReturn:
    rows = family_rows()
    facts, claims = facts_from_rows(rows["families"], rows["criteria"], rows["people"],
                                    rows["outcomes"], rows["claims"])
    return quarterly_return(facts, claims, quarter=quarter, problems=PROBLEMS, costs=COSTS,
                            today=today, team_order=["south", "north"])


def nonzero(mapping: Any) -> dict[Any, int]:
    return {k: v for k, v in dict(mapping).items() if v}


def test_the_hand_computed_caseload() -> None:
    result = fixture_return()
    assert list(result.teams) == ["south", "north", UNASSIGNED]
    north, south, none = result.teams["north"], result.teams["south"], result.teams[UNASSIGNED]
    # North: F1, F2, F8 worked with (3 + 1 + 1 people); F3 closed the day before.
    assert (north.families, north.individuals) == (3, 5)
    assert nonzero(north.by_age) == {"0-4": 1, "16-17": 1, "25-49": 2, "not known": 1}
    assert nonzero(north.by_sex) == {"female": 2, "male": 2, "not known": 1}
    assert nonzero(north.by_problem) == {"education": 1, "crime": 1}
    assert nonzero(north.by_level) == {"high": 2, "medium": 1}
    assert nonzero(north.closures) == {"family-declined": 1}
    assert nonzero(north.claims) == {("outcome-plan", "verified"): 1,
                                     ("continuous-employment", "paid"): 1}
    assert north.cost_avoidance == Decimal("2500")
    # South: F4 only (F5 opens after the quarter, F7 never opened).
    assert (south.families, south.individuals) == (1, 2)
    assert nonzero(south.by_age) == {"18-24": 1, "50+": 1}
    assert nonzero(south.by_sex) == {"female": 1, "other": 1}
    assert nonzero(south.by_problem) == {"domestic-abuse": 1, "health": 1}
    assert nonzero(south.by_level) == {"low": 1}
    assert nonzero(south.closures) == {"moved-out-of-area": 1}
    assert nonzero(south.claims) == {("outcome-plan", "rejected"): 1}
    assert south.cost_avoidance == Decimal("3000.50")
    # Unassigned: F6.
    assert (none.families, none.individuals) == (1, 2)
    assert nonzero(none.by_age) == {"5-10": 1, "11-15": 1}
    assert nonzero(none.by_level) == {"not assessed": 1}
    assert none.cost_avoidance == Decimal("2500")
    # The totals, counted by hand: 5 families, 9 people, £8,000.50.
    total = result.total
    assert (total.families, total.individuals) == (5, 9)
    assert nonzero(total.by_problem) == {"education": 2, "crime": 1, "domestic-abuse": 1,
                                         "health": 1, "safe-from-abuse": 1}
    assert sum(total.claims.values()) == 3
    assert total.cost_avoidance == Decimal("8000.50")
    assert [(c.reference, c.problems_met, c.amount) for c in result.family_costs] == [
        ("F1", ("education",), Decimal("2500")), ("F4", ("domestic-abuse",), Decimal("3000.50")),
        ("F6", ("education",), Decimal("2500"))]
    assert_total_is_sum_of_teams(result)


def test_the_return_as_csv_has_a_column_per_team_and_the_total() -> None:
    lines = return_csv(fixture_return(), {"north": "North", "south": "=South"}).splitlines()
    assert lines[0] == "section,measure,'=South,North,Unassigned,Total"
    assert "Worked with,Families,1,3,1,5" in lines
    assert "Individuals by age (at the quarter's end),not known,0,1,0,1" in lines
    assert "Cost avoidance,Cost avoided (GBP),3000.50,2500.00,2500.00,8000.50" in lines
    assert [safe_cell(v) for v in ("+1", "-2", "@x", "ok")] == ["'+1", "'-2", "'@x", "ok"]


def test_a_quarter_wholly_in_the_future_counts_nothing_and_the_current_one_to_today() -> None:
    future = fixture_return(Quarter.parse("2027Q1"))
    assert future.total == TeamFigures(
        families=0, individuals=0, by_age=future.total.by_age, by_sex=future.total.by_sex,
        by_problem=future.total.by_problem, by_level=future.total.by_level,
        closures=future.total.closures, claims=future.total.claims)
    assert not any(nonzero(getattr(future.total, name)) for name in (
        "by_age", "by_sex", "by_problem", "by_level", "closures", "claims"))
    assert future.family_costs == ()
    # Run on 1 Oct: Q4 has begun; F5 opened that day and safe-from-abuse is not met yet.
    early_q4 = fixture_return(Quarter.parse("2026Q4"), today=date(2026, 10, 1))
    assert early_q4.as_of == date(2026, 10, 1)
    assert early_q4.total.families == 4  # F1, F2, F5, F6
    assert early_q4.total.cost_avoidance == 0


def test_the_shipped_unit_costs_cover_every_headline_problem_and_name_their_source() -> None:
    costs = UnitCosts.from_json(load_json("costs", "unit_costs.json"))
    criteria = {c["key"] for c in load_json("criteria", "supporting_families_2022.json")
                ["criteria"]}
    assert set(costs.costs) == criteria
    for cost in costs.costs.values():
        assert cost.amount > 0 and "Unit Cost Database" in cost.source
        assert cost.example == ("replace with your council's" in cost.source)


@pytest.mark.parametrize(("data", "message"), [
    ({}, "a list called costs"),
    ({"costs": [{"key": "x", "amount": "lots", "source": "s"}]}, "Unit cost 1 .x.: the amount"),
    ({"costs": [{"key": "x", "amount": -1, "source": "s"}]}, "0 or more"),
    ({"costs": [{"key": "x", "amount": 1, "source": "s"}, {"key": "x", "amount": 1,
                                                            "source": "s"}]}, "given twice"),
    ({"costs": [{"key": "x", "amount": 1}]}, "needs its source"),
])
def test_a_wrong_unit_cost_table_is_refused_naming_the_entry(data: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        UnitCosts.from_json(data)


def assert_total_is_sum_of_teams(result: QuarterlyReturn) -> None:
    columns = list(result.teams.values())
    total = result.total
    assert total.families == sum(c.families for c in columns)
    assert total.individuals == sum(c.individuals for c in columns)
    assert total.cost_avoidance == sum((c.cost_avoidance for c in columns), Decimal(0))
    for name in ("by_age", "by_sex", "by_problem", "by_level", "closures", "claims"):
        summed: Counter[Any] = Counter()
        for column in columns:
            summed.update(getattr(column, name))
        assert {k: summed[k] for k in getattr(total, name)} == dict(getattr(total, name)), name
    # Each individual has exactly one age band and one sex.
    assert sum(total.by_age.values()) == sum(total.by_sex.values()) == total.individuals
    assert sum(total.by_level.values()) == total.families


# ----- any caseload -----------------------------------------------------------------------

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
OPTIONAL_DAY = st.none() | DAYS


@st.composite
def families(draw: st.DrawFn, index: int) -> ReturnFamily:
    opened = draw(OPTIONAL_DAY)
    closed = draw(st.none() | st.integers(0, 900).map(
        lambda n: (opened or date(2024, 1, 1)) + timedelta(days=n)))
    keys = [k for k, _ in PROBLEMS]
    return ReturnFamily(
        family_id=f"f{index}", reference=f"F{index}",
        team_id=draw(st.sampled_from([None, "north", "south", "east"])),
        opened_on=opened, closed_on=closed,
        closure_reason=draw(st.sampled_from(list(ClosureReason))) if closed else None,
        intervention_level=draw(st.none() | st.sampled_from(list(InterventionLevel))),
        problems=tuple(draw(st.lists(st.tuples(st.sampled_from(keys), OPTIONAL_DAY),
                                     max_size=4))),
        people=tuple(draw(st.lists(st.tuples(OPTIONAL_DAY, st.none() | st.sampled_from(
            list(Sex))), max_size=5))),
        outcomes=tuple(draw(st.lists(st.tuples(st.sampled_from(keys), DAYS), max_size=4))))


@st.composite
def caseloads(draw: st.DrawFn) -> tuple[list[ReturnFamily], list[ReturnClaim]]:
    count = draw(st.integers(0, 12))
    found = [draw(families(i)) for i in range(count)]
    claims = []
    for i in range(draw(st.integers(0, 8))):
        claims.append(ReturnClaim(
            claim_id=f"c{i}", family_id=f"f{draw(st.integers(0, count + 1))}",
            quarter=draw(st.sampled_from(["", "2026Q3", "2026Q4", "2027Q1"])),
            claimed_on=draw(DAYS),
            route=draw(st.sampled_from(["outcome-plan", "continuous-employment"])),
            status=draw(st.sampled_from(["claimed", "verified", "paid", "rejected",
                                         "superseded"])),
            supersedes_id=draw(st.none() | st.just(f"c{max(0, i - 1)}"))))
    return found, claims


@settings(max_examples=150, deadline=None)
@given(caseloads(), st.sampled_from(["2025Q4", "2026Q3", "2026Q4", "2027Q1"]), DAYS)
def test_for_any_caseload_the_total_is_the_sum_of_the_teams(
        caseload: tuple[list[ReturnFamily], list[ReturnClaim]], quarter_text: str,
        today: date) -> None:
    found, claims = caseload
    quarter = Quarter.parse(quarter_text)
    result = quarterly_return(found, claims, quarter=quarter, problems=PROBLEMS,
                              costs=COSTS, today=today)
    assert_total_is_sum_of_teams(result)
    if quarter.start > today:  # wholly in the future: nothing yet
        total = result.total
        assert (total.families, total.individuals, total.cost_avoidance) == (0, 0, 0)
        assert not any(total.closures.values()) and not any(total.claims.values())
        assert result.family_costs == ()


def test_problems_met_come_from_the_outcome_plan_engine() -> None:
    """Cost avoidance counts problems the outcome plan finds met (server rows: ISO text)."""
    from familyworker.domain.outcome_plan import parse_outcome_plan
    from familyworker.domain.quarterly_return import plan_outcomes
    from familyworker.resources import resources_dir

    keys = ["education", "early-years", "health", "substance-use", "relationships",
            "safe-from-abuse", "crime", "domestic-abuse", "housing", "financial-stability"]
    plan = parse_outcome_plan(resources_dir().joinpath("criteria", "outcome_plan_example.json")
                              .read_text(encoding="utf-8"), keys)
    criteria = [{"family_id": "f1", "criterion_key": "domestic-abuse"},
                {"family_id": "f1", "criterion_key": "housing"}]
    readings = [{"id": "r1", "family_id": "f1", "measure_key": "no-da-callouts",
                 "person_id": None, "period_start": "2026-02-01", "period_end": "2026-07-31",
                 "value": "0"},
                {"id": "r2", "family_id": "f1", "measure_key": "tenancy-held",
                 "period_start": None, "period_end": "2026-07-01", "value": "not a number"},
                {"id": "r3", "family_id": "f2", "measure_key": "no-da-callouts",
                 "period_start": "2026-01-01", "period_end": "2026-07-31", "value": "0"}]
    assert plan_outcomes(plan, criteria, readings, date(2026, 9, 1)) == [
        {"family_id": "f1", "criterion_key": "domestic-abuse", "achieved_on": date(2026, 7, 31)}]
    assert plan_outcomes(plan, criteria, readings, date(2026, 7, 30)) == []  # not ended yet
