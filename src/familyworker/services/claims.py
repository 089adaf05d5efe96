"""Readings, employment spells, each family's progress against the outcome plan, and claims:
submitted (the assessment frozen into the claim), moved through verified / paid / rejected,
corrected by a new version. Every change is one audited, synced unit of work.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from familyworker.domain.claims import (
    ClaimRecord,
    ClaimRoute,
    ClaimsPosition,
    ClaimStatus,
    Quarter,
    ReadyClaim,
    check_claim_reference,
    claims_position,
    next_status_allowed,
)
from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import (
    EmploymentSpell,
    FamilyProgress,
    ProgressState,
    Reading,
    assess_family,
)
from familyworker.domain.person import ADULT_AGE
from familyworker.services.outcome_plan_file import load_outcome_plan
from familyworker.services.people import find_member
from familyworker.services.programme import default_framework
from familyworker.services.queries import family_by_id, live_rows
from familyworker.store import mapping
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    EmploymentSpellRow,
    FamilyCriterionRow,
    FamilyRow,
    MeasureReadingRow,
    OutcomeClaimRow,
    PersonRow,
    SyncedRow,
    WorkerRow,
)

MAX_TEXT = 200
MAX_SOURCE_REFERENCE = 100  # the sync row schema's limit for a key-like field
RowT = TypeVar("RowT", bound=SyncedRow)


def outcome_plan(store: CaseloadStore) -> OutcomePlan:
    return load_outcome_plan(store.paths.data_dir)


def _text(value: str, what: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(f"{what} is needed.")
    if len(cleaned) > limit or any(ord(ch) < 32 for ch in cleaned):
        raise ValidationError(f"{what} is up to {limit} characters on one line.")
    return cleaned


def _person(session: Session, family_id: str, person_id: str | None) -> PersonRow | None:
    if person_id is None:
        return None
    row = session.get(PersonRow, person_id)
    if row is None or row.deleted_at is not None or row.family_id != family_id:
        raise ValidationError("That person is not a member of this family.")
    return row


def record_reading(store: CaseloadStore, family_id: str, *, measure_key: str,
                   period_end: date, value: str, source: str, period_start: date | None = None,
                   person_id: str | None = None, source_reference: str = "",
                   verified_by: str = "", note: str = "", today: date | None = None) -> str:
    """A reading of one of the plan's measures from its source; returns its id."""
    measure = outcome_plan(store).measure(measure_key)
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValidationError(f"'{value}' is not a number (write it like 93.5).") from None
    if not number.is_finite() or number < 0:
        raise ValidationError("A reading is a number of 0 or more.")
    if period_end > (today or date.today()):
        raise ValidationError("A reading cannot be for a period that has not ended yet.")
    if period_start is not None and period_start > period_end:
        raise ValidationError("A reading's period cannot start after it ends.")
    row = MeasureReadingRow(id=new_id(), family_id=family_id, person_id=person_id,
                            measure_key=measure.key, period_start=period_start,
                            period_end=period_end, value=value.strip(),
                            source=_text(source, "The source", required=True),
                            source_reference=_text(source_reference, "The source reference",
                                                     limit=MAX_SOURCE_REFERENCE),
                            verified_by=_text(verified_by, "Who verified it"),
                            note=_text(note, "The note"))
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        _person(uow.session, family_id, person_id)
        row.recorded_by = uow.actor_id
        uow.add(row)
    return row.id


def record_employment(store: CaseloadStore, family_id: str, *, person_id: str,
                      started_on: date, hours_per_week: int, source: str,
                      benefit_ended_on: date | None = None, ended_on: date | None = None,
                      source_reference: str = "", note: str = "",
                      today: date | None = None) -> str:
    """An adult's spell in work (the continuous-employment route); returns its id."""
    day = today or date.today()
    if started_on > day or (benefit_ended_on is not None and benefit_ended_on > day):
        raise ValidationError("Employment cannot be recorded for a day still to come.")
    if ended_on is not None and ended_on < started_on:
        raise ValidationError("Employment cannot end before it starts.")
    if not 0 < hours_per_week <= 100:
        raise ValidationError("Hours a week must be between 1 and 100.")
    row = EmploymentSpellRow(id=new_id(), family_id=family_id, person_id=person_id,
                             benefit_ended_on=benefit_ended_on, started_on=started_on,
                             ended_on=ended_on, hours_per_week=hours_per_week,
                             source=_text(source, "The source", required=True),
                             source_reference=_text(source_reference, "The source reference",
                                                     limit=MAX_SOURCE_REFERENCE),
                             note=_text(note, "The note"))
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        person = _person(uow.session, family_id, person_id)
        dob = person.date_of_birth if person else None
        if dob is not None and _age(dob, started_on) < ADULT_AGE:
            raise ValidationError("The employment route is for adults (18 or over).")
        row.recorded_by = uow.actor_id
        uow.add(row)
    return row.id


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def reading_from_row(row: MeasureReadingRow) -> Reading:
    return Reading(id=row.id, measure_key=row.measure_key, person_id=row.person_id,
                   period_start=row.period_start, period_end=row.period_end,
                   value=Decimal(row.value), source=row.source,
                   source_reference=row.source_reference, verified_by=row.verified_by,
                   recorded_by=row.recorded_by)


def spell_from_row(row: EmploymentSpellRow) -> EmploymentSpell:
    return EmploymentSpell(id=row.id, person_id=row.person_id,
                           benefit_ended_on=row.benefit_ended_on, started_on=row.started_on,
                           ended_on=row.ended_on, hours_per_week=row.hours_per_week,
                           source=row.source, source_reference=row.source_reference,
                           recorded_by=row.recorded_by)


def claim_record(row: OutcomeClaimRow) -> ClaimRecord:
    return ClaimRecord(id=row.id, family_id=row.family_id, route=ClaimRoute(row.route),
                       person_id=row.person_id, claim_reference=row.claim_reference,
                       claimed_on=row.claimed_on, quarter=row.quarter,
                       status=ClaimStatus(row.status), status_on=row.status_on,
                       rejected_reason=row.rejected_reason, version=row.version,
                       supersedes_id=row.supersedes_id)


def _needs(session: Session, family_id: str) -> list[FamilyCriterionRow]:
    return sorted(live_rows(session, FamilyCriterionRow, family_id),
                  key=lambda r: (r.identified_on or date.min, r.id))


def _progress(session: Session, plan: OutcomePlan, family_id: str, on: date) -> FamilyProgress:
    return _assess(plan, live_rows(session, FamilyCriterionRow, family_id),
                   live_rows(session, MeasureReadingRow, family_id),
                   live_rows(session, EmploymentSpellRow, family_id), on)


def _assess(plan: OutcomePlan, needs: Sequence[FamilyCriterionRow],
            readings: Sequence[MeasureReadingRow], spells: Sequence[EmploymentSpellRow],
            on: date) -> FamilyProgress:
    labels = {c.key: c.label for c in default_framework().criteria}
    ordered = sorted(needs, key=lambda r: (r.identified_on or date.min, r.id))
    spell_list = [spell_from_row(r) for r in spells]
    return assess_family(plan, problems=[r.criterion_key for r in ordered],
                         problem_labels=labels,
                         readings=[reading_from_row(r) for r in readings],
                         spells=spell_list, adults=[s.person_id for s in spell_list], on=on)


def family_progress(store: CaseloadStore, family_id: str, *,
                    on: date | None = None) -> FamilyProgress:
    with store.read() as session:
        family_by_id(session, family_id)
        return _progress(session, outcome_plan(store), family_id, on or date.today())


def _position(session: Session, plan: OutcomePlan, family_id: str, on: date) -> ClaimsPosition:
    claims = [claim_record(r) for r in live_rows(session, OutcomeClaimRow, family_id)]
    return claims_position(family_id, _progress(session, plan, family_id, on), claims)


def family_claims(store: CaseloadStore, family_id: str, *,
                  on: date | None = None) -> ClaimsPosition:
    with store.read() as session:
        family_by_id(session, family_id)
        return _position(session, outcome_plan(store), family_id, on or date.today())


# --- the snapshot frozen into a claim -------------------------------------------------------

def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def build_snapshot(session: Session, plan: OutcomePlan, family_id: str, *, route: ClaimRoute,
                   person_id: str | None, on: date) -> dict[str, Any]:
    """Everything the claim rests on, as plain JSON: the pack is printed from this, so later
    edits to the family change nothing in a submitted claim."""
    family = family_by_id(session, family_id)
    progress = _progress(session, plan, family_id, on)
    needs = {r.criterion_key: r for r in _needs(session, family_id)}
    readings = sorted(live_rows(session, MeasureReadingRow, family_id),
                      key=lambda r: (r.measure_key, r.person_id or "", r.period_end, r.id))
    spells = sorted((r for r in live_rows(session, EmploymentSpellRow, family_id)
                     if route is ClaimRoute.OUTCOME_PLAN or r.person_id == person_id),
                    key=lambda r: (r.started_on, r.id))
    people = {p.id: p.name for p in live_rows(session, PersonRow, family_id)}
    recorders = {r.recorded_by for r in readings} | {s.recorded_by for s in spells}
    workers = {w.id: w.name for w in session.exec(select(WorkerRow).where(
        col(WorkerRow.id).in_([r for r in recorders if r]))).all()}
    return {
        "assessed_on": on.isoformat(), "plan": plan.name, "route": route.value,
        "person_id": person_id,
        "family": {"reference": family.reference, "household_name": family.household_name,
                   "consent_given_on": _day(family.consent_given_on)},
        "problems": [{
            "key": p.problem, "label": p.label, "state": p.state.value, "reason": p.reason,
            "met_on": _day(p.met_on), "due_on": _day(p.due_on),
            "identified_on": _day(needs[p.problem].identified_on) if p.problem in needs else None,
            "evidence": needs[p.problem].evidence if p.problem in needs else "",
            "measures": [{
                "key": m.measure.key, "label": m.measure.label, "kind": m.measure.kind.value,
                "sustainment": m.measure.sustainment_in_words, "source": m.measure.source,
                "verified_by": m.measure.verified_by, "unit": m.measure.unit,
                "state": m.state.value, "reason": m.reason, "met_on": _day(m.met_on),
                "sustained_from": _day(m.sustained_from), "evidence_ids": list(m.evidence_ids),
            } for m in p.measures]} for p in progress.problems]
        if route is ClaimRoute.OUTCOME_PLAN else [],
        "employment": [{
            "person_id": e.person_id, "state": e.state.value, "reason": e.reason,
            "met_on": _day(e.met_on), "sustained_from": _day(e.sustained_from),
            "evidence_ids": list(e.evidence_ids),
            "rule": f"{plan.employment.weeks} weeks in a row at "
                    f"{plan.employment.min_hours_per_week} or more hours a week",
            "source": plan.employment.source, "verified_by": plan.employment.verified_by,
        } for e in progress.employment if e.person_id == person_id],
        "readings": [{
            "id": r.id, "measure_key": r.measure_key, "person_id": r.person_id,
            "period_start": _day(r.period_start), "period_end": _day(r.period_end),
            "value": r.value, "source": r.source, "source_reference": r.source_reference,
            "verified_by": r.verified_by, "recorded_by": r.recorded_by,
        } for r in readings] if route is ClaimRoute.OUTCOME_PLAN else [],
        "spells": [{
            "id": s.id, "person_id": s.person_id, "benefit_ended_on": _day(s.benefit_ended_on),
            "started_on": _day(s.started_on), "ended_on": _day(s.ended_on),
            "hours_per_week": s.hours_per_week, "source": s.source,
            "source_reference": s.source_reference, "recorded_by": s.recorded_by,
        } for s in spells],
        "people": people,
        "workers": workers,
    }


# --- claims ---------------------------------------------------------------------------------

def _claim_rows(session: Session, claim_reference: str) -> list[OutcomeClaimRow]:
    text = claim_reference.strip()
    return list(session.exec(select(OutcomeClaimRow).where(
        OutcomeClaimRow.claim_reference == text,
        col(OutcomeClaimRow.deleted_at).is_(None))).all())


def claim_by_reference(session: Session, claim_reference: str) -> OutcomeClaimRow:
    """The standing version of the claim with this reference (a correction replaces it)."""
    rows = [r for r in _claim_rows(session, claim_reference)
            if r.status != ClaimStatus.SUPERSEDED.value]
    if not rows:
        raise ValidationError(f"No claim has the reference '{claim_reference.strip()}'.")
    return max(rows, key=lambda r: (r.version, r.claimed_on, r.id))


def submit_claim(store: CaseloadStore, family_id: str, *, claim_reference: str,
                 route: ClaimRoute = ClaimRoute.OUTCOME_PLAN, person_id: str | None = None,
                 on: date | None = None) -> ClaimRecord:
    """Claim a route that is ready; its assessment is frozen into the claim."""
    day = on or date.today()
    plan = outcome_plan(store)
    reference = check_claim_reference(claim_reference)
    with store.unit_of_work() as uow:
        session = uow.session
        family_by_id(session, family_id)
        if _claim_rows(session, reference):
            raise ValidationError(f"The claim reference '{reference}' is already used.")
        position = _position(session, plan, family_id, day)
        if _ready(position, route, person_id) is None:
            raise ValidationError(_not_ready_words(session, plan, family_id, day, route,
                                                   person_id, position))
        row = OutcomeClaimRow(
            id=new_id(), family_id=family_id, claimed_on=day, claim_reference=reference,
            rule_key=route.value, claimed_by=uow.actor_id, route=route.value,
            person_id=person_id, quarter=str(Quarter.of(day)),
            status=ClaimStatus.CLAIMED.value, status_on=day,
            snapshot=build_snapshot(session, plan, family_id, route=route,
                                    person_id=person_id, on=day))
        uow.add(row)
        return claim_record(row)


def _ready(position: ClaimsPosition, route: ClaimRoute,
           person_id: str | None) -> ReadyClaim | None:
    for ready in position.ready:
        if ready.route is route and ready.person_id == person_id:
            return ready
    return None


def _not_ready_words(session: Session, plan: OutcomePlan, family_id: str, on: date,
                     route: ClaimRoute, person_id: str | None,
                     position: ClaimsPosition) -> str:
    if any(c.route is route and c.person_id == person_id for c in position.claims):
        return "This has already been claimed; correct that claim instead."
    progress = _progress(session, plan, family_id, on)
    if route is ClaimRoute.OUTCOME_PLAN:
        return "Not ready to claim: " + " ".join(progress.plan_reasons)
    for adult in progress.employment:
        if adult.person_id == person_id:
            return "Not ready to claim: " + adult.reason
    return "Not ready to claim: no employment is recorded for that person."


def set_claim_status(store: CaseloadStore, claim_reference: str, status: ClaimStatus, *,
                     on: date | None = None, reason: str = "") -> ClaimRecord:
    """Verified, paid or rejected (with its reason); the claim's content is not touched."""
    day = on or date.today()
    why = _text(reason, "The reason")
    if status is ClaimStatus.REJECTED and not why:
        raise ValidationError("Rejecting a claim needs the reason it was rejected.")
    with store.unit_of_work() as uow:
        row = claim_by_reference(uow.session, claim_reference)
        current = ClaimStatus(row.status)
        if not next_status_allowed(current, status):
            raise ValidationError(f"A claim that is {current.value} cannot become "
                                  f"{status.value}.")
        uow.update(row, {"status": status.value, "status_on": day,
                         "rejected_reason": why if status is ClaimStatus.REJECTED else ""})
        return claim_record(row)


def correct_claim(store: CaseloadStore, claim_reference: str, *, on: date | None = None,
                  new_reference: str | None = None) -> ClaimRecord:
    """A new version, re-assessed and frozen today, supersedes the standing one."""
    day = on or date.today()
    plan = outcome_plan(store)
    with store.unit_of_work() as uow:
        session = uow.session
        old = claim_by_reference(session, claim_reference)
        if old.status == ClaimStatus.PAID.value:
            raise ValidationError("A paid claim cannot be corrected.")
        route = ClaimRoute(old.route)
        progress = _progress(session, plan, old.family_id, day)
        still_met = (progress.plan_met if route is ClaimRoute.OUTCOME_PLAN else any(
            e.person_id == old.person_id and e.met_on is not None
            and e.state is ProgressState.MET for e in progress.employment))
        if not still_met:
            raise ValidationError("The corrected claim would not be met: "
                                  + " ".join(progress.plan_reasons
                                             if route is ClaimRoute.OUTCOME_PLAN else
                                             [e.reason for e in progress.employment
                                              if e.person_id == old.person_id]))
        reference = check_claim_reference(new_reference or old.claim_reference)
        if reference != old.claim_reference and _claim_rows(session, reference):
            raise ValidationError(f"The claim reference '{reference}' is already used.")
        uow.update(old, {"status": ClaimStatus.SUPERSEDED.value, "status_on": day})
        row = OutcomeClaimRow(
            id=new_id(), family_id=old.family_id, claimed_on=day, claim_reference=reference,
            rule_key=old.rule_key, claimed_by=uow.actor_id, route=old.route,
            person_id=old.person_id, quarter=str(Quarter.of(day)),
            status=ClaimStatus.CLAIMED.value, status_on=day, version=old.version + 1,
            supersedes_id=old.id,
            snapshot=build_snapshot(session, plan, old.family_id, route=route,
                                    person_id=old.person_id, on=day))
        uow.add(row)
        return claim_record(row)


def _by_family(session: Session, row_type: type[RowT]) -> dict[str, list[RowT]]:
    grouped: dict[str, list[RowT]] = {}
    for row in session.exec(select(row_type).where(
            col(row_type.deleted_at).is_(None))).all():
        grouped.setdefault(row.family_id, []).append(row)  # type: ignore[attr-defined]
    return grouped


# --- the claims list per quarter ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ClaimsListLine:
    family_reference: str
    route: ClaimRoute
    person_id: str | None
    state: str  # "ready" or a ClaimStatus value
    claim_reference: str = ""
    on: date | None = None  # met on (ready) or claimed on
    version: int = 0
    rejected_reason: str = ""
    person_name: str = ""  # the adult, on the employment route


def claims_list(store: CaseloadStore, quarter: Quarter, *,
                today: date | None = None) -> list[ClaimsListLine]:
    """Ready to claim (as of the quarter's end, or today if sooner), then the claims made in
    the quarter by status; superseded versions are left out."""
    as_of = min(quarter.end, today or date.today())
    plan = outcome_plan(store)
    lines: list[ClaimsListLine] = []
    with store.read() as session:
        # One query per table for the whole caseload, then the pure engine per family.
        needs = _by_family(session, FamilyCriterionRow)
        readings = _by_family(session, MeasureReadingRow)
        spells = _by_family(session, EmploymentSpellRow)
        made = _by_family(session, OutcomeClaimRow)
        people = _by_family(session, PersonRow)
        families: Sequence[FamilyRow] = session.exec(select(FamilyRow).where(
            col(FamilyRow.deleted_at).is_(None)).order_by(col(FamilyRow.reference))).all()
    for family in families:
        progress = _assess(plan, needs.get(family.id, []), readings.get(family.id, []),
                           spells.get(family.id, []), as_of)
        position = claims_position(family.id, progress,
                                   [claim_record(r) for r in made.get(family.id, [])])
        names = {p.id: p.name for p in people.get(family.id, [])}
        lines += [ClaimsListLine(family.reference, r.route, r.person_id, "ready", on=r.met_on,
                                 person_name=names.get(r.person_id or "", ""))
                  for r in position.ready]
        lines += [ClaimsListLine(family.reference, c.route, c.person_id, c.status.value,
                                 claim_reference=c.claim_reference, on=c.claimed_on,
                                 version=c.version, rejected_reason=c.rejected_reason,
                                 person_name=names.get(c.person_id or "", ""))
                  for c in position.claims if c.quarter == str(quarter)]
    order = ["ready"] + [s.value for s in ClaimStatus]
    return sorted(lines, key=lambda line: (order.index(line.state), line.family_reference))


def member_id(store: CaseloadStore, family_id: str, name: str) -> str:
    """The id of the household member called `name` (for the command line)."""
    with store.read() as session:
        family = family_by_id(session, family_id)
        members = tuple(mapping.person_from_row(r)
                        for r in live_rows(session, PersonRow, family_id))
    return find_member(members, name, family.reference).id


def household_members(store: CaseloadStore, family_id: str) -> tuple[tuple[str, str], ...]:
    """(id, name) of each member, for choosing whom a reading is about."""
    with store.read() as session:
        rows = sorted(live_rows(session, PersonRow, family_id), key=lambda r: (r.name, r.id))
        return tuple((r.id, r.name) for r in rows)
