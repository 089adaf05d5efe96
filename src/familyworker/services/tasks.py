"""Tasks: add one for a family, tick it done (or not done), list a family's or a worker's.

A task is the worker's own unless a supervisor sets it for another worker of the family's team.
A finalised note's follow-ups become tasks, one a line, in the note's own unit of work
(``add_follow_up_tasks``), so they sync with it and are never made twice.
"""

from datetime import date

from sqlmodel import col, select

from familyworker.domain.contact import ContactNote
from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.task import MAX_TASK_LENGTH, Task, tasks_from_follow_ups
from familyworker.services.allocation import LEAD_ROLES
from familyworker.services.queries import family_by_id, get_live
from familyworker.services.team_roles import NotAManager, is_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import task_from_row, task_values
from familyworker.store.tables import FamilyRow, TaskRow, WorkerRow
from familyworker.store.unit_of_work import UnitOfWork


def _check_assignee(store: CaseloadStore, uow: UnitOfWork, family: FamilyRow,
                    worker_id: str) -> None:
    """Another worker's task: only a supervisor sets one, for a worker of the family's team."""
    if not is_manager(store):
        raise NotAManager()
    worker = uow.session.get(WorkerRow, worker_id)
    if worker is None or worker.deleted_at is not None or worker.role not in LEAD_ROLES:
        raise ValidationError("Choose a worker of the team to do this task.")
    if worker.team_id != family.team_id:
        raise ValidationError("That worker is in another team; a task goes to a worker of "
                              "the family's own team.")


def add_task(store: CaseloadStore, *, family_id: str, text: str, due_on: date | None = None,
             assigned_to: str | None = None) -> Task:
    """A new open task; it is this device's worker's unless ``assigned_to`` says otherwise."""
    me = store.worker_id
    with store.unit_of_work() as uow:
        family = family_by_id(uow.session, family_id)
        worker = assigned_to or me
        if worker != me:
            _check_assignee(store, uow, family, worker)
        task = Task(id=new_id(), family_id=family_id, text=text, created_at=uow.now,
                    due_on=due_on, assigned_to=worker, created_by=uow.actor_id)
        uow.add(TaskRow(id=task.id, family_id=family_id, **task_values(task)))  # type: ignore[arg-type]
        return task


def set_done(store: CaseloadStore, task_id: str, done: bool, *,
             today: date | None = None) -> Task:
    """Tick a task done (dated today), or untick it: it is open again."""
    with store.unit_of_work() as uow:
        row = get_live(uow.session, TaskRow, task_id, "task")
        task = task_from_row(row)
        if done and not task.is_done:
            task = task.mark_done(today or date.today())
        elif not done and task.is_done:
            task = task.reopen()
        uow.update(row, {"done_on": task.done_on})
        return task


def family_tasks(store: CaseloadStore, family_id: str) -> list[Task]:
    """The family's tasks: open ones first (soonest due first, undated after), then done ones,
    most recently done first."""
    with store.read() as session:
        rows = session.exec(select(TaskRow).where(
            TaskRow.family_id == family_id, col(TaskRow.deleted_at).is_(None))).all()
        found = [task_from_row(row) for row in rows]
    open_tasks = sorted((t for t in found if not t.is_done),
                        key=lambda t: (t.due_on is None, t.due_on or date.min, t.created_at))
    done = sorted((t for t in found if t.is_done),
                  key=lambda t: (t.done_on or date.min, t.created_at), reverse=True)
    return open_tasks + done


def open_tasks_for(store: CaseloadStore, worker_id: str | None = None) -> list[Task]:
    """A worker's open tasks across their families (default: this device's worker), soonest
    due first, undated after."""
    who = worker_id or store.worker_id
    with store.read() as session:
        rows = session.exec(select(TaskRow).where(
            TaskRow.assigned_to == who, col(TaskRow.done_on).is_(None),
            col(TaskRow.deleted_at).is_(None))).all()
        found = [task_from_row(row) for row in rows]
    return sorted(found, key=lambda t: (t.due_on is None, t.due_on or date.min, t.created_at))


def add_follow_up_tasks(uow: UnitOfWork, note: ContactNote) -> list[Task]:
    """Within the unit of work that finalises ``note``: one task a line of its follow-ups,
    the note's author's, with no due date. A note that already has its tasks (any, even ones
    since deleted) gets none again, so finalising can never make them twice."""
    if not note.is_final:
        return []
    lines = tasks_from_follow_ups(note.follow_ups)
    if not lines:
        return []
    made_before = uow.session.exec(select(TaskRow.id).where(
        TaskRow.source_note_id == note.id)).first()
    if made_before is not None:
        return []
    owner = note.author_id or uow.actor_id
    made = []
    for line in lines:
        # A very long line is cut, never refused: it must not stop the note being finalised.
        task = Task(id=new_id(), family_id=note.family_id, text=line[:MAX_TASK_LENGTH],
                    created_at=uow.now,
                    assigned_to=owner, created_by=uow.actor_id, source_note_id=note.id)
        uow.add(TaskRow(id=task.id, family_id=note.family_id, **task_values(task)))  # type: ignore[arg-type]
        made.append(task)
    return made
