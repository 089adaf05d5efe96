"""Sustainability reviews and hand-recorded outcome history over a real encrypted caseload."""

from datetime import date

import pytest
from sqlmodel import col, select

from familyworker.domain.claims import ReviewResult
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.ids import new_id
from familyworker.services import families, outcomes
from familyworker.services.caseload import list_caseload
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow, OutcomeRow

TODAY = date(2026, 6, 1)
NEEDS = ("education", "housing", "health")


def make_family(store: CaseloadStore, reference: str = "FAM-0100") -> str:
    family = families.add_family(store, reference=reference, household_name="Outcome household",
                                 postcode="LS1 4AB", referred_on=date(2025, 1, 5))
    families.change_status(store, family.id, FamilyStatus.OPEN, on=date(2025, 1, 10))
    families.add_person(store, family.id, name="Parent", relationship="Mum",
                        date_of_birth=date(1990, 1, 1))
    families.add_person(store, family.id, name="Child", relationship="Son",
                        date_of_birth=date(2015, 3, 3))
    for key in NEEDS:
        families.add_need(store, family.id, criterion_key=key, identified_on=date(2025, 1, 10))
    return family.id


def test_hand_recorded_outcomes_are_history_only(store: CaseloadStore) -> None:
    """Outcome rows (typed in before the outcome plan, or synced from an older device) are
    shown oldest first; nothing records new ones and nothing judges by them."""
    family_id = make_family(store)
    with store.unit_of_work() as uow:
        for key, on in (("health", date(2025, 12, 1)), ("education", date(2025, 11, 1))):
            uow.add(OutcomeRow(id=new_id(), family_id=family_id, criterion_key=key,
                               achieved_on=on, evidence=f"{key} evidence"))
    view = outcomes.family_outcomes(store, family_id)
    assert [o.criterion_key for o in view.earlier_outcomes] == ["education", "health"]
    assert not hasattr(outcomes, "record_outcome") and not hasattr(outcomes, "mark_claimed")


def test_closing_books_a_review_six_months_later_and_it_is_due(store: CaseloadStore) -> None:
    family_id = make_family(store)
    other = make_family(store, "FAM-0101")
    families.close_case(store, family_id, reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=date(2025, 11, 30))
    families.close_case(store, other, reason=ClosureReason.MOVED_AWAY, on=date(2026, 3, 1))
    view = outcomes.family_outcomes(store, family_id)
    assert view.review_due == date(2026, 5, 30)
    due = outcomes.sustainability_reviews_due(store, TODAY)
    assert [(d.reference, d.due_on) for d in due] == [("FAM-0100", date(2026, 5, 30))]
    later = outcomes.sustainability_reviews_due(store, date(2026, 9, 1))
    assert [d.reference for d in later] == ["FAM-0100", "FAM-0101"]
    # The worker's caseload shows it as the review date of the closed case.
    line = {s.reference: s for s in list_caseload(store, today=TODAY)}["FAM-0100"]
    assert line.review_due == date(2026, 5, 30)


def test_review_confirming_outcomes_keeps_the_case_closed(store: CaseloadStore) -> None:
    family_id = make_family(store)
    families.close_case(store, family_id, reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=date(2025, 11, 30))
    result = outcomes.record_sustainability_review(store, family_id, sustained=True, on=TODAY)
    assert result is ReviewResult.SUSTAINED
    view = outcomes.family_outcomes(store, family_id)
    assert view.status is FamilyStatus.CLOSED and view.review_due is None
    assert view.reviews == ((TODAY, ReviewResult.SUSTAINED),)
    assert outcomes.sustainability_reviews_due(store, date(2030, 1, 1)) == []


def test_review_finding_things_slipped_reopens_the_case(store: CaseloadStore) -> None:
    family_id = make_family(store)
    families.close_case(store, family_id, reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=date(2025, 11, 30))
    outcomes.record_sustainability_review(store, family_id, sustained=False, on=TODAY)
    view = outcomes.family_outcomes(store, family_id)
    assert view.status is FamilyStatus.OPEN and view.review_due is None
    assert view.reviews == ((TODAY, ReviewResult.REOPENED),)
    from familyworker.services.family_file import load_family_file

    family = load_family_file(store, family_id=family_id).family
    assert family.opened_on == TODAY and family.closed_on is None
    # An open case has no sustainability review to record.
    with pytest.raises(ValidationError, match="Only a closed case"):
        outcomes.record_sustainability_review(store, family_id, sustained=True, on=TODAY)
    with store.read() as session:
        updates = session.exec(select(AuditEventRow).where(
            AuditEventRow.entity == "family", col(AuditEventRow.detail).contains("status"))).all()
    assert updates  # reopening is audited like any other change


def test_closing_through_update_family_books_the_review_and_reopening_clears_it(
        store: CaseloadStore) -> None:
    family_id = make_family(store)
    families.update_family(store, family_id, status="closed",
                           closure_reason="outcomes-achieved")
    booked = outcomes.family_outcomes(store, family_id).review_due
    assert booked is not None and booked > date.today()
    families.update_family(store, family_id, address="1 New Street")  # no status change
    assert outcomes.family_outcomes(store, family_id).review_due == booked
    families.update_family(store, family_id, status="open")
    assert outcomes.family_outcomes(store, family_id).review_due is None


def test_cases_that_arrive_closed_have_their_review_booked(store: CaseloadStore) -> None:
    from familyworker.domain.outcome import add_months
    from familyworker.services.demo import import_demo
    from familyworker.store.tables import FamilyRow

    import_demo(store)
    with store.read() as session:
        closed = session.exec(select(FamilyRow).where(
            FamilyRow.status == FamilyStatus.CLOSED.value)).all()
        still_open = session.exec(select(FamilyRow).where(
            FamilyRow.status != FamilyStatus.CLOSED.value)).all()
    assert closed and all(row.closed_on is not None for row in closed)
    assert all(row.sustainability_review_due == add_months(row.closed_on, 6)  # type: ignore[arg-type]
               for row in closed)
    assert all(row.sustainability_review_due is None for row in still_open)
    far_future = date(2100, 1, 1)
    due = {review.reference for review in outcomes.sustainability_reviews_due(store, far_future)}
    assert due == {row.reference for row in closed}
