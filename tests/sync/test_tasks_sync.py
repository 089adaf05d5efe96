"""Tasks sync (docs/casework.md): a note's follow-ups, made tasks on the worker's laptop, reach
the supervisor's; a task the supervisor sets for the worker reaches the worker's My week."""

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import select
from tests.sync.helpers import Server, add_family, enrolled, sync, worker_and_supervisor

from familyworker.domain.contact import NoteKind
from familyworker.services import notes, tasks
from familyworker.services.my_week import WeekItemKind, my_week
from familyworker.store.tables import TaskRow


def test_follow_up_tasks_reach_the_supervisor_and_a_set_task_reaches_the_worker(
        sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    ann, sue = worker_and_supervisor(server)
    ann_laptop = enrolled(server, tmp_path / "ann", ann)
    sue_laptop = enrolled(server, tmp_path / "sue", sue)
    family_id = add_family(ann_laptop, "FAM-T1", "Okafor")
    note = notes.save_note(ann_laptop, family_id=family_id, kind=NoteKind.HOME_VISIT,
                           occurred_at=datetime.now(UTC), narrative="Home visit.",
                           follow_ups="Ring the health visitor\nBook the dentist",
                           finalise=True)
    assert sync(ann_laptop, server).rejected == 0
    sync(sue_laptop, server)
    with sue_laptop.read() as session:
        arrived = session.exec(select(TaskRow)).all()
        assert sorted(r.text for r in arrived) == ["Book the dentist", "Ring the health visitor"]
        assert {(r.source_note_id, r.assigned_to, r.created_by, r.family_id)
                for r in arrived} == {(note.id, ann, ann, family_id)}

    # The supervisor sets a task for Ann; it syncs to Ann's laptop and her My week.
    set_for_ann = tasks.add_task(sue_laptop, family_id=family_id, text="Review the plan with me",
                                 due_on=date.today(), assigned_to=ann)
    assert sync(sue_laptop, server).rejected == 0
    sync(ann_laptop, server)
    week = my_week(ann_laptop)
    assert [i.text for i in week.items if i.kind is WeekItemKind.TASK and i.day is not None] \
        == ["Review the plan with me"]
    # Ann ticks it done; the supervisor sees it done.
    tasks.set_done(ann_laptop, set_for_ann.id, True)
    sync(ann_laptop, server)
    sync(sue_laptop, server)
    with sue_laptop.read() as session:
        row = session.get(TaskRow, set_for_ann.id)
        assert row is not None and row.done_on == date.today()
    for store in (ann_laptop, sue_laptop):
        store.lock()
