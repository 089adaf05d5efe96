"""The demo caseload carries a casework week: safety details, booked visits, tasks, and an
attempted visit nobody answered, which is recorded and does not count as contact."""

from datetime import date

from sqlmodel import col, select

from familyworker.services.caseload import list_caseload
from familyworker.services.demo import import_demo
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow, FamilyRow, TaskRow

TODAY = date(2026, 12, 7)


def test_demo_has_a_week_of_casework(store: CaseloadStore) -> None:
    import_demo(store, today=TODAY)
    with store.read() as session:
        families = session.exec(select(FamilyRow)).all()
        tasks = session.exec(select(TaskRow)).all()
    assert any(f.safety_information for f in families)
    booked = [f for f in families if f.next_visit_at is not None]
    assert booked and all(f.next_visit_due == f.next_visit_at.date() > TODAY
                          for f in booked if f.next_visit_at)
    assert len(tasks) >= 5
    assert any(t.done_on is None and t.due_on and t.due_on < TODAY for t in tasks)  # overdue
    assert any(t.done_on is not None for t in tasks)
    assert all(t.assigned_to for t in tasks)
    assert any(f.status == "step-down" and f.stepped_down_to for f in families)


def test_an_unanswered_visit_is_recorded_but_is_not_the_last_contact(
        store: CaseloadStore) -> None:
    import_demo(store, today=TODAY)
    with store.read() as session:
        missed = session.exec(select(ContactNoteRow).where(
            ContactNoteRow.outcome == "no-answer")).all()
        assert missed
        note = missed[0]
        others = session.exec(select(ContactNoteRow).where(
            ContactNoteRow.family_id == note.family_id, ContactNoteRow.status == "final",
            ContactNoteRow.outcome == "made", col(ContactNoteRow.kind).in_(
                ["home-visit", "phone", "school", "office", "team-around-the-family"]))).all()
    summary = next(s for s in list_caseload(store, today=TODAY) if s.id == note.family_id)
    assert summary.last_contact_on == max(n.occurred_at for n in others).date()
    assert summary.last_contact_on < note.occurred_at.date()
