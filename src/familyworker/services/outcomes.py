"""The case side of outcomes: the sustainability review a closure books, and outcomes recorded
by hand before the outcome plan, kept as history.

Whether a family's problems are met is the outcome plan's to say, and nothing else's
(services.outcome_evidence, domain.outcome_progress): the Outcomes tab, the programme report,
claims and the quarterly return all use it. Every change here is one unit of work, so it is
stamped, queued for sync and audited like the rest.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from familyworker.domain.claims import ReviewResult
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import Family, FamilyStatus, sustainability_review_due
from familyworker.domain.ids import new_id
from familyworker.domain.outcome import Outcome
from familyworker.services.queries import family_by_id, live_rows
from familyworker.store import mapping
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow, OutcomeRow, SustainabilityReviewRow


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
    """Beside the outcome plan's progress on the Outcomes tab: the case's status, any review
    booked, and outcomes recorded by hand before the plan (history: they decide nothing)."""

    status: FamilyStatus
    review_due: date | None
    reviews: tuple[tuple[date, ReviewResult], ...]  # (reviewed on, result), oldest first
    earlier_outcomes: tuple[Outcome, ...] = ()  # oldest first


def review_booking(before: str, after: Family) -> dict[str, object]:
    """The review date a status change books (closing) or clears (reopening); else nothing."""
    if after.status.value == before:
        return {}
    if after.status is FamilyStatus.CLOSED and after.closed_on is not None:
        return {"sustainability_review_due": sustainability_review_due(after.closed_on)}
    return {"sustainability_review_due": None}


def family_outcomes(store: CaseloadStore, family_id: str) -> FamilyOutcomes:
    with store.read() as session:
        family = family_by_id(session, family_id)
        earlier = sorted((mapping.outcome_from_row(r)
                          for r in live_rows(session, OutcomeRow, family_id)),
                         key=lambda o: (o.achieved_on, o.id))
        reviews = sorted((r.reviewed_on, ReviewResult(r.result))
                         for r in live_rows(session, SustainabilityReviewRow, family_id))
        return FamilyOutcomes(status=FamilyStatus(family.status),
                              review_due=family.sustainability_review_due,
                              reviews=tuple(reviews), earlier_outcomes=tuple(earlier))


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
