"""Significant and sustained progress, worked by hand: each fixture's answer is in its comments."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from familyworker.domain.claims import (
    ClaimRecord,
    ClaimRoute,
    ClaimStatus,
    claims_position,
)
from familyworker.domain.outcome_plan import (
    Comparison,
    EmploymentRule,
    Measure,
    MeasureKind,
    OutcomePlan,
)
from familyworker.domain.outcome_progress import (
    EmploymentSpell,
    ProgressState,
    Reading,
    assess_employment,
    assess_family,
    assess_measure,
)
from familyworker.domain.quarter import Quarter
from familyworker.services.outcome_plan_file import load_outcome_plan

ATTENDANCE = Measure(key="attendance", problem="education", label="Attendance",
                     kind=MeasureKind.THRESHOLD_OVER_PERIODS, source="School register",
                     verified_by="EWO", comparison=Comparison.AT_LEAST,
                     threshold=Decimal("90"), consecutive=3, unit="%", period_name="term")
CALLOUTS = Measure(key="callouts", problem="domestic-abuse", label="Police call-outs",
                   kind=MeasureKind.NONE_FOR_PERIOD, source="Police log", verified_by="Police",
                   months=6)
TENANCY = Measure(key="tenancy", problem="housing", label="Tenancy held",
                  kind=MeasureKind.HELD_FOR_PERIOD, source="Rent account",
                  verified_by="Housing officer", months=6)
WORK = EmploymentRule(weeks=26, min_hours_per_week=16, source="Payslips", verified_by="Adviser")
PLAN = OutcomePlan(name="Test plan", measures=(ATTENDANCE, CALLOUTS, TENANCY), employment=WORK)
LABELS = {"education": "Education", "domestic-abuse": "Domestic abuse", "housing": "Housing"}
_ids = count(1)


def reading(measure: str, start: date | None, end: date, value: str,
            person: str | None = None) -> Reading:
    return Reading(id=f"r{next(_ids)}", measure_key=measure, person_id=person,
                   period_start=start, period_end=end, value=Decimal(value))


def month(year: int, number: int, value: str = "0") -> Reading:
    """One month's call-out count, first to last day."""
    end = (date(year + number // 12, number % 12 + 1, 1) - date.resolution)
    return reading("callouts", date(year, number, 1), end, value)


AUTUMN = (date(2025, 9, 1), date(2025, 12, 19))
SPRING = (date(2026, 1, 5), date(2026, 3, 27))
SUMMER = (date(2026, 4, 13), date(2026, 7, 17))


def terms(*values: str) -> list[Reading]:
    return [reading("attendance", s, e, v, person="child")
            for (s, e), v in zip((AUTUMN, SPRING, SUMMER), values, strict=False)]


# --- threshold over periods -----------------------------------------------------------------

def test_three_terms_at_90_are_met_on_the_last_terms_end() -> None:
    # 91.0, 90.0 (the threshold itself passes), 95.5: three in a row; met on 17 July 2026.
    result = assess_measure(ATTENDANCE, terms("91.0", "90.0", "95.5"), date(2026, 7, 17))
    assert result.state is ProgressState.MET and result.met_on == date(2026, 7, 17)
    assert result.sustained_from == AUTUMN[0]


def test_a_failing_term_says_why_in_words() -> None:
    # Spring at 88.0 breaks the run; summer alone is 1 of 3 ... but assessed on 1 April the
    # latest reading is spring's 88.0: not met, and the sentence says so.
    result = assess_measure(ATTENDANCE, terms("91.0", "88.0"), date(2026, 4, 1))
    assert result.state is ProgressState.NOT_MET
    assert result.reason == ("Attendance: the reading was 88.0 % in the term 5 January 2026 to "
                             "27 March 2026; it must be at least 90 % in 3 terms in a row.")


def test_broken_then_restarted_counts_only_the_new_run() -> None:
    # 95, 80 (broken), 92: the run restarts at summer, 1 of 3, so not yet; no date promised
    # because the next terms' dates are not known.
    result = assess_measure(ATTENDANCE, terms("95", "80", "92"), date(2026, 8, 1))
    assert result.state is ProgressState.NOT_YET and result.due_on is None
    assert "1 of 3 terms in a row so far; 2 more terms at least 90 % needed" in result.reason


def test_a_term_not_yet_ended_does_not_count() -> None:
    # Assessed on 16 July, the summer term (ends 17 July) has not ended: 2 of 3.
    result = assess_measure(ATTENDANCE, terms("91", "92", "93"), date(2026, 7, 16))
    assert result.state is ProgressState.NOT_YET


# --- none for a period ----------------------------------------------------------------------

def test_six_clean_months_met_on_the_day_and_one_day_short() -> None:
    # Zero call-outs January to June 2026, one reading a month with no gap: six months from
    # 1 January end on 30 June 2026. Assessed on 30 June: met on the day.
    readings = [month(2026, m) for m in range(1, 7)]
    met = assess_measure(CALLOUTS, readings, date(2026, 6, 30))
    assert met.state is ProgressState.MET and met.met_on == date(2026, 6, 30)
    assert len(met.evidence_ids) == 6
    # One day short: June's reading ends 29 June, so the readings cover to 29 June only;
    # not yet, met on 30 June if the next reading shows none.
    short = [*readings[:5], reading("callouts", date(2026, 6, 1), date(2026, 6, 29), "0")]
    result = assess_measure(CALLOUTS, short, date(2026, 6, 30))
    assert result.state is ProgressState.NOT_YET and result.due_on == date(2026, 6, 30)
    assert "met on 30 June 2026" in result.reason


def test_an_incident_restarts_the_clock() -> None:
    # Clean January and February, 1 call-out in March, clean April to September.
    # The run restarts on 1 April: six months end on 30 September 2026.
    readings = [month(2026, 1), month(2026, 2), month(2026, 3, "1")]
    broken = assess_measure(CALLOUTS, readings, date(2026, 4, 2))
    assert broken.state is ProgressState.NOT_MET and broken.due_on == date(2026, 9, 30)
    assert "the 6 clean months start again from 1 April 2026" in broken.reason
    readings += [month(2026, m) for m in range(4, 10)]
    restarted = assess_measure(CALLOUTS, readings, date(2026, 10, 1))
    assert restarted.state is ProgressState.MET and restarted.met_on == date(2026, 9, 30)
    assert restarted.sustained_from == date(2026, 4, 1)


def test_a_gap_in_the_readings_starts_the_count_after_it() -> None:
    # January, then nothing for February, then March to August clean: the count starts
    # 1 March (no evidence for February) and six months end on 31 August.
    readings = [month(2026, 1)] + [month(2026, m) for m in range(3, 9)]
    result = assess_measure(CALLOUTS, readings, date(2026, 9, 1))
    assert result.state is ProgressState.MET and result.met_on == date(2026, 8, 31)
    assert "no reading for the time before 1 March 2026" in result.reason


# --- held for a period ----------------------------------------------------------------------

def test_a_tenancy_held_six_months_from_its_first_confirmation() -> None:
    # Held on 15 January, confirmed held on 14 July: six months from 15 January end on
    # 14 July 2026, so met that day; a confirmation on 13 July would be a day short.
    start = reading("tenancy", None, date(2026, 1, 15), "1")
    met = assess_measure(TENANCY, [start, reading("tenancy", None, date(2026, 7, 14), "1")],
                         date(2026, 7, 14))
    assert met.state is ProgressState.MET and met.met_on == date(2026, 7, 14)
    short = assess_measure(TENANCY, [start, reading("tenancy", None, date(2026, 7, 13), "1")],
                           date(2026, 7, 13))
    assert short.state is ProgressState.NOT_YET and short.due_on == date(2026, 7, 14)
    lost = assess_measure(TENANCY, [start, reading("tenancy", None, date(2026, 3, 1), "0")],
                          date(2026, 7, 14))
    assert lost.state is ProgressState.NOT_MET


# --- the family, the employment route, and the future ---------------------------------------

def _spell(start: date, end: date | None, hours: int, benefit: date | None = None,
           spell_id: str = "s") -> EmploymentSpell:
    return EmploymentSpell(id=spell_id, person_id="mum", benefit_ended_on=benefit,
                           started_on=start, ended_on=end, hours_per_week=hours)


def test_employment_26_weeks_at_16_hours() -> None:
    # Off benefits 2 March 2026, in work 20 hours a week from Monday 2 March: 26 weeks = 182
    # days, the last of them 30 August 2026. Met on the day; one day short on 29 August.
    spells = [_spell(date(2026, 3, 2), None, 20, benefit=date(2026, 3, 1))]
    met = assess_employment(WORK, "mum", spells, date(2026, 8, 30))
    assert met.state is ProgressState.MET and met.met_on == date(2026, 8, 30)
    short = assess_employment(WORK, "mum", spells, date(2026, 8, 29))
    assert short.state is ProgressState.NOT_YET and short.due_on == date(2026, 8, 30)


def test_employment_gap_or_too_few_hours_restarts_the_clock() -> None:
    # Job A 2 March to 31 May; a gap (1–7 June); job B from 8 June: the run starts 8 June and
    # 26 weeks end on 6 December 2026.
    gap = [_spell(date(2026, 3, 2), date(2026, 5, 31), 20, date(2026, 3, 1), "a"),
           _spell(date(2026, 6, 8), None, 20, date(2026, 3, 1), "b")]
    result = assess_employment(WORK, "mum", gap, date(2026, 9, 1))
    assert result.state is ProgressState.NOT_YET and result.due_on == date(2026, 12, 6)
    # Job B at 12 hours is under 16: not met at all.
    under = [gap[0], _spell(date(2026, 6, 1), None, 12, None, "b")]
    assert assess_employment(WORK, "mum", under, date(2026, 9, 1)).state is \
        ProgressState.NOT_MET
    # Job B starting the day after job A ends joins it: 26 weeks from 2 March, 30 August.
    joined = [gap[0], _spell(date(2026, 6, 1), None, 30, None, "b")]
    assert assess_employment(WORK, "mum", joined, date(2026, 9, 1)).met_on == \
        date(2026, 8, 30)
    # No record of leaving benefits: not met.
    no_benefit = [_spell(date(2026, 3, 2), None, 20)]
    assert assess_employment(WORK, "mum", no_benefit, date(2026, 9, 1)).state is \
        ProgressState.NOT_MET


def test_the_family_is_ready_when_every_problem_is_met_and_employment_claims_on_its_own() -> None:
    readings = terms("91", "92", "93") + [month(2026, m) for m in range(1, 7)]
    spells = [_spell(date(2026, 3, 2), None, 20, benefit=date(2026, 3, 1))]
    # On 1 August: education met 17 July, domestic abuse met 30 June; housing identified
    # but no readings, so the plan is not met. Employment is not yet (30 August).
    progress = assess_family(PLAN, problems=["education", "domestic-abuse", "housing"],
                             problem_labels=LABELS, readings=readings, spells=spells,
                             adults=["mum"], on=date(2026, 8, 1))
    assert [p.state for p in progress.problems] == [ProgressState.MET, ProgressState.MET,
                                                    ProgressState.NOT_MET]
    assert not progress.plan_met
    assert progress.plan_reasons == ("No readings of “Tenancy held” have been recorded.",)
    # Without housing the plan is met on the later of the two: 17 July 2026. On 1 September
    # employment is met too (30 August) and claims on its own.
    progress = assess_family(PLAN, problems=["education", "domestic-abuse"],
                             problem_labels=LABELS, readings=readings, spells=spells,
                             adults=["mum"], on=date(2026, 9, 1))
    assert progress.plan_met_on == date(2026, 7, 17)
    position = claims_position("fam", progress, [])
    assert [(r.route, r.person_id, r.met_on) for r in position.ready] == [
        (ClaimRoute.OUTCOME_PLAN, None, date(2026, 7, 17)),
        (ClaimRoute.CONTINUOUS_EMPLOYMENT, "mum", date(2026, 8, 30))]
    # Once the plan is claimed, only employment stays ready; a superseded version does not
    # count, its correction does.
    old = ClaimRecord(id="c1", family_id="fam", route=ClaimRoute.OUTCOME_PLAN, person_id=None,
                      claim_reference="CL-1", claimed_on=date(2026, 8, 1), quarter="2026Q3",
                      status=ClaimStatus.SUPERSEDED)
    new = ClaimRecord(id="c2", family_id="fam", route=ClaimRoute.OUTCOME_PLAN, person_id=None,
                      claim_reference="CL-1", claimed_on=date(2026, 8, 2), quarter="2026Q3",
                      status=ClaimStatus.CLAIMED, version=2, supersedes_id="c1")
    position = claims_position("fam", progress, [old, new])
    assert [r.route for r in position.ready] == [ClaimRoute.CONTINUOUS_EMPLOYMENT]
    assert [c.id for c in position.claims] == ["c2"]


def test_a_period_wholly_in_the_future_reports_no_outcomes() -> None:
    # Assessed on 1 August 2025, before every reading's period ended: nothing is met or
    # on course from evidence, and nothing is ready.
    readings = terms("91", "92", "93") + [month(2026, m) for m in range(1, 7)]
    progress = assess_family(PLAN, problems=["education", "domestic-abuse"],
                             problem_labels=LABELS, readings=readings,
                             spells=[_spell(date(2026, 3, 2), None, 20, date(2026, 3, 1))],
                             adults=["mum"], on=date(2025, 8, 1))
    assert all(p.state is ProgressState.NOT_MET for p in progress.problems)
    assert all(e.state is ProgressState.NOT_MET for e in progress.employment)
    assert claims_position("fam", progress, []).ready == ()


def test_quarters() -> None:
    quarter = Quarter.parse("2026q3")
    assert (quarter.start, quarter.end, str(quarter)) == (date(2026, 7, 1), date(2026, 9, 30),
                                                          "2026Q3")
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)


SHIPPED_PLAN = load_outcome_plan(None)
MEASURE_KEYS = [m.key for m in SHIPPED_PLAN.measures]
PROBLEM_KEYS = sorted({m.problem for m in SHIPPED_PLAN.measures})


@st.composite
def caseload_evidence(draw: st.DrawFn) -> tuple[list[Reading], list[EmploymentSpell], date]:
    """Any readings and spells, and a day to assess on."""
    on = draw(st.dates(date(2024, 1, 1), date(2028, 12, 31)))
    readings = []
    for k in range(draw(st.integers(0, 30))):
        end = draw(st.dates(date(2023, 1, 1), date(2029, 12, 31)))
        start = end - timedelta(days=draw(st.integers(0, 120)))
        readings.append(Reading(id=f"r{k}", measure_key=draw(st.sampled_from(MEASURE_KEYS)),
                                person_id=draw(st.sampled_from([None, "a", "b"])),
                                period_start=draw(st.sampled_from([None, start])),
                                period_end=end,
                                value=Decimal(draw(st.sampled_from(["0", "1", "89.9", "90",
                                                                     "100", "3"])))))
    spells = [EmploymentSpell(id=f"s{k}", person_id="a",
                              benefit_ended_on=draw(st.sampled_from([None, date(2024, 1, 1)])),
                              started_on=(first := draw(st.dates(date(2023, 1, 1),
                                                                 date(2029, 12, 31)))),
                              ended_on=draw(st.sampled_from(
                                  [None, first + timedelta(days=draw(st.integers(0, 400)))])),
                              hours_per_week=draw(st.integers(1, 40)))
              for k in range(draw(st.integers(0, 4)))]
    return readings, spells, on


@settings(max_examples=150, deadline=None)
@given(caseload_evidence(), st.lists(st.sampled_from(PROBLEM_KEYS), max_size=5))
def test_nothing_is_met_from_evidence_after_the_day(
        evidence: tuple[list[Reading], list[EmploymentSpell], date],
        problems: list[str]) -> None:
    # Property: moving every reading's period and every job to after the day assessed leaves
    # nothing met and nothing ready; and whatever is met is met on or before that day.
    readings, spells, on = evidence
    progress = assess_family(SHIPPED_PLAN, problems=problems, problem_labels={},
                             readings=readings, spells=spells, adults=["a"], on=on)
    assert all(p.met_on is None or p.met_on <= on for p in progress.problems)
    assert all(e.met_on is None or e.met_on <= on for e in progress.employment)
    shift = timedelta(days=(on - date(2022, 12, 31)).days + 1)
    future = [Reading(id=r.id, measure_key=r.measure_key, person_id=r.person_id,
                      period_start=r.period_start + shift if r.period_start else None,
                      period_end=r.period_end + shift, value=r.value) for r in readings]
    later_jobs = [EmploymentSpell(id=s.id, person_id=s.person_id,
                                  benefit_ended_on=s.benefit_ended_on, ended_on=None,
                                  started_on=s.started_on + shift,
                                  hours_per_week=s.hours_per_week) for s in spells]
    ahead = assess_family(SHIPPED_PLAN, problems=problems, problem_labels={},
                          readings=future, spells=later_jobs, adults=["a"], on=on)
    assert all(p.state is ProgressState.NOT_MET for p in ahead.problems)
    assert all(e.state is ProgressState.NOT_MET for e in ahead.employment)
    assert claims_position("fam", ahead, []).ready == ()
