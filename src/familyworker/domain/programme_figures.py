"""Programme report figures from plain per-family facts (pure: the store loads the facts).

How the period applies (the same for the CSV, the PDF and the app):
- a family is **in scope** when its case was live at any time in the period: it was referred
  (or opened) on or before the period's last day, and it had not closed before its first day;
- its **status** is the status now (when the report is run);
- **needs** are all needs recorded for it; **eligible** is the framework's rule (enough needs,
  and a dependent child or an expectant parent) as at the period's last day;
- **distance travelled** compares the first and the latest whole-family Web Star scored inside
  the period; it needs two such assessments (one alone gives dates but no change);
- **outcomes** are the council's outcome plan (domain.outcome_progress), the one judgement the
  Outcomes tab shows too: each identified problem is **met** (significant and sustained: the
  plan's measures carry their own sustainment periods), **on course** (not yet) or not met,
  as at the period's last day; the **outcome plan is met** when every identified problem is;
- the **claim** position is the claims engine's (domain.claims.claims_position) as at the
  period's last day, counting only claims made by then: **ready** when a route (the plan, or
  an adult's continuous employment) is met and not claimed, else **claimed** when the family
  has a claim, else **not ready**;
- the **case duration** runs from opening to closing, or to the period's last day if later
  closed or still open; families never opened by then have none.

Every "by the period's last day" above means by the earlier of that day and the day the
report is run (**as of**): a period ending in the future cannot count a problem as met, or an
open case as lasting, beyond today.
"""

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from familyworker.domain.claims import (
    ClaimRecord,
    ClaimStatus,
    claims_position,
    household_is_eligible,
)
from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import FamilyStatus
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import (
    EmploymentSpell,
    ProgressState,
    Reading,
    assess_family,
)
from familyworker.domain.star import StarTemplate

# Case duration bands in weeks (the usual intervention is 16 weeks).
DURATION_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under 12 weeks", 0, 12), ("12 to 16 weeks", 12, 16), ("16 to 26 weeks", 16, 26),
    ("26 to 52 weeks", 26, 52), ("over 52 weeks", 52, None))
CLAIM_STATES = ("claimed", "ready", "not ready")


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("The report period ends before it starts.")

    def as_of(self, today: date) -> date:
        """The day the figures hold for: the period's end, or today if that is earlier."""
        return min(self.end, today)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def covers_case(self, began: date | None, closed_on: date | None) -> bool:
        return (began is None or began <= self.end) and (closed_on is None
                                                         or closed_on >= self.start)


@dataclass(frozen=True, slots=True)
class FamilyFacts:
    """What the report needs about one family: identifiers, dates, codes and scores only."""

    family_id: str
    reference: str
    status: FamilyStatus
    referred_on: date | None
    opened_on: date | None
    closed_on: date | None
    needs: tuple[str, ...] = ()
    dates_of_birth: tuple[date | None, ...] = ()
    flags: tuple[tuple[str, ...], ...] = ()
    stars: tuple[tuple[date, Mapping[str, int]], ...] = ()  # whole-family, any order
    readings: tuple[Reading, ...] = ()  # of the outcome plan's measures
    spells: tuple[EmploymentSpell, ...] = ()  # adults' employment (the employment route)
    claims: tuple[ClaimRecord, ...] = ()  # every version, superseded ones included

    @property
    def began(self) -> date | None:
        known = [d for d in (self.referred_on, self.opened_on) if d is not None]
        return min(known) if known else None


@dataclass(frozen=True, slots=True)
class FamilyLine:
    reference: str
    status: FamilyStatus
    needs: tuple[str, ...]
    eligible: bool
    first_star_date: date | None
    latest_star_date: date | None
    first_scores: Mapping[str, int]
    latest_scores: Mapping[str, int]
    changes: Mapping[str, int | None]  # empty without two stars in the period
    met_problems: tuple[str, ...]  # identified problems met by as of (the outcome plan)
    on_course_problems: tuple[str, ...]  # "not yet": met on a later day if nothing changes
    plan_met_on: date | None  # every identified problem met (None: not by as of)
    claim_state: str
    case_days: int | None
    opened_on: date | None
    closed_on: date | None

    @property
    def problems_met(self) -> int:
        return len(self.met_problems)

    @property
    def average_change(self) -> float | None:
        values = [v for v in self.changes.values() if v is not None]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class DomainFigure:
    key: str
    label: str
    families: int  # with a first and a latest score in the period
    average_first: float | None
    average_latest: float | None

    @property
    def average_change(self) -> float | None:
        if self.average_first is None or self.average_latest is None:
            return None
        return self.average_latest - self.average_first


@dataclass(frozen=True, slots=True)
class ProgrammeFigures:
    period: ReportPeriod
    as_of: date  # the period's end, or the day the report was run if earlier
    framework_name: str
    plan_name: str  # the council's outcome plan the problems are judged against
    criteria: tuple[tuple[str, str], ...]  # (key, label)
    domains: tuple[tuple[str, str], ...]  # (key, label)
    lines: tuple[FamilyLine, ...]  # by reference
    domain_figures: tuple[DomainFigure, ...] = field(default=())

    @property
    def families(self) -> int:
        return len(self.lines)

    @property
    def by_status(self) -> dict[str, int]:
        counts = Counter(line.status for line in self.lines)
        return {status.label: counts.get(status, 0) for status in FamilyStatus}

    @property
    def by_criterion(self) -> dict[str, int]:
        counts = Counter(key for line in self.lines for key in set(line.needs))
        return {key: counts.get(key, 0) for key, _ in self.criteria}

    @property
    def eligible(self) -> int:
        return sum(1 for line in self.lines if line.eligible)

    @property
    def with_distance(self) -> int:
        return sum(1 for line in self.lines if line.changes)

    @property
    def problems_identified(self) -> int:
        return sum(len(line.needs) for line in self.lines)

    @property
    def problems_met(self) -> int:
        return sum(line.problems_met for line in self.lines)

    @property
    def problems_on_course(self) -> int:
        return sum(len(line.on_course_problems) for line in self.lines)

    @property
    def plan_met(self) -> int:
        """Families whose outcome plan is met (every identified problem) by as of."""
        return sum(1 for line in self.lines if line.plan_met_on is not None)

    @property
    def plan_met_in_period(self) -> int:
        return sum(1 for line in self.lines
                   if line.plan_met_on is not None and self.period.contains(line.plan_met_on))

    @property
    def problems_by_criterion(self) -> dict[str, tuple[int, int, int]]:
        """criterion key -> (families with it identified, on course, met) by as of."""
        identified = Counter(k for line in self.lines for k in set(line.needs))
        on_course = Counter(k for line in self.lines for k in line.on_course_problems)
        met = Counter(k for line in self.lines for k in line.met_problems)
        return {key: (identified.get(key, 0), on_course.get(key, 0), met.get(key, 0))
                for key, _ in self.criteria}

    @property
    def claims(self) -> dict[str, int]:
        counts = Counter(line.claim_state for line in self.lines)
        return {state: counts.get(state, 0) for state in CLAIM_STATES}

    @property
    def durations(self) -> dict[str, int]:
        bands = dict.fromkeys((label for label, _, _ in DURATION_BANDS), 0)
        for line in self.lines:
            if line.case_days is not None:
                bands[duration_band(line.case_days)] += 1
        return bands

    @property
    def median_case_weeks(self) -> float | None:
        days = [line.case_days for line in self.lines if line.case_days is not None]
        return statistics.median(days) / 7 if days else None


def duration_band(days: int) -> str:
    weeks = days / 7
    for label, low, high in DURATION_BANDS:
        if weeks >= low and (high is None or weeks < high):
            return label
    return DURATION_BANDS[-1][0]


def claims_as_of(claims: Iterable[ClaimRecord], day: date) -> tuple[ClaimRecord, ...]:
    """The claims as they stood on `day`: those made by then, and a version superseded only
    after it still standing (its correction had not been made yet)."""
    made = [c for c in claims if c.claimed_on <= day]
    replaced = {c.supersedes_id for c in made if c.supersedes_id}
    return tuple(replace(c, status=ClaimStatus.CLAIMED)
                 if c.status is ClaimStatus.SUPERSEDED and c.id not in replaced else c
                 for c in made)


def family_line(facts: FamilyFacts, *, period: ReportPeriod, framework: ProgrammeFramework,
                template: StarTemplate, plan: OutcomePlan, as_of: date | None = None
                ) -> FamilyLine:
    """``as_of``: the day figures are counted to (default: the period's end)."""
    until_day = period.end if as_of is None else min(as_of, period.end)
    stars = sorted((s for s in facts.stars if period.contains(s[0])), key=lambda s: s[0])
    first = stars[0] if stars else None
    latest = stars[-1] if stars else None
    changes: dict[str, int | None] = {}
    if len(stars) >= 2 and first is not None and latest is not None:
        for key in template.domain_keys():
            before, after = first[1].get(key), latest[1].get(key)
            changes[key] = None if before is None or after is None else after - before
    eligible = household_is_eligible(framework, needs=facts.needs,
                                     dates_of_birth=facts.dates_of_birth, flags=facts.flags,
                                     on=until_day)
    # The same engine, and the same evidence, as the Outcomes tab: only the day differs.
    progress = assess_family(plan, problems=facts.needs,
                             problem_labels={c.key: c.label for c in framework.criteria},
                             readings=facts.readings, spells=facts.spells,
                             adults=[s.person_id for s in facts.spells], on=until_day)
    position = claims_position(facts.family_id, progress, claims_as_of(facts.claims, until_day))
    claim_state = ("ready" if position.ready else "claimed" if position.claims
                   else "not ready")
    case_days = None
    if facts.opened_on is not None and facts.opened_on <= until_day:
        until = min(facts.closed_on or until_day, until_day)
        case_days = max(0, (until - facts.opened_on).days)
    return FamilyLine(
        reference=facts.reference, status=facts.status, needs=facts.needs, eligible=eligible,
        first_star_date=first[0] if first else None,
        latest_star_date=latest[0] if latest else None,
        first_scores=dict(first[1]) if first else {},
        latest_scores=dict(latest[1]) if latest else {},
        changes=changes,
        met_problems=tuple(p.problem for p in progress.problems
                           if p.state is ProgressState.MET),
        on_course_problems=tuple(p.problem for p in progress.problems
                                 if p.state is ProgressState.NOT_YET),
        plan_met_on=progress.plan_met_on,
        claim_state=claim_state, case_days=case_days, opened_on=facts.opened_on,
        closed_on=facts.closed_on)


def programme_figures(facts: Iterable[FamilyFacts], *, period: ReportPeriod,
                      framework: ProgrammeFramework, template: StarTemplate,
                      plan: OutcomePlan, today: date | None = None) -> ProgrammeFigures:
    """Every in-scope family's line, and the averages per star domain, as of the earlier of
    the period's end and ``today`` (default: the period's end)."""
    as_of = period.end if today is None else period.as_of(today)
    lines = tuple(sorted(
        (family_line(f, period=period, framework=framework, template=template, plan=plan,
                     as_of=as_of)
         for f in facts if period.covers_case(f.began, f.closed_on)),
        key=lambda line: line.reference))
    figures = []
    for domain in template.domains:
        pairs = [(line.first_scores[domain.key], line.latest_scores[domain.key])
                 for line in lines
                 if line.changes.get(domain.key) is not None]
        figures.append(DomainFigure(
            key=domain.key, label=domain.label, families=len(pairs),
            average_first=sum(p[0] for p in pairs) / len(pairs) if pairs else None,
            average_latest=sum(p[1] for p in pairs) / len(pairs) if pairs else None))
    return ProgrammeFigures(
        period=period, as_of=as_of, framework_name=framework.name, plan_name=plan.name,
        criteria=tuple((c.key, c.label) for c in framework.criteria),
        domains=tuple((d.key, d.label) for d in template.domains), lines=lines,
        domain_figures=tuple(figures))
