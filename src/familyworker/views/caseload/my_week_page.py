"""The My week page of the main window: what is due for my families, day by day.

Shows what the controller gives it (``show_week``); never queries the store itself. Enter or a
double-click on an item opens the family at the tab that does it.
"""

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from familyworker.services.my_week import MyWeek
from familyworker.views.caseload.my_week_model import MyWeekModel

LOADING_TEXT = "Loading your week…"


def summary_text(week: MyWeek) -> str:
    last = week.last_day
    count = len(week.items)
    things = "thing" if count == 1 else "things"
    overdue = f", {week.overdue} overdue" if week.overdue else ""
    return (f"<b>My week</b>: {week.today:%a %d %b} to {last:%a %d %b} — {count} {things} to "
            f"do for your {week.families} {'family' if week.families == 1 else 'families'}"
            f"{overdue}.{undated_text(week)}")


def undated_text(week: MyWeek) -> str:
    if not week.undated_tasks:
        return ""
    count = week.undated_tasks
    tasks = "open task has" if count == 1 else "open tasks have"
    return f" {count} {tasks} no due date (see each family's Tasks tab)."


def offline_text(week: MyWeek) -> str:
    """The "before you go offline" fact, in words."""
    if week.all_sent:
        return ("Before you go offline: every change for this week's families has been sent "
                "to the server.")
    noun = "change" if week.waiting_changes == 1 else "changes"
    return (f"Before you go offline: {week.waiting_changes} {noun} for this week's families "
            "not sent yet. Sync now (Sync menu) while you are connected.")


def empty_text(week: MyWeek) -> str:
    if week.families == 0:
        return ("<h3>No families of yours yet</h3><p>My week lists visits, tasks and reviews "
                "for the families you lead or co-work. Your caseload is on "
                "<b>View › Caseload</b> (Ctrl+2).</p>")
    return (f"<h3>Nothing due in the next {week.days} days</h3><p>No visits, tasks, plan "
            "reviews, Web Star re-scores or sustainability reviews fall due for your families "
            "before " f"{week.last_day:%A %d %B}, and nothing is overdue.</p>")


class MyWeekPage(QWidget):
    family_requested = Signal(str, str, str)  # (family id, reference, tab name)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("my_week_page")
        self.setAccessibleName("My week")
        self.model = MyWeekModel(self)
        self.summary_label = QLabel(LOADING_TEXT)
        self.summary_label.setObjectName("my_week_summary")
        self.summary_label.setAccessibleName("My week summary")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("my_week_refresh_button")
        self.refresh_button.setAccessibleName("Refresh My week")
        self.refresh_button.setToolTip("Build My week again (a sync refreshes it too)")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.tree = QTreeView()
        self.tree.setObjectName("my_week_tree")
        self.tree.setAccessibleName("My week, by day: Enter opens the family")
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setFirstColumnSpanned(0, QModelIndex(), True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 300, 150)):  # "FAM-0003 · The Hughes family"
            self.tree.setColumnWidth(column, width)
        self.empty_label = QLabel("")
        self.empty_label.setObjectName("my_week_empty_label")
        self.empty_label.setAccessibleName("Nothing due")
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)
        self.offline_label = QLabel("")
        self.offline_label.setObjectName("my_week_offline_label")
        self.offline_label.setAccessibleName("Before you go offline")
        self.offline_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.offline_label)
        self.tree.activated.connect(self._on_activated)  # Enter, and a double-click

    def show_week(self, week: MyWeek) -> None:
        self.model.show_week(week)
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        self.summary_label.setText(summary_text(week))
        self.offline_label.setText(offline_text(week))
        if week.items:
            self.stack.setCurrentWidget(self.tree)
            if not self.tree.currentIndex().isValid() or \
                    self.model.item_at(self.tree.currentIndex()) is None:
                first = self.model.index(0, 0, self.model.index(0, 0))
                self.tree.setCurrentIndex(first)
        else:
            self.empty_label.setText(empty_text(week))
            self.stack.setCurrentWidget(self.empty_label)

    def clear(self) -> None:
        """Locking: nothing of the week stays on screen."""
        self.model.clear_week()
        self.summary_label.setText(LOADING_TEXT)
        self.offline_label.clear()
        self.empty_label.clear()

    def focus_list(self) -> None:
        target = self.tree if self.stack.currentWidget() is self.tree else self.refresh_button
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_activated(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None:
            self.family_requested.emit(item.family_id, item.reference, item.tab)
