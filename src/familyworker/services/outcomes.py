"""Outcomes, results claims and sustainability reviews: what the Outcomes tab and reports use.

Every change is one unit of work, so it is stamped, queued for sync and audited like the rest.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlmodel import Session, col, select

from familyworker.domain.claims import (
    Claim,
    ClaimAssessment,
    ClaimRules,
    ReviewResult,
    assess_claim,
    household_is_eligible,
    sustainability_review_due,
)
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import Family, FamilyStatus
from familyworker.domain.ids import new_id
from familyworker.domain.outcome import Outcome
from familyworker.resources import load_json
from familyworker.services.programme import default_framework
from familyworker.services.queries import family_by_id, live_rows
from familyworker.store import mapping
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    FamilyCriterionRow,
    FamilyRow,
    OutcomeClaimRow,
    OutcomeRow,
    PersonRow,
    SustainabilityReviewRow,
)

CLAIM_RULES_FILE = ("criteria", "claim_rules.json")


@cache
def default_claim_rules() -> ClaimRules:
    return ClaimRules.from_dict(load_json(*CLAIM_RULES_FILE))


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """A closed family's sustainability review (identifiers and dates only, no names)."""

    family_id: str
    reference: str
    due_on: date
    lead_worker_id: str | None
    closed_on: date | None


@dataclass(frozen=True, slots=True)
class FamilyOutcomes:
    """The Outcomes tab: needs, outcomes, the claim position and any review booked."""

    assessment: ClaimAssessment
    outcomes: tuple[Outcome, ...]  # oldest first
    status: FamilyStatus
    review_due: date | None
    reviews: tuple[tuple[date, ReviewResult], ...]  # (reviewed on, result), oldest first


def claim_from_row(row: OutcomeClaimRow) -> Claim:
    return Claim(id=row.id, family_id=row.family_id, claimed_on=row.claimed_on,
                 claim_reference=row.claim_reference, rule_key=row.rule_key)


def review_booking(before: str, after: Family) -> dict[str, object]:
    """The review date a status change books (closing) or clears (reopening); else nothing."""
    if after.status.value == before:
        return {}
    if after.status is FamilyStatus.CLOSED and after.closed_on is not None:
        return {"sustainability_review_due":
                sustainability_review_due(after.closed_on, default_claim_rules())}
    return {"sustainability_review_due": None}


def record_outcome(store: CaseloadStore, family_id: str, *, criterion_key: str,
                   achieved_on: date, evidence: str, today: date | None = None) -> Outcome:
    """An outcome achieved against one headline criterion, with its evidence and date."""
    default_framework().criterion(criterion_key)  # rejects an unknown criterion
    if achieved_on > (today or date.today()):
        raise ValidationError("An outcome cannot be achieved on a date still to come.")
    outcome = Outcome(id=new_id(), family_id=family_id, criterion_key=criterion_key,
                      achieved_on=achieved_on, evidence=evidence.strip())
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(OutcomeRow(id=outcome.id, family_id=family_id, criterion_key=criterion_key,
                           achieved_on=achieved_on, evidence=outcome.evidence,
                           recorded_by=uow.actor_id))
    return outcome


def _live_claim(session: Session, family_id: str) -> OutcomeClaimRow | None:
    rows = sorted(live_rows(session, OutcomeClaimRow, family_id), key=lambda r: r.claimed_on)
    return rows[-1] if rows else None


def _assess(session: Session, family_id: str, on: date, rule_key: str | None) -> ClaimAssessment:
    needs = [r.criterion_key for r in sorted(live_rows(session, FamilyCriterionRow, family_id),
                                             key=lambda r: (r.identified_on or date.min, r.id))]
    people = live_rows(session, PersonRow, family_id)
    eligible = household_is_eligible(default_framework(), needs=needs,
                                     dates_of_birth=[p.date_of_birth for p in people],
                                     flags=[p.flags for p in people], on=on)
    outcomes = [mapping.outcome_from_row(r) for r in live_rows(session, OutcomeRow, family_id)]
    claim_row = _live_claim(session, family_id)
    return assess_claim(default_claim_rules().rule(rule_key), needs=needs, outcomes=outcomes,
                        eligible=eligible, on=on,
                        claim=claim_from_row(claim_row) if claim_row else None)


def family_outcomes(store: CaseloadStore, family_id: str, *, on: date | None = None,
                    rule_key: str | None = None) -> FamilyOutcomes:
    day = on or date.today()
    with store.read() as session:
        family = family_by_id(session, family_id)
        outcomes = sorted((mapping.outcome_from_row(r)
                           for r in live_rows(session, OutcomeRow, family_id)),
                          key=lambda o: (o.achieved_on, o.id))
        reviews = sorted((r.reviewed_on, ReviewResult(r.result))
                         for r in live_rows(session, SustainabilityReviewRow, family_id))
        return FamilyOutcomes(assessment=_assess(session, family_id, day, rule_key),
                              outcomes=tuple(outcomes), status=FamilyStatus(family.status),
                              review_due=family.sustainability_review_due,
                              reviews=tuple(reviews))


def mark_claimed(store: CaseloadStore, family_id: str, *, claim_reference: str,
                 claimed_on: date | None = None, rule_key: str | None = None) -> Claim:
    """Record the claim made for a claim-ready family (refused if not ready or claimed)."""
    day = claimed_on or date.today()
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        assessment = _assess(uow.session, family_id, day, rule_key)
        if assessment.claim is not None:
            raise ValidationError("A claim has already been recorded for this family.")
        if not assessment.ready:
            raise ValidationError("This family is not claim ready: "
                                  + " ".join(assessment.reasons_not_ready))
        claim = Claim(id=new_id(), family_id=family_id, claimed_on=day,
                      claim_reference=claim_reference, rule_key=assessment.rule.key)
        uow.add(OutcomeClaimRow(id=claim.id, family_id=family_id, claimed_on=day,
                                claim_reference=claim.claim_reference, rule_key=claim.rule_key,
                                claimed_by=uow.actor_id))
    return claim


def sustainability_reviews_due(store: CaseloadStore, on: date) -> list[ReviewDue]:
    """Closed families whose sustainability review falls on or before `on`, soonest first."""
    with store.read() as session:
        rows = session.exec(select(FamilyRow).where(
            col(FamilyRow.deleted_at).is_(None),
            FamilyRow.status == FamilyStatus.CLOSED.value,
            col(FamilyRow.sustainability_review_due).is_not(None),
            col(FamilyRow.sustainability_review_due) <= on)).all()
        return _reviews(rows)


def _reviews(rows: Sequence[FamilyRow]) -> list[ReviewDue]:
    due = [ReviewDue(family_id=r.id, reference=r.reference,
                     due_on=r.sustainability_review_due, lead_worker_id=r.lead_worker_id,
                     closed_on=r.closed_on)
           for r in rows if r.sustainability_review_due is not None]
    return sorted(due, key=lambda d: (d.due_on, d.reference))


def record_sustainability_review(store: CaseloadStore, family_id: str, *, sustained: bool,
                                 on: date | None = None) -> ReviewResult:
    """Outcomes held: the review is recorded and the case stays closed. Slipped: it reopens."""
    day = on or date.today()
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        if row.status != FamilyStatus.CLOSED.value:
            raise ValidationError("Only a closed case has a sustainability review.")
        result = ReviewResult.SUSTAINED if sustained else ReviewResult.REOPENED
        uow.add(SustainabilityReviewRow(id=new_id(), family_id=family_id,
                                        due_on=row.sustainability_review_due, reviewed_on=day,
                                        result=result.value, reviewed_by=uow.actor_id))
        changes: dict[str, object] = {"sustainability_review_due": None}
        if not sustained:
            reopened = mapping.family_from_row(row).move_to(FamilyStatus.OPEN, on=day)
            changes.update(mapping.family_values(reopened))
        uow.update(row, changes)
    return result
