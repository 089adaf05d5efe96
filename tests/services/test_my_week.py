"""Tasks, booked visits and My week over a real encrypted caseload, with an injected today."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from familyworker.domain.contact import ContactOutcome, NoteKind
from familyworker.domain.errors import ImmutableRecord, ValidationError
from familyworker.domain.family import ClosureReason, Family, FamilyStatus
from familyworker.domain.plan import Action, Goal
from familyworker.services import families, notes, plans, stars, tasks, visits
from familyworker.services.caseload import list_caseload
from familyworker.services.my_week import MyWeek, WeekItemKind, my_week
from familyworker.services.programme import default_star_template
from familyworker.services.team_roles import NotAManager
from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.tables import OutboxRow, TaskRow, WorkerRow

PASSPHRASE = "a long test passphrase"
TODAY = date(2024, 6, 3)  # a Monday


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseloadStore]:
    opened = CaseloadStore.create(tmp_path / "c", PASSPHRASE, kdf=KDF_FLOOR)
    yield opened
    opened.lock()


def _family(store: CaseloadStore, reference: str = "FAM-0001", *,
            opened: date = TODAY - timedelta(days=3), **extra: str) -> Family:
    family = families.add_family(store, reference=reference, household_name="The Example family",
                                 postcode="LS1 4AB", referred_on=opened - timedelta(days=2),
                                 **extra)  # type: ignore[arg-type]
    families.change_status(store, family.id, FamilyStatus.OPEN, on=opened)
    return family


def _kinds(week: MyWeek, reference: str) -> list[WeekItemKind]:
    return [item.kind for item in week.items if item.reference == reference]


def _visit(week: MyWeek, reference: str) -> list[tuple[date | None, bool]]:
    return [(item.day, item.overdue) for item in week.items
            if item.reference == reference and item.kind is WeekItemKind.VISIT]


# ----- tasks ---------------------------------------------------------------------------------


def test_a_task_is_added_ticked_done_and_undone(store: CaseloadStore) -> None:
    family = _family(store)
    task = tasks.add_task(store, family_id=family.id, text="  Ring the school  ",
                          due_on=TODAY + timedelta(days=2))
    assert task.text == "Ring the school" and task.assigned_to == store.worker_id
    assert [t.id for t in tasks.open_tasks_for(store)] == [task.id]
    done = tasks.set_done(store, task.id, True, today=TODAY)
    assert done.done_on == TODAY
    assert tasks.open_tasks_for(store) == []
    assert [t.is_done for t in tasks.family_tasks(store, family.id)] == [True]
    tasks.set_done(store, task.id, False)
    assert [t.id for t in tasks.open_tasks_for(store)] == [task.id]
    with store.read() as session:  # every change is queued to sync
        queued = session.exec(select(OutboxRow.kind).where(OutboxRow.table_name == "task")).all()
    assert queued == ["insert", "update", "update"]


def test_a_task_needs_words(store: CaseloadStore) -> None:
    family = _family(store)
    with pytest.raises(ValidationError, match="needs some words"):
        tasks.add_task(store, family_id=family.id, text="   ")


def test_only_a_supervisor_sets_a_task_for_another_worker_of_the_team(
        store: CaseloadStore) -> None:
    family = _family(store)
    with store.unit_of_work() as uow:
        uow.add(WorkerRow(id="w-other", name="Bronagh McKeever", role="worker", team_id=None))
        uow.add(WorkerRow(id="w-away", name="Someone Else", role="worker", team_id="t-2"))
    with pytest.raises(NotAManager):
        tasks.add_task(store, family_id=family.id, text="Visit", assigned_to="w-other")
    store.set_setting(SETTING_ROLE, "supervisor")
    with pytest.raises(ValidationError, match="another team"):
        tasks.add_task(store, family_id=family.id, text="Visit", assigned_to="w-away")
    task = tasks.add_task(store, family_id=family.id, text="Visit", assigned_to="w-other")
    assert task.assigned_to == "w-other" and task.created_by == store.worker_id
    assert [t.id for t in tasks.open_tasks_for(store, "w-other")] == [task.id]
    assert tasks.open_tasks_for(store) == []


def test_a_finalised_notes_follow_ups_become_tasks_once(store: CaseloadStore) -> None:
    family = _family(store)
    note = notes.save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                           occurred_at=datetime(2024, 6, 3, 10, tzinfo=UTC), narrative="Visit.",
                           follow_ups="- Ring the GP\n\n• Book the dentist\n  ")
    assert tasks.family_tasks(store, family.id) == []  # a draft's follow-ups are not tasks yet
    notes.save_note(store, family_id=family.id, note_id=note.id, kind=NoteKind.HOME_VISIT,
                    occurred_at=note.occurred_at, narrative="Visit.",
                    follow_ups=note.follow_ups, finalise=True)
    made = tasks.family_tasks(store, family.id)
    assert sorted(t.text for t in made) == ["Book the dentist", "Ring the GP"]
    assert {(t.source_note_id, t.assigned_to, t.due_on) for t in made} == {
        (note.id, store.worker_id, None)}
    # Once: the note cannot be finalised again, and a second try writes nothing.
    with pytest.raises(ImmutableRecord):
        notes.finalise_note(store, note.id)
    with store.read() as session:
        assert len(session.exec(select(TaskRow)).all()) == 2


def test_finalise_note_makes_tasks_and_a_note_without_follow_ups_none(
        store: CaseloadStore) -> None:
    family = _family(store)
    note = notes.save_note(store, family_id=family.id, kind=NoteKind.PHONE,
                           occurred_at=datetime(2024, 6, 3, 10, tzinfo=UTC), narrative="Call.",
                           follow_ups="Send the leaflet")
    notes.finalise_note(store, note.id)
    notes.save_note(store, family_id=family.id, kind=NoteKind.PHONE, finalise=True,
                    occurred_at=datetime(2024, 6, 3, 11, tzinfo=UTC), narrative="Call 2.")
    assert [t.text for t in tasks.family_tasks(store, family.id)] == ["Send the leaflet"]


# ----- visits --------------------------------------------------------------------------------


def test_booking_and_cancelling_a_visit(store: CaseloadStore) -> None:
    family = _family(store)
    at = datetime(2024, 6, 5, 10, 30)  # the laptop's local time
    booked = visits.book_visit(store, family.id, at=at, where="At home", today=TODAY)
    assert booked.booked_visit is not None and booked.booked_visit.at == at.astimezone()
    week = my_week(store, today=TODAY)
    item = next(i for i in week.items if i.kind is WeekItemKind.VISIT)
    assert (item.day, item.at, item.tab) == (date(2024, 6, 5), at.astimezone(), "notes")
    assert item.text == "Visit booked 10:30, At home"
    [summary] = list_caseload(store, today=TODAY)
    assert summary.next_visit_due == date(2024, 6, 5)
    visits.cancel_visit(store, family.id)
    week = my_week(store, today=TODAY)
    assert all(i.at is None for i in week.items)
    with pytest.raises(ValidationError, match="No visit is booked"):
        visits.cancel_visit(store, family.id)


def test_a_visit_is_not_booked_in_the_past_nor_for_a_closed_case(store: CaseloadStore) -> None:
    family = _family(store)
    with pytest.raises(ValidationError, match="has passed"):
        visits.book_visit(store, family.id, at=datetime(2024, 6, 2, 9), today=TODAY)
    families.close_case(store, family.id, reason=ClosureReason.MOVED_AWAY, on=TODAY)
    with pytest.raises(ValidationError, match="reopen it first"):
        visits.book_visit(store, family.id, at=datetime(2024, 6, 4, 9), today=TODAY)


# ----- My week -------------------------------------------------------------------------------


def test_contact_made_clears_an_overdue_visit_a_draft_or_no_answer_does_not(
        store: CaseloadStore) -> None:
    # Opened three weeks ago and never visited: the 14-day visit is a week overdue.
    family = _family(store, opened=TODAY - timedelta(days=21))
    assert _visit(my_week(store, today=TODAY), "FAM-0001") == [(TODAY, True)]
    yesterday = datetime(2024, 6, 2, 10, tzinfo=UTC)
    draft = notes.save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                            occurred_at=yesterday, narrative="Visited.")
    assert _visit(my_week(store, today=TODAY), "FAM-0001") == [(TODAY, True)]
    failed = notes.save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                             occurred_at=yesterday, narrative="Nobody in.")
    notes.edit_note(store, failed.id, outcome=ContactOutcome.NO_ANSWER)
    notes.finalise_note(store, failed.id)
    assert _visit(my_week(store, today=TODAY), "FAM-0001") == [(TODAY, True)]
    notes.finalise_note(store, draft.id)  # contact made: next visit due 14 days from it
    assert _visit(my_week(store, today=TODAY), "FAM-0001") == []
    week = my_week(store, today=TODAY, days=14)
    assert _visit(week, "FAM-0001") == [(date(2024, 6, 16), False)]


def test_a_closed_case_s_six_month_review_appears_when_due(store: CaseloadStore) -> None:
    family = _family(store, opened=date(2023, 9, 1))
    families.close_case(store, family.id, reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=date(2023, 12, 5))
    assert _kinds(my_week(store, today=date(2024, 5, 1)), "FAM-0001") == []
    week = my_week(store, today=date(2024, 6, 1))
    [item] = week.items
    assert (item.kind, item.day, item.overdue, item.tab) == (
        WeekItemKind.SUSTAINABILITY_REVIEW, date(2024, 6, 5), False, "outcomes")
    assert item.household == "The Example family"  # shown beside the reference
    assert item.as_json()["household"] == "The Example family"
    late = my_week(store, today=date(2024, 6, 20))
    assert [(i.day, i.overdue) for i in late.items] == [(date(2024, 6, 20), True)]


def test_tasks_plan_reviews_and_star_rescores_grouped_by_day_overdue_first(
        store: CaseloadStore) -> None:
    family = _family(store, "FAM-0001")
    other = _family(store, "FAM-0002")
    tasks.add_task(store, family_id=family.id, text="Overdue thing", due_on=TODAY - timedelta(1))
    tasks.add_task(store, family_id=other.id, text="Thursday thing", due_on=date(2024, 6, 6))
    tasks.add_task(store, family_id=other.id, text="Next month", due_on=date(2024, 7, 6))
    tasks.add_task(store, family_id=other.id, text="Whenever")
    done = tasks.add_task(store, family_id=other.id, text="Done", due_on=TODAY)
    tasks.set_done(store, done.id, True, today=TODAY)
    draft = plans.new_draft_plan(store, family.id).edit(goals=(
        Goal(id="g-1", text="Calmer mornings", actions=(
            Action(id="a-1", what="Bedtime routine", who="Mum"),)),))
    plans.agree_plan(store, draft, on=TODAY - timedelta(weeks=6), review_due=date(2024, 6, 7))
    template = default_star_template()
    stars.score_star(store, family_id=other.id, assessed_on=date(2024, 3, 11),
                     scores={d.key: 5 for d in template.domains})
    week = my_week(store, today=TODAY)
    days = [(day, [(i.kind.value, i.reference, i.overdue) for i in items])
            for day, items in week.by_day()]
    assert days == [
        # Overdue first; the Web Star scored 11 Mar is due a re-score 12 weeks on: today.
        (TODAY, [("task", "FAM-0001", True), ("star-rescore", "FAM-0002", False)]),
        (date(2024, 6, 6), [("task", "FAM-0002", False)]),
        (date(2024, 6, 7), [("plan-review", "FAM-0001", False)]),
    ]
    assert week.overdue == 1
    assert week.undated_tasks == 1  # "Whenever": counted, not listed
    assert WeekItemKind.STAR_RESCORE not in _kinds(my_week(store, today=date(2024, 6, 2),
                                                           days=1), "FAM-0002")
    item = week.items[0]
    assert item.as_json()["date"] == TODAY.isoformat() and item.as_json()["tab"] == "tasks"


def test_only_the_workers_own_families_and_tasks(store: CaseloadStore) -> None:
    mine = _family(store, "FAM-0001", opened=TODAY - timedelta(days=10))
    theirs = _family(store, "FAM-0002", lead_worker_id="w-other")
    tasks.add_task(store, family_id=theirs.id, text="Not mine", due_on=TODAY)
    with store.unit_of_work() as uow:
        from familyworker.store.tables import TaskRow as Row
        uow.add(Row(id="t-co", family_id=mine.id, text="A co-worker's", created_at=uow.now,
                    due_on=TODAY, assigned_to="w-other"))
    week = my_week(store, today=TODAY)
    assert {i.reference for i in week.items} == {"FAM-0001"}
    assert all(i.kind is WeekItemKind.VISIT for i in week.items)
    assert week.families == 1


def test_before_you_go_offline_counts_changes_to_this_weeks_families(
        store: CaseloadStore) -> None:
    family = _family(store, opened=TODAY - timedelta(days=10))  # a visit due this week
    week = my_week(store, today=TODAY)
    assert week.waiting_changes > 0 and not week.all_sent
    with store.unit_of_work() as uow:  # as a sync does once the server has them
        for row in uow.session.exec(select(OutboxRow)).all():
            uow.session.delete(row)
    assert my_week(store, today=TODAY).all_sent
    tasks.add_task(store, family_id=family.id, text="Ring", due_on=TODAY)
    assert my_week(store, today=TODAY).waiting_changes == 1
