"""Significant and sustained progress: each identified problem against the council's outcome
plan, and the continuous-employment route, as of one day, with the reason in words.

Only evidence for periods that have ended by the day assessed counts, so a day before any
reading reports no outcomes. Progress must still hold on that day: a failing latest reading,
an incident or a gap in the readings restarts the clock.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from familyworker.domain.outcome import add_months
from familyworker.domain.outcome_plan import (
    EmploymentRule,
    Measure,
    MeasureKind,
    OutcomePlan,
    format_value,
)

ONE_DAY = timedelta(days=1)


class ProgressState(StrEnum):
    MET = "met"
    NOT_YET = "not yet"  # on course: met on `due_on` if nothing changes
    NOT_MET = "not met"


@dataclass(frozen=True, slots=True)
class Reading:
    """A measure's reading from its source (domain twin of store.tables.MeasureReadingRow)."""

    id: str
    measure_key: str
    person_id: str | None
    period_start: date | None
    period_end: date
    value: Decimal
    source: str = ""
    source_reference: str = ""
    verified_by: str = ""
    recorded_by: str | None = None

    @property
    def start(self) -> date:
        return self.period_start or self.period_end


@dataclass(frozen=True, slots=True)
class EmploymentSpell:
    id: str
    person_id: str
    benefit_ended_on: date | None
    started_on: date
    ended_on: date | None  # None: still in work
    hours_per_week: int
    source: str = ""
    source_reference: str = ""
    recorded_by: str | None = None


@dataclass(frozen=True, slots=True)
class MeasureProgress:
    measure: Measure
    state: ProgressState
    reason: str
    met_on: date | None = None
    due_on: date | None = None
    sustained_from: date | None = None  # the first day of the run that counts
    evidence_ids: tuple[str, ...] = ()  # the readings that make up that run


@dataclass(frozen=True, slots=True)
class ProblemProgress:
    problem: str
    label: str
    state: ProgressState
    reason: str
    measures: tuple[MeasureProgress, ...]
    met_on: date | None = None
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class EmploymentProgress:
    person_id: str
    state: ProgressState
    reason: str
    met_on: date | None = None
    due_on: date | None = None
    sustained_from: date | None = None
    evidence_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FamilyProgress:
    on: date
    problems: tuple[ProblemProgress, ...]
    employment: tuple[EmploymentProgress, ...]

    @property
    def plan_met(self) -> bool:
        """Significant and sustained progress: every identified problem met (and at least one)."""
        return bool(self.problems) and all(p.state is ProgressState.MET for p in self.problems)

    @property
    def plan_met_on(self) -> date | None:
        if not self.plan_met:
            return None
        return max(p.met_on for p in self.problems if p.met_on is not None)

    @property
    def plan_reasons(self) -> tuple[str, ...]:
        if not self.problems:
            return ("No problems have been identified for the family.",)
        return tuple(p.reason for p in self.problems if p.state is not ProgressState.MET)


def uk_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def assess_family(plan: OutcomePlan, *, problems: Iterable[str], problem_labels: dict[str, str],
                  readings: Iterable[Reading], spells: Iterable[EmploymentSpell],
                  adults: Iterable[str], on: date) -> FamilyProgress:
    """Every identified problem against its measures, and each adult's employment route."""
    counted = [r for r in readings if r.period_end <= on]
    rows = []
    for problem in dict.fromkeys(problems):
        measures = plan.measures_for(problem)
        results = tuple(assess_measure(m, [r for r in counted if r.measure_key == m.key], on)
                        for m in measures)
        rows.append(_problem(problem, problem_labels.get(problem, problem), results))
    spell_list = list(spells)
    employment = tuple(assess_employment(plan.employment, person,
                                         [s for s in spell_list if s.person_id == person], on)
                       for person in dict.fromkeys(adults)
                       if any(s.person_id == person for s in spell_list))
    return FamilyProgress(on=on, problems=tuple(rows), employment=employment)


def _problem(problem: str, label: str, results: tuple[MeasureProgress, ...]) -> ProblemProgress:
    if not results:
        return ProblemProgress(problem, label, ProgressState.NOT_MET,
                               f"{label}: the outcome plan has no measure for this problem.",
                               results)
    met = [r for r in results if r.state is ProgressState.MET]
    if met:
        first = min(met, key=lambda r: r.met_on or date.max)
        return ProblemProgress(problem, label, ProgressState.MET, first.reason, results,
                               met_on=first.met_on)
    coming = [r for r in results if r.state is ProgressState.NOT_YET]
    if coming:
        soonest = min(coming, key=lambda r: r.due_on or date.max)
        return ProblemProgress(problem, label, ProgressState.NOT_YET, soonest.reason, results,
                               due_on=soonest.due_on)
    return ProblemProgress(problem, label, ProgressState.NOT_MET,
                           " ".join(r.reason for r in results), results)


def assess_measure(measure: Measure, readings: Sequence[Reading], on: date) -> MeasureProgress:
    """One measure for a family: each person with readings (or the household) must meet it."""
    readings = [r for r in readings if r.period_end <= on]
    if not readings:
        return MeasureProgress(measure, ProgressState.NOT_MET,
                               f"No readings of “{measure.label}” have been recorded.")
    people = sorted({r.person_id or "" for r in readings})
    results = [_assess_one(measure, [r for r in readings if (r.person_id or "") == p], on)
               for p in people]
    if len(results) == 1:
        return results[0]
    # Several people (say two children's attendance): the measure is met when all are.
    for state in (ProgressState.NOT_MET, ProgressState.NOT_YET):
        behind = [r for r in results if r.state is state]
        if behind:
            worst = max(behind, key=lambda r: r.due_on or date.max)
            return worst
    last = max(results, key=lambda r: r.met_on or date.min)
    return MeasureProgress(measure, ProgressState.MET, last.reason, met_on=last.met_on,
                           sustained_from=min(r.sustained_from or date.max for r in results),
                           evidence_ids=tuple(i for r in results for i in r.evidence_ids))


def _assess_one(measure: Measure, readings: Sequence[Reading], on: date) -> MeasureProgress:
    ordered = sorted(readings, key=lambda r: (r.period_end, r.start, r.id))
    if measure.kind is MeasureKind.THRESHOLD_OVER_PERIODS:
        return _threshold(measure, ordered)
    if measure.kind is MeasureKind.NONE_FOR_PERIOD:
        return _none_for_period(measure, ordered, on)
    return _held_for_period(measure, ordered, on)


def _period_words(measure: Measure, reading: Reading) -> str:
    if reading.period_start is None:
        return f"on {uk_day(reading.period_end)}"
    return (f"in the {measure.period_name} {uk_day(reading.period_start)} to "
            f"{uk_day(reading.period_end)}")


def _threshold(measure: Measure, ordered: Sequence[Reading]) -> MeasureProgress:
    need = measure.consecutive
    target = format_value(measure.threshold, measure.unit)
    rule = f"it must be {measure.comparison.words} {target} in {need} {measure.period_name}s " \
           "in a row"
    run: list[Reading] = []
    for reading in ordered:  # the latest unbroken run of passing readings
        run = [*run, reading] if measure.comparison.passes(reading.value, measure.threshold) \
            else []
    latest = ordered[-1]
    if not run:
        return MeasureProgress(measure, ProgressState.NOT_MET,
                               f"{measure.label}: the reading was "
                               f"{format_value(latest.value, measure.unit)} "
                               f"{_period_words(measure, latest)}; {rule}.")
    ids = tuple(r.id for r in run)
    if len(run) >= need:
        counted = run[len(run) - need:]
        met_on = counted[-1].period_end
        return MeasureProgress(measure, ProgressState.MET,
                               f"{measure.label}: {need} {measure.period_name}s in a row "
                               f"{measure.comparison.words} {target}, the last ending "
                               f"{uk_day(met_on)}.", met_on=met_on,
                               sustained_from=counted[0].start,
                               evidence_ids=tuple(r.id for r in counted))
    more = need - len(run)
    # Future periods' dates are not known (terms differ in length), so no date is promised.
    return MeasureProgress(measure, ProgressState.NOT_YET,
                           f"{measure.label}: {len(run)} of {need} {measure.period_name}s in a "
                           f"row so far; {more} more {measure.period_name}"
                           f"{'s' if more != 1 else ''} {measure.comparison.words} {target} "
                           "needed.", sustained_from=run[0].start, evidence_ids=ids)


def _end_of(start: date, months: int) -> date:
    """The last day of `months` whole months from `start` (1 January + 6 months: 30 June)."""
    return add_months(start, months) - ONE_DAY


def _none_for_period(measure: Measure, ordered: Sequence[Reading], on: date) -> MeasureProgress:
    # The latest run of zero readings with no gap between them, walking back from the latest.
    latest = ordered[-1]
    if latest.value != 0:
        restart = latest.period_end + ONE_DAY
        return MeasureProgress(measure, ProgressState.NOT_MET,
                               f"{measure.label}: {format_value(latest.value)} recorded "
                               f"{_period_words(measure, latest)}; the {measure.months} clean "
                               f"months start again from {uk_day(restart)}.",
                               due_on=_end_of(restart, measure.months))
    run = [latest]
    gap_before: date | None = None
    for reading in reversed(ordered[:-1]):
        if reading.period_end + ONE_DAY < run[0].start:
            gap_before = run[0].start
            break
        if reading.value != 0:
            break
        run.insert(0, reading)
    start = run[0].start
    covered_to = max(r.period_end for r in run)
    end = _end_of(start, measure.months)
    gap = (f" (there is no reading for the time before {uk_day(gap_before)}, so the count "
           "starts there)") if gap_before else ""
    if covered_to >= end:
        return MeasureProgress(measure, ProgressState.MET,
                               f"{measure.label}: none from {uk_day(start)} to {uk_day(end)}, "
                               f"{measure.months} months{gap}.", met_on=end,
                               sustained_from=start,
                               evidence_ids=tuple(r.id for r in run if r.start <= end))
    return MeasureProgress(measure, ProgressState.NOT_YET,
                           f"{measure.label}: none from {uk_day(start)} to "
                           f"{uk_day(covered_to)}{gap}; met on {uk_day(end)} if readings to "
                           "then show none.", due_on=end, sustained_from=start,
                           evidence_ids=tuple(r.id for r in run))


def _held_for_period(measure: Measure, ordered: Sequence[Reading], on: date) -> MeasureProgress:
    # Held from the first of the latest readings recording it held (none since saying not).
    latest = ordered[-1]
    if latest.value == 0:
        return MeasureProgress(measure, ProgressState.NOT_MET,
                               f"{measure.label}: recorded as not held "
                               f"{_period_words(measure, latest)}; it must be held for "
                               f"{measure.months} months from a new start.")
    run = [latest]
    for reading in reversed(ordered[:-1]):
        if reading.value == 0:
            break
        run.insert(0, reading)
    start = run[0].start
    end = _end_of(start, measure.months)
    held_to = latest.period_end
    if held_to >= end:
        return MeasureProgress(measure, ProgressState.MET,
                               f"{measure.label}: held from {uk_day(start)}, confirmed on "
                               f"{uk_day(held_to)}; {measure.months} months reached on "
                               f"{uk_day(end)}.", met_on=end, sustained_from=start,
                               evidence_ids=tuple(r.id for r in run))
    return MeasureProgress(measure, ProgressState.NOT_YET,
                           f"{measure.label}: held from {uk_day(start)}, last confirmed "
                           f"{uk_day(held_to)}; met on {uk_day(end)} if a reading then "
                           "confirms it still held.", due_on=end, sustained_from=start,
                           evidence_ids=tuple(r.id for r in run))


def assess_employment(rule: EmploymentRule, person_id: str, spells: Sequence[EmploymentSpell],
                      on: date) -> EmploymentProgress:
    """Continuous work of at least the rule's hours for its weeks, after leaving out-of-work
    benefits. A gap between spells, or a spell under the hours, restarts the clock."""
    weeks, hours = rule.weeks, rule.min_hours_per_week
    started = sorted((s for s in spells if s.started_on <= on), key=lambda s: (s.started_on, s.id))
    if not started:
        return EmploymentProgress(person_id, ProgressState.NOT_MET,
                                  "No employment has started yet.")
    run: list[EmploymentSpell] = []
    for spell in started:
        if spell.hours_per_week < hours:
            run = []
            continue
        previous_end = run[-1].ended_on if run else None
        joined = bool(run) and (previous_end is None
                                or previous_end + ONE_DAY >= spell.started_on)
        run = [*run, spell] if joined else [spell]
    last = started[-1]
    if not run or last.hours_per_week < hours:
        return EmploymentProgress(person_id, ProgressState.NOT_MET,
                                  f"Employment of {last.hours_per_week} hours a week from "
                                  f"{uk_day(last.started_on)}; at least {hours} hours a week "
                                  f"for {weeks} weeks in a row are needed.")
    ended = [s.ended_on for s in run if s.ended_on is not None]
    in_work_to = on if any(s.ended_on is None for s in run) else min(max(ended), on)
    start = run[0].started_on
    end = start + timedelta(weeks=weeks) - ONE_DAY
    ids = tuple(s.id for s in run)
    if not any(s.benefit_ended_on is not None and s.benefit_ended_on <= end for s in run):
        return EmploymentProgress(person_id, ProgressState.NOT_MET,
                                  "There is no record of the adult leaving out-of-work "
                                  "benefits for this work.", sustained_from=start,
                                  evidence_ids=ids)
    if in_work_to >= end:
        return EmploymentProgress(person_id, ProgressState.MET,
                                  f"In work of {hours} or more hours a week from "
                                  f"{uk_day(start)} to {uk_day(end)}, {weeks} weeks without a "
                                  "break.", met_on=end, sustained_from=start, evidence_ids=ids)
    if in_work_to < on:
        return EmploymentProgress(person_id, ProgressState.NOT_MET,
                                  f"The work from {uk_day(start)} ended on "
                                  f"{uk_day(in_work_to)}, before {weeks} weeks.",
                                  sustained_from=start, evidence_ids=ids)
    return EmploymentProgress(person_id, ProgressState.NOT_YET,
                              f"In work of {hours} or more hours a week since {uk_day(start)}; "
                              f"{weeks} weeks reached on {uk_day(end)} if it continues.",
                              due_on=end, sustained_from=start, evidence_ids=ids)
