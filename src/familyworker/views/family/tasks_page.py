"""The family file's Tasks tab: add a task (with a due date or none), tick it done, the list.

It loads and writes through the tasks service on the task runner (never on the GUI thread).
A finalised note's follow-ups arrive here as tasks by themselves (services.tasks).
"""

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from familyworker.domain.task import MAX_TASK_LENGTH, Task
from familyworker.services import tasks
from familyworker.services.allocation import LeadWorker, allocation_choices
from familyworker.services.team_roles import is_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.shared.empty_state import with_empty_state
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.qt_dates import from_qdate, to_qdate
from familyworker.views.shared.task_runner import TaskRunner

EMPTY_TEXT = ("No tasks for this family yet. Add one above; a finalised note's follow-ups "
              "become tasks here by themselves, one a line.")
TaskRole = Qt.ItemDataRole.UserRole + 1


def task_line(task: Task, today: date) -> str:
    """What the list shows: the task, when it is due (or was done), where it came from."""
    if task.is_done and task.done_on is not None:
        when = f"done {task.done_on:%d %b %Y}"
    elif task.due_on is None:
        when = "no due date"
    elif task.overdue_on(today):
        when = f"OVERDUE: was due {task.due_on:%a %d %b %Y}"
    else:
        when = f"due {task.due_on:%a %d %b %Y}"
    source = " · from a note's follow-ups" if task.source_note_id else ""
    return f"{task.text} — {when}{source}"



class TasksPage(QWidget):
    loaded = Signal()  # the list shows fresh data

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 on_changed: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasks_page")
        self.setAccessibleName("Tasks")
        self.store, self.runner, self.family_id = store, runner, family_id
        self._on_changed = on_changed
        self.shown: list[Task] = []
        self._filling = False

        # Labels without an Alt+letter: the family file's tabs and pages take them all.
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("task_text_edit")
        self.text_edit.setAccessibleName("New task: what is to be done")
        self.text_edit.setPlaceholderText("What is to be done, e.g. ring the school about "
                                          "attendance")
        self.text_edit.setMaxLength(MAX_TASK_LENGTH)
        self.due_check = QCheckBox("Due by")
        self.due_check.setObjectName("task_due_check")
        self.due_check.setAccessibleName("The task has a due date")
        self.due_check.setChecked(True)
        self.due_edit = QDateEdit(to_qdate(date.today()))
        self.due_edit.setObjectName("task_due_edit")
        self.due_edit.setAccessibleName("Due date")
        self.due_edit.setDisplayFormat("ddd dd MMM yyyy")
        self.due_edit.setCalendarPopup(True)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        self.add_button = QPushButton("Add task")
        self.add_button.setObjectName("add_task_button")
        self.add_button.setAccessibleName("Add the task")
        self.add_button.setToolTip("Enter in the task box adds it too")
        # A supervisor may set a task for a worker of the family's team (services.tasks).
        self.assignee_combo = QComboBox()
        self.assignee_combo.setObjectName("task_assignee_combo")
        self.assignee_combo.setAccessibleName("Whose task it is")
        self.assignee_label = QLabel("For:")
        self.assignee_label.setBuddy(self.assignee_combo)
        for widget in (self.assignee_label, self.assignee_combo):
            widget.setVisible(False)
        self._names: dict[str, str] = {}
        add_box = QGroupBox("New task")
        add_row = QHBoxLayout(add_box)
        text_label = QLabel("Task:")
        text_label.setBuddy(self.text_edit)
        add_row.addWidget(text_label)
        add_row.addWidget(self.text_edit, 1)
        add_row.addWidget(self.assignee_label)
        add_row.addWidget(self.assignee_combo)
        add_row.addWidget(self.due_check)
        add_row.addWidget(self.due_edit)
        add_row.addWidget(self.add_button)

        self.task_list = QListWidget()
        self.task_list.setObjectName("task_list")
        self.task_list.setAccessibleName("Tasks: tick one when it is done")
        self.stack, self.empty_label = with_empty_state(
            self.task_list, EMPTY_TEXT, object_name="tasks_empty_label", accessible_name="No tasks")
        self.message_label = QLabel("")
        self.message_label.setObjectName("tasks_message_label")
        self.message_label.setAccessibleName("Tasks message")
        self.message_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(add_box)
        layout.addWidget(QLabel("Open tasks first, soonest due first; tick a task when it is "
                                "done (Space ticks the selected one)."))
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message_label)

        self.add_button.clicked.connect(self.add_task)
        self.text_edit.returnPressed.connect(self.add_task)
        self.task_list.itemChanged.connect(self._on_item_changed)
        # The family window calls reload() with every load of the file.

    # ----- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        store, family_id = self.store, self.family_id

        def load() -> tuple[list[Task], list[LeadWorker] | None]:
            team = allocation_choices(store, family_id)[0] if is_manager(store) else None
            return tasks.family_tasks(store, family_id), team

        self.runner.run(load, self._loaded, lambda e: self._say(plain_message(e)))

    def _loaded(self, found: tuple[list[Task], list[LeadWorker] | None]) -> None:
        # A load that finishes after the app locked has nothing to show (and the worker's id
        # is behind the lock).
        if not isValid(self) or self.store.is_locked:
            return
        self._fill_assignees(found[1])
        self._show(found[0])

    def _fill_assignees(self, team: list[LeadWorker] | None) -> None:
        """Supervisors choose whose task it is (themselves first); workers see no chooser."""
        for widget in (self.assignee_label, self.assignee_combo):
            widget.setVisible(team is not None)
        if team is None:
            return
        chosen = self.assignee_combo.currentData()
        me = self.store.worker_id
        self._names = {w.id: w.name for w in team}
        self.assignee_combo.clear()
        self.assignee_combo.addItem("Me", None)
        for worker in team:
            if worker.id != me:
                self.assignee_combo.addItem(worker.name, worker.id)
        self.assignee_combo.setCurrentIndex(max(0, self.assignee_combo.findData(chosen)))

    def _show(self, found: list[Task]) -> None:
        if not isValid(self) or self.store.is_locked:
            return
        self.shown = found
        today = date.today()
        current = self.task_list.currentItem()
        keep = current.data(TaskRole) if current is not None else None
        self._filling = True
        self.task_list.clear()
        me = self.store.worker_id
        for task in found:
            line = task_line(task, today)
            if task.assigned_to and task.assigned_to != me and task.assigned_to in self._names:
                line += f" · for {self._names[task.assigned_to]}"
            item = QListWidgetItem(line)
            item.setData(TaskRole, task.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if task.is_done
                               else Qt.CheckState.Unchecked)
            self.task_list.addItem(item)
            if task.id == keep:
                self.task_list.setCurrentItem(item)
        self._filling = False
        self.stack.setCurrentWidget(self.task_list if found else self.empty_label)
        self.loaded.emit()

    def clear(self) -> None:
        self._filling = True
        self.task_list.clear()
        self._filling = False
        self.text_edit.clear()
        self.shown = []

    def focus_new_task(self) -> None:
        self.text_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ----- writing -------------------------------------------------------------------------

    def add_task(self) -> None:
        text = self.text_edit.text().strip()
        if not text:
            self._say("Type what is to be done first.")
            self.text_edit.setFocus()
            return
        due = from_qdate(self.due_edit.date()) if self.due_check.isChecked() else None
        store, family_id = self.store, self.family_id
        self.add_button.setEnabled(False)

        def done(task: Task) -> None:
            self.add_button.setEnabled(True)
            self.text_edit.clear()
            self._say("Task added.")
            self._after_write()

        def failed(error: Exception) -> None:
            self.add_button.setEnabled(True)
            self._say(plain_message(error))

        assignee = self.assignee_combo.currentData() if self.assignee_combo.isVisible() \
            else None
        self.runner.run_write(lambda: tasks.add_task(store, family_id=family_id, text=text,
                                                     due_on=due, assigned_to=assignee),
                              done, failed)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        task_id = str(item.data(TaskRole))
        done = item.checkState() == Qt.CheckState.Checked
        store = self.store

        def saved(task: Task) -> None:
            self._say("Marked done." if task.is_done else "Marked not done.")
            self._after_write()

        self.runner.run_write(lambda: tasks.set_done(store, task_id, done), saved,
                              lambda e: self._say(plain_message(e)))

    def _after_write(self) -> None:
        self.reload()
        if self._on_changed is not None:
            self._on_changed()

    def _say(self, text: str) -> None:
        if isValid(self):
            self.message_label.setText(text)
