"""Claims: submit a ready route (its assessment frozen into the claim), move it through
verified / paid / rejected, correct it with a new version, and list them per quarter. Every
change is one audited, synced unit of work. Readings and progress: outcome_evidence.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from familyworker.domain.claims import (
    ClaimRecord,
    ClaimRoute,
    ClaimsPosition,
    ClaimStatus,
    ReadyClaim,
    check_claim_reference,
    claims_position,
    next_status_allowed,
)
from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import ProgressState
from familyworker.domain.quarter import Quarter
from familyworker.services.claim_snapshot import build_snapshot
from familyworker.services.outcome_evidence import (
    assess_rows,
    outcome_plan,
    progress_in,
    rows_by_family,
    text_field,
)
from familyworker.services.queries import family_by_id, live_rows
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    EmploymentSpellRow,
    FamilyCriterionRow,
    FamilyRow,
    MeasureReadingRow,
    OutcomeClaimRow,
    PersonRow,
)


def claim_record(row: OutcomeClaimRow) -> ClaimRecord:
    return ClaimRecord(id=row.id, family_id=row.family_id, route=ClaimRoute(row.route),
                       person_id=row.person_id, claim_reference=row.claim_reference,
                       claimed_on=row.claimed_on, quarter=row.quarter,
                       status=ClaimStatus(row.status), status_on=row.status_on,
                       rejected_reason=row.rejected_reason, version=row.version,
                       supersedes_id=row.supersedes_id)


def _position(session: Session, plan: OutcomePlan, family_id: str, on: date) -> ClaimsPosition:
    claims = [claim_record(r) for r in live_rows(session, OutcomeClaimRow, family_id)]
    return claims_position(family_id, progress_in(session, plan, family_id, on), claims)


def family_claims(store: CaseloadStore, family_id: str, *,
                  on: date | None = None) -> ClaimsPosition:
    with store.read() as session:
        family_by_id(session, family_id)
        return _position(session, outcome_plan(store), family_id, on or date.today())


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
    progress = progress_in(session, plan, family_id, on)
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
    why = text_field(reason, "The reason")
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
        progress = progress_in(session, plan, old.family_id, day)
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


@dataclass(frozen=True, slots=True)
class FrozenClaim:
    """A submitted claim and, in words, the assessment frozen into it (read from the
    snapshot, never re-assessed): what the worker is shown once the claim is made."""

    record: ClaimRecord
    assessed_on: date
    lines: tuple[str, ...]


def frozen_claim(store: CaseloadStore, claim_reference: str) -> FrozenClaim:
    with store.read() as session:
        row = claim_by_reference(session, claim_reference)
        snapshot = row.snapshot or {}
        record = claim_record(row)
    people: dict[str, str] = snapshot.get("people", {})
    lines = [f"{p['label']}: {p['state']}"
             + (f" on {date.fromisoformat(p['met_on']):%d %b %Y}" if p.get("met_on") else "")
             + f". {p['reason']}" for p in snapshot.get("problems", [])]
    lines += [f"Employment of {people.get(e['person_id'], 'an adult')}: {e['state']}"
              + (f" on {date.fromisoformat(e['met_on']):%d %b %Y}" if e.get("met_on") else "")
              + f". {e['reason']}" for e in snapshot.get("employment", [])]
    assessed = snapshot.get("assessed_on")
    return FrozenClaim(record, date.fromisoformat(assessed) if assessed else record.claimed_on,
                       tuple(lines))


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
    family_id: str = ""  # to open the family file from the list


def claims_list(store: CaseloadStore, quarter: Quarter, *,
                today: date | None = None) -> list[ClaimsListLine]:
    """Ready to claim (as of the quarter's end, or today if sooner), then the claims made in
    the quarter by status; superseded versions are left out."""
    as_of = min(quarter.end, today or date.today())
    plan = outcome_plan(store)
    lines: list[ClaimsListLine] = []
    with store.read() as session:
        # One query per table for the whole caseload, then the pure engine per family.
        needs = rows_by_family(session, FamilyCriterionRow)
        readings = rows_by_family(session, MeasureReadingRow)
        spells = rows_by_family(session, EmploymentSpellRow)
        made = rows_by_family(session, OutcomeClaimRow)
        people = rows_by_family(session, PersonRow)
        families: Sequence[FamilyRow] = session.exec(select(FamilyRow).where(
            col(FamilyRow.deleted_at).is_(None)).order_by(col(FamilyRow.reference))).all()
    for family in families:
        progress = assess_rows(plan, needs.get(family.id, []), readings.get(family.id, []),
                           spells.get(family.id, []), as_of)
        position = claims_position(family.id, progress,
                                   [claim_record(r) for r in made.get(family.id, [])])
        names = {p.id: p.name for p in people.get(family.id, [])}
        lines += [ClaimsListLine(family.reference, r.route, r.person_id, "ready", on=r.met_on,
                                 person_name=names.get(r.person_id or "", ""),
                                 family_id=family.id)
                  for r in position.ready]
        lines += [ClaimsListLine(family.reference, c.route, c.person_id, c.status.value,
                                 claim_reference=c.claim_reference, on=c.claimed_on,
                                 version=c.version, rejected_reason=c.rejected_reason,
                                 person_name=names.get(c.person_id or "", ""),
                                 family_id=family.id)
                  for c in position.claims if c.quarter == str(quarter)]
    order = ["ready"] + [s.value for s in ClaimStatus]
    return sorted(lines, key=lambda line: (order.index(line.state), line.family_reference))
