"""The quarterly return: what a council reports each quarter, per team and in total (pure).

The rules (docs/quarterly-return.md):
- a **quarter** is a calendar quarter written ``2026Q3`` (1 July – 30 September 2026);
- figures count up to the quarter's end or the day the return is run (**as of**), whichever is
  earlier: a quarter wholly in the future has nothing in it yet;
- a family is **worked with** when its case was open on some day of the quarter up to as of:
  opened on or before that day, and not closed before the quarter began;
- **individuals** are the members of the families worked with; their **age band** is their age
  on the quarter's last day (no date of birth, or born after it: "not known");
- **headline problems at identification** count families worked with by each problem identified
  on or before the quarter's end (a family with several problems counts under each);
- the **intervention level** is the family's level as recorded now ("not assessed" when blank);
- **closures** are cases closed inside the quarter, by reason;
- **claims** are the claim rows for the quarter (its ``quarter``, or the quarter of the day it
  was claimed when that is blank) claimed by as of, by route and status. A correction
  supersedes the version before it: only the latest version of a claim counts, once;
- **cost avoidance** sums, for each family, the unit cost of each identified problem the
  council's outcome plan finds met (domain.outcome_progress, the Outcomes tab's judgement) on
  a day inside the quarter up to as of (each problem once per family; `plan_outcomes`). The
  plan is assessed with the evidence there is on the day the return is run, so a problem met
  late in a quarter, shown by a reading ending after it, counts in that quarter.

Every figure is counted per team (the family's team; no team: "unassigned") and in total, and
the total is the sum of the teams by construction: each family is counted in exactly one team.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from familyworker.domain.claims import ClaimRoute, ClaimStatus
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, InterventionLevel
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import ProgressState, Reading, assess_family
from familyworker.domain.person import Sex
from familyworker.domain.quarter import Quarter

UNASSIGNED = ""  # the team key of families with no team
TOTAL = "total"

# (label, lowest age, highest age) in years on the quarter's last day.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-4", 0, 4), ("5-10", 5, 10), ("11-15", 11, 15), ("16-17", 16, 17),
    ("18-24", 18, 24), ("25-49", 25, 49), ("50+", 50, None))
AGE_NOT_KNOWN = "not known"
SEX_NOT_KNOWN = "not known"
NOT_ASSESSED = "not assessed"
COUNTED_CLAIM_STATUSES = (ClaimStatus.CLAIMED, ClaimStatus.VERIFIED, ClaimStatus.PAID,
                          ClaimStatus.REJECTED)


def age_band(date_of_birth: date | None, on: date) -> str:
    if date_of_birth is None or date_of_birth > on:
        return AGE_NOT_KNOWN
    age = on.year - date_of_birth.year - ((on.month, on.day)
                                          < (date_of_birth.month, date_of_birth.day))
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_NOT_KNOWN


@dataclass(frozen=True, slots=True)
class ReturnFamily:
    """What the return needs about one family: identifiers, dates and codes, never names."""

    family_id: str
    reference: str
    team_id: str | None
    opened_on: date | None
    closed_on: date | None
    closure_reason: ClosureReason | None
    intervention_level: InterventionLevel | None
    problems: tuple[tuple[str, date | None], ...] = ()  # (criterion key, identified on)
    people: tuple[tuple[date | None, Sex | None], ...] = ()  # (date of birth, sex)
    outcomes: tuple[tuple[str, date], ...] = ()  # (criterion key, met on: the outcome plan)


@dataclass(frozen=True, slots=True)
class ReturnClaim:
    claim_id: str
    family_id: str
    quarter: str  # as stored; "" falls back to the quarter of claimed_on
    claimed_on: date
    route: str
    status: str
    supersedes_id: str | None = None


@dataclass(frozen=True, slots=True)
class UnitCost:
    key: str  # a headline problem's criterion key
    amount: Decimal  # pounds a year avoided when the problem's outcome is met
    measure: str
    source: str
    example: bool  # True: an example figure, to be replaced with the council's own


@dataclass(frozen=True, slots=True)
class UnitCosts:
    name: str
    costs: Mapping[str, UnitCost]

    def amount(self, key: str) -> Decimal:
        cost = self.costs.get(key)
        return cost.amount if cost else Decimal(0)

    @classmethod
    def from_json(cls, data: Any) -> "UnitCosts":
        """The table as shipped in resources/costs/; a clear error naming the entry."""
        if not isinstance(data, dict) or not isinstance(data.get("costs"), list):
            raise ValidationError("The unit-cost table needs a list called costs.")
        costs: dict[str, UnitCost] = {}
        for number, entry in enumerate(data["costs"], start=1):
            where = f"Unit cost {number}"
            if not isinstance(entry, dict):
                raise ValidationError(f"{where} is not an object.")
            key = entry.get("key")
            if not isinstance(key, str) or not key:
                raise ValidationError(f"{where} needs a key (a headline problem).")
            if key in costs:
                raise ValidationError(f"{where}: {key} is given twice.")
            try:
                amount = Decimal(str(entry.get("amount")))
            except ArithmeticError:
                raise ValidationError(f"{where} ({key}): the amount is not a number.") from None
            if not amount.is_finite() or amount < 0:
                raise ValidationError(f"{where} ({key}): the amount must be 0 or more.")
            source = entry.get("source")
            if not isinstance(source, str) or not source.strip():
                raise ValidationError(f"{where} ({key}) needs its source.")
            costs[key] = UnitCost(key=key, amount=amount, measure=str(entry.get("measure", "")),
                                  source=source, example=bool(entry.get("example", False)))
        return cls(name=str(data.get("name", "Unit costs")), costs=costs)


@dataclass(frozen=True, slots=True)
class FamilyCost:
    reference: str
    team_id: str | None
    problems_met: tuple[str, ...]
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TeamFigures:
    """One column of the return: every measure's count for a team (or the total)."""

    families: int = 0
    individuals: int = 0
    by_age: Mapping[str, int] = field(default_factory=dict)
    by_sex: Mapping[str, int] = field(default_factory=dict)
    by_problem: Mapping[str, int] = field(default_factory=dict)
    by_level: Mapping[str, int] = field(default_factory=dict)
    closures: Mapping[str, int] = field(default_factory=dict)
    claims: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (route, status)
    cost_avoidance: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class QuarterlyReturn:
    quarter: Quarter
    as_of: date
    problems: tuple[tuple[str, str], ...]  # (criterion key, label)
    teams: Mapping[str, TeamFigures]  # team id ("" unassigned) -> figures; ordered
    total: TeamFigures
    family_costs: tuple[FamilyCost, ...]  # families with cost avoided, by reference

    def column(self, team: str) -> TeamFigures:
        return self.total if team == TOTAL else self.teams[team]


def _latest_claims(claims: Iterable[ReturnClaim]) -> list[ReturnClaim]:
    """Each claim once: a version superseded by another, or marked superseded, drops out."""
    every = list(claims)
    superseded = {c.supersedes_id for c in every if c.supersedes_id}
    return [c for c in every if c.claim_id not in superseded
            and c.status != ClaimStatus.SUPERSEDED.value]


def _claim_quarter(claim: ReturnClaim) -> str:
    return claim.quarter.strip().upper() or str(Quarter.of(claim.claimed_on))


def _identified(family: ReturnFamily, quarter: Quarter) -> set[str]:
    """The family's headline problems identified by the quarter's end, each once."""
    return {k for k, on in family.problems if on is None or on <= quarter.end}


def _team_figures(families: list[ReturnFamily], claims: list[ReturnClaim], *,
                  quarter: Quarter, as_of: date, problem_keys: tuple[str, ...],
                  costs: UnitCosts) -> tuple[TeamFigures, list[FamilyCost]]:
    counted = as_of >= quarter.start
    worked = [f for f in families
              if counted and f.opened_on is not None and f.opened_on <= as_of
              and (f.closed_on is None or f.closed_on >= quarter.start)]
    ages: Counter[str] = Counter()
    sexes: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for family in worked:
        ages.update(age_band(born, quarter.end) for born, _ in family.people)
        sexes.update(sex.value if sex and sex is not Sex.NOT_KNOWN else SEX_NOT_KNOWN
                     for _, sex in family.people)
        problems.update(_identified(family, quarter))
        levels[family.intervention_level.value if family.intervention_level
               else NOT_ASSESSED] += 1
    closures = Counter(f.closure_reason.value for f in families
                       if counted and f.closed_on is not None and f.closure_reason is not None
                       and quarter.start <= f.closed_on <= as_of)
    claim_counts = Counter((c.route, c.status) for c in claims
                           if counted and c.claimed_on <= as_of)
    family_costs = []
    for family in families if counted else ():
        achieved = {k for k, on in family.outcomes if quarter.start <= on <= as_of}
        if not achieved:
            continue
        met = tuple(sorted(achieved & _identified(family, quarter)))
        if met:
            family_costs.append(FamilyCost(family.reference, family.team_id, met,
                                           sum((costs.amount(k) for k in met), Decimal(0))))
    figures = TeamFigures(
        families=len(worked), individuals=sum(len(f.people) for f in worked),
        by_age={label: ages.get(label, 0) for label in age_labels()},
        by_sex={label: sexes.get(label, 0) for label in sex_labels()},
        by_problem={key: problems.get(key, 0) for key in problem_keys},
        by_level={label: levels.get(label, 0) for label in level_labels()},
        closures={reason.value: closures.get(reason.value, 0) for reason in ClosureReason},
        claims={pair: claim_counts.get(pair, 0) for pair in claim_pairs()},
        cost_avoidance=sum((c.amount for c in family_costs), Decimal(0)))
    return figures, family_costs


def age_labels() -> tuple[str, ...]:
    return (*(label for label, _, _ in AGE_BANDS), AGE_NOT_KNOWN)


def sex_labels() -> tuple[str, ...]:
    return (*(s.value for s in Sex if s is not Sex.NOT_KNOWN), SEX_NOT_KNOWN)


def level_labels() -> tuple[str, ...]:
    return (*(level.value for level in InterventionLevel), NOT_ASSESSED)


def claim_pairs() -> tuple[tuple[str, str], ...]:
    return tuple((route.value, status.value) for route in ClaimRoute
                 for status in COUNTED_CLAIM_STATUSES)


def _summed(columns: Iterable[TeamFigures]) -> TeamFigures:
    columns = list(columns)

    def add(name: str) -> dict[Any, int]:
        total: Counter[Any] = Counter()
        for column in columns:
            total.update(getattr(column, name))
        keys = getattr(columns[0], name).keys() if columns else ()
        return {key: total.get(key, 0) for key in keys}

    if not columns:
        return TeamFigures()
    return TeamFigures(
        families=sum(c.families for c in columns),
        individuals=sum(c.individuals for c in columns),
        by_age=add("by_age"), by_sex=add("by_sex"), by_problem=add("by_problem"),
        by_level=add("by_level"), closures=add("closures"), claims=add("claims"),
        cost_avoidance=sum((c.cost_avoidance for c in columns), Decimal(0)))


def quarterly_return(families: Iterable[ReturnFamily], claims: Iterable[ReturnClaim], *,
                     quarter: Quarter, problems: tuple[tuple[str, str], ...],
                     costs: UnitCosts, today: date, team_order: Iterable[str] = ()
                     ) -> QuarterlyReturn:
    """The return for ``quarter`` as of the earlier of its end and ``today``. Teams appear in
    ``team_order`` (then any others by id); "unassigned" last, only when it has families."""
    as_of = as_of_day(quarter, today)
    by_family: dict[str, ReturnFamily] = {}
    teams: dict[str, list[ReturnFamily]] = {}
    for family in families:
        by_family[family.family_id] = family
        teams.setdefault(family.team_id or UNASSIGNED, []).append(family)
    team_claims: dict[str, list[ReturnClaim]] = {}
    wanted = str(quarter)
    for claim in _latest_claims(claims):
        if _claim_quarter(claim) != wanted:
            continue
        owner = by_family.get(claim.family_id)
        team_claims.setdefault(owner.team_id or UNASSIGNED if owner else UNASSIGNED,
                               []).append(claim)
    order = [t for t in dict.fromkeys(team_order) if t and t in teams]
    order += sorted(t for t in (teams.keys() | team_claims.keys())
                    if t and t not in order)
    if UNASSIGNED in teams or UNASSIGNED in team_claims:
        order.append(UNASSIGNED)
    keys = tuple(key for key, _ in problems)
    columns: dict[str, TeamFigures] = {}
    costs_per_family: list[FamilyCost] = []
    for team in order:
        figures, family_costs = _team_figures(teams.get(team, []), team_claims.get(team, []),
                                              quarter=quarter, as_of=as_of,
                                              problem_keys=keys, costs=costs)
        columns[team] = figures
        costs_per_family.extend(family_costs)
    return QuarterlyReturn(
        quarter=quarter, as_of=as_of, problems=problems, teams=columns,
        total=_summed(columns.values()) if columns else _team_figures(
            [], [], quarter=quarter, as_of=as_of, problem_keys=keys, costs=costs)[0],
        family_costs=tuple(sorted(costs_per_family, key=lambda c: c.reference)))


# ----- the layout: rows = measures, columns = teams then the total --------------------------

def return_rows(result: QuarterlyReturn) -> list[tuple[str, str, list[str]]]:
    """(section, measure, one cell per column) in the return's order, every cell a string."""
    columns = [*result.teams.values(), result.total]
    rows: list[tuple[str, str, list[str]]] = []

    def add(section: str, measure: str, values: Iterable[object]) -> None:
        rows.append((section, measure, [str(v) for v in values]))

    add("Worked with", "Families", (c.families for c in columns))
    add("Worked with", "Individuals", (c.individuals for c in columns))
    for label in age_labels():
        add("Individuals by age (at the quarter's end)", label,
            (c.by_age[label] for c in columns))
    for label in sex_labels():
        add("Individuals by sex", label.replace("-", " ").capitalize(),
            (c.by_sex[label] for c in columns))
    for key, label in result.problems:
        add("Families by headline problem at identification", label,
            (c.by_problem[key] for c in columns))
    for label in level_labels():
        add("Families by intervention level", label.capitalize(),
            (c.by_level[label] for c in columns))
    for reason in ClosureReason:
        add("Closures in the quarter", reason.label, (c.closures[reason.value] for c in columns))
    for route, status in claim_pairs():
        add("Claims", f"{ClaimRoute(route).value.replace('-', ' ').capitalize()}: {status}",
            (c.claims[(route, status)] for c in columns))
    add("Cost avoidance", "Cost avoided (GBP)", (f"{c.cost_avoidance:.2f}" for c in columns))
    return rows


def team_headers(result: QuarterlyReturn, team_names: Mapping[str, str]) -> list[str]:
    return [team_names.get(t) or ("Unassigned" if t == UNASSIGNED else f"Team {t[:8]}")
            for t in result.teams] + ["Total"]


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def return_csv(result: QuarterlyReturn, team_names: Mapping[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in
                     ["section", "measure", *team_headers(result, team_names)]])
    for section, measure, cells in return_rows(result):
        writer.writerow([safe_cell(v) for v in (section, measure, *cells)])
    return buffer.getvalue()


def family_costs_csv(result: QuarterlyReturn, team_names: Mapping[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["reference", "team", "problems_met", "cost_avoided_gbp"])
    for line in result.family_costs:
        team = line.team_id or UNASSIGNED
        writer.writerow([safe_cell(v) for v in (
            line.reference, team_headers_for(team, team_names), ";".join(line.problems_met),
            f"{line.amount:.2f}")])
    return buffer.getvalue()


def team_headers_for(team: str, team_names: Mapping[str, str]) -> str:
    return team_names.get(team) or ("Unassigned" if team == UNASSIGNED else f"Team {team[:8]}")


# ----- facts from stored rows: the app and the server read them the same way ---------------

def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


_E = TypeVar("_E", ClosureReason, InterventionLevel, Sex)


def _enum(kind: type[_E], value: object) -> _E | None:
    """The member for a stored value; one this version does not know counts as not recorded.
    (A dictionary look-up: the return reads tens of thousands of these.)"""
    member = kind._value2member_map_.get(value) if isinstance(value, str) else None
    return member if isinstance(member, kind) else None


def as_of_day(quarter: Quarter, today: date) -> date:
    return min(quarter.end, today)


def _reading(row: Mapping[str, Any]) -> Reading | None:
    end = _day(row.get("period_end"))
    try:
        value = Decimal(str(row.get("value")))
    except InvalidOperation:
        return None  # a value this version cannot read counts as no reading
    if end is None or not value.is_finite():
        return None
    return Reading(id=str(row.get("id") or ""), measure_key=str(row.get("measure_key") or ""),
                   person_id=row.get("person_id") or None,
                   period_start=_day(row.get("period_start")), period_end=end, value=value)


def plan_outcomes(plan: OutcomePlan, criteria: Iterable[Mapping[str, Any]],
                  readings: Iterable[Mapping[str, Any]], on: date) -> list[dict[str, Any]]:
    """Each identified problem the outcome plan finds met by `on`, as an outcome row
    (family_id, criterion_key, achieved_on = the day it was met) for `facts_from_rows`: the
    same engine as the Outcomes tab and the programme report, from the app's rows or the
    server's alike."""
    problems: dict[str, list[str]] = {}
    for row in criteria:
        problems.setdefault(row["family_id"], []).append(str(row["criterion_key"]))
    by_family: dict[str, list[Reading]] = {}
    for row in readings:
        if row.get("family_id") in problems and (reading := _reading(row)) is not None:
            by_family.setdefault(row["family_id"], []).append(reading)
    met: list[dict[str, Any]] = []
    for family_id, family_readings in by_family.items():
        progress = assess_family(plan, problems=problems[family_id], problem_labels={},
                                 readings=family_readings, spells=(), adults=(), on=on)
        met += [{"family_id": family_id, "criterion_key": p.problem, "achieved_on": p.met_on}
                for p in progress.problems
                if p.state is ProgressState.MET and p.met_on is not None]
    return met


def facts_from_rows(families: Iterable[Mapping[str, Any]],
                    criteria: Iterable[Mapping[str, Any]],
                    people: Iterable[Mapping[str, Any]],
                    outcomes: Iterable[Mapping[str, Any]],
                    claims: Iterable[Mapping[str, Any]]
                    ) -> tuple[list[ReturnFamily], list[ReturnClaim]]:
    """The return's facts from live rows as column -> value (dates as dates or ISO text), so
    the app's store and the server's row store give the same facts for the same rows."""
    problems: dict[str, list[tuple[str, date | None]]] = {}
    for row in criteria:
        problems.setdefault(row["family_id"], []).append(
            (str(row["criterion_key"]), _day(row.get("identified_on"))))
    members: dict[str, list[tuple[date | None, Sex | None]]] = {}
    for row in people:
        members.setdefault(row["family_id"], []).append(
            (_day(row.get("date_of_birth")), _enum(Sex, row.get("sex"))))
    achieved: dict[str, list[tuple[str, date]]] = {}
    for row in outcomes:
        if (on := _day(row.get("achieved_on"))) is not None:
            achieved.setdefault(row["family_id"], []).append((str(row["criterion_key"]), on))
    facts = [ReturnFamily(
        family_id=row["id"], reference=str(row.get("reference") or ""),
        team_id=row.get("team_id") or None, opened_on=_day(row.get("opened_on")),
        closed_on=_day(row.get("closed_on")),
        closure_reason=_enum(ClosureReason, row.get("closure_reason")),
        intervention_level=_enum(InterventionLevel, row.get("intervention_level")),
        problems=tuple(sorted(problems.get(row["id"], []),
                              key=lambda p: (p[0], p[1] or date.min))),
        people=tuple(sorted(members.get(row["id"], []),
                            key=lambda p: (p[0] or date.min, p[1] or ""))),
        outcomes=tuple(sorted(achieved.get(row["id"], []))))
        for row in families]
    claim_facts = [ReturnClaim(
        claim_id=row["id"], family_id=row["family_id"], quarter=str(row.get("quarter") or ""),
        claimed_on=claimed_on, route=str(row.get("route") or ClaimRoute.OUTCOME_PLAN.value),
        status=str(row.get("status") or ClaimStatus.CLAIMED.value),
        supersedes_id=row.get("supersedes_id") or None)
        for row in claims if (claimed_on := _day(row.get("claimed_on"))) is not None]
    return facts, claim_facts
