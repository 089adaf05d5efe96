"""The supervisor's team window: caseload sizes, what needs attention, changes since review.

Shows what the controller hands it; never queries the store. Every family row opens the family
file with Enter or a double-click (the same signal the caseload list uses).
"""

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from familyworker.services.review_queue import FamilyChanges
from familyworker.services.team_review import Attention, AttentionItem, TeamOverview
from familyworker.views.shared.record_table_view import record_table_view
from familyworker.views.shared.row_table_model import RowTableModel
from familyworker.views.team.claims_page import ClaimsPage
from familyworker.views.team.team_table_models import AttentionModel, ChangesModel, WorkerLoadModel

# (tab title, what the empty list means in plain words); thresholds are filled in.
SECTIONS: dict[Attention, tuple[str, str]] = {
    Attention.CONCERN: ("Concerns", "No safeguarding concern is awaiting a decision."),
    Attention.STATUTORY: ("On plans", "No active family has a child on a child protection "
                          "plan, in need or looked after."),
    Attention.NO_CONTACT: ("No contact", "Every active family has had contact in the last "
                           "{no_contact_days} days."),
    Attention.PLAN_REVIEW: ("Plan reviews", "No plan is past its review date."),
    Attention.STAR_RESCORE: ("Stars", "Every active family's Web Star was scored in the last "
                             "{star_rescore_weeks} weeks."),
    Attention.OLD_DRAFT: ("Drafts", "No contact note has been left as a draft for more than "
                          "{draft_hours} hours."),
    Attention.CONFLICT: ("Conflicts", "No unresolved sync conflicts."),
    Attention.OPEN_TOO_LONG: ("Open too long", "No case has been open longer than "
                              "{open_weeks} weeks."),
    Attention.SUSTAINABILITY: ("Sustainability", "No closed case is due its sustainability "
                               "review."),
}
NO_CHANGES = "Nothing has changed in the team's families since you last reviewed them."
NO_WORKERS = ("No team members have reached this device yet. Sync to bring in the team's "
              "caseloads.")


class _ListTab(QWidget):
    """A family list with a plain-words empty state in its place when it has no rows."""

    def __init__(self, table: QTableView, empty_text: str) -> None:
        super().__init__()
        self.table = table
        self.empty_label = QLabel(empty_text)
        self.empty_label.setObjectName(f"{table.objectName()}_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(table)
        self.stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def update_state(self, empty_text: str | None = None) -> None:
        if empty_text is not None:
            self.empty_label.setText(empty_text)
        model = self.table.model()
        empty = model is None or model.rowCount() == 0
        self.stack.setCurrentWidget(self.empty_label if empty else self.table)


class TeamWindow(QMainWindow):
    family_requested = Signal(str, str)  # (family id, reference), as the caseload list
    refresh_requested = Signal()
    oversight_requested = Signal(str, str)  # (family id, reference)
    reallocate_requested = Signal(str, str)  # (family id, reference)
    co_workers_requested = Signal(str, str)  # (family id, reference)
    mark_reviewed_requested = Signal(str, int)  # (family id, reviewed up to server_seq)
    thresholds_requested = Signal()
    loaded = Signal()  # after an overview and queue are shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("team_window")
        self.setWindowTitle("FamilyWorker — Team")
        self.setAccessibleName("Team view")
        self.overview: TeamOverview | None = None
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("team_summary_label")
        self.summary_label.setAccessibleName("Team summary")
        self.summary_label.setWordWrap(True)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("team_refresh_button")
        self.refresh_button.setToolTip("F5")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.thresholds_button = QPushButton("&Thresholds…")
        self.thresholds_button.setObjectName("team_thresholds_button")
        self.thresholds_button.clicked.connect(self.thresholds_requested)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("team_tabs")
        self.tabs.setAccessibleName("Team view sections")
        self.workers_model = WorkerLoadModel(self)
        self.workers_table = record_table_view(
            self.workers_model, object_name="workers_table",
            accessible_name="Caseload size per worker", stretch_column=0, widths=(260, 120))
        self.workers_tab = _ListTab(self.workers_table, NO_WORKERS)
        self.tabs.addTab(self.workers_tab, "Caseloads")
        self.attention_models: dict[Attention, AttentionModel] = {}
        self.attention_tabs: dict[Attention, _ListTab] = {}
        for kind, (title, empty) in SECTIONS.items():
            model = AttentionModel(self)
            table = self._family_table(model, f"attention_{kind.value.replace('-', '_')}",
                                       title)
            self.attention_models[kind] = model
            self.attention_tabs[kind] = _ListTab(table, empty)
            self.tabs.addTab(self.attention_tabs[kind], title)
        self.changes_model = ChangesModel(self)
        self.changes_table = self._family_table(self.changes_model, "changes_table",
                                                "Changes since my last review")
        self.changes_tab = _ListTab(self.changes_table, NO_CHANGES)
        self.tabs.addTab(self.changes_tab, "Changes since my review")
        # Per quarter: ready to claim, claimed, verified, paid, rejected (docs/claims.md).
        self.claims_page = ClaimsPage()
        self.claims_page.family_requested.connect(self.family_requested)
        self.tabs.addTab(self.claims_page, "Claims")

        self.open_button = QPushButton("&Open family")
        self.open_button.setObjectName("team_open_button")
        self.oversight_button = QPushButton("Oversight &note…")
        self.oversight_button.setObjectName("team_oversight_button")
        self.reallocate_button = QPushButton("Re-&allocate…")
        self.reallocate_button.setObjectName("team_reallocate_button")
        self.co_workers_button = QPushButton("&Co-workers…")
        self.co_workers_button.setObjectName("team_co_workers_button")
        self.mark_button = QPushButton("&Mark reviewed")
        self.mark_button.setObjectName("team_mark_button")
        self.message_label = QLabel("")
        self.message_label.setObjectName("team_message_label")
        self.message_label.setAccessibleName("Team view message")
        self.message_label.setWordWrap(True)
        self.open_button.clicked.connect(self._open_current)
        self.oversight_button.clicked.connect(
            lambda: self._with_current(self.oversight_requested.emit))
        self.reallocate_button.clicked.connect(
            lambda: self._with_current(self.reallocate_requested.emit))
        self.co_workers_button.clicked.connect(
            lambda: self._with_current(self.co_workers_requested.emit))
        self.mark_button.clicked.connect(self._mark_current)
        self.tabs.currentChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.thresholds_button)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.oversight_button, self.reallocate_button,
                       self.co_workers_button, self.mark_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message_label, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.setCentralWidget(central)
        refresh = QAction("Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_requested)
        close = QAction("Close", self)
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        self.addAction(refresh)
        self.addAction(close)
        self.resize(1100, 650)
        self._update_buttons()

    def _family_table(self, model: RowTableModel[AttentionItem] | ChangesModel, name: str,
                      title: str) -> QTableView:
        table = record_table_view(model, object_name=name, accessible_name=title,
                                  stretch_column=model.columnCount() - 1,
                                  widths=(110, 200, 140, 150))
        table.activated.connect(self._on_activated)  # Enter or double-click
        return table

    # ----- data in -------------------------------------------------------------------------

    def set_overview(self, overview: TeamOverview) -> None:
        self.overview = overview
        self.workers_model.set_rows(overview.workers)
        self.workers_tab.update_state()
        limits = {"no_contact_days": overview.thresholds.no_contact_days,
                  "star_rescore_weeks": overview.thresholds.star_rescore_weeks,
                  "draft_hours": overview.thresholds.draft_hours,
                  "open_weeks": overview.thresholds.open_weeks}
        for kind, (title, empty) in SECTIONS.items():
            items = overview.of(kind)
            self.attention_models[kind].set_rows(items)
            self.attention_tabs[kind].update_state(empty.format(**limits))
            index = self.tabs.indexOf(self.attention_tabs[kind])
            self.tabs.setTabText(index, f"{title} ({len(items)})")
        active = sum(w.active for w in overview.workers)
        needing = len({i.family_id for items in overview.items.values() for i in items})
        people = [w for w in overview.workers if w.worker_id is not None]
        self.summary_label.setText(
            f"<b>{len(people)} team members</b> · {active} active families · "
            f"{needing} need attention · as of {overview.today:%d %b %Y}")
        self._update_buttons()

    def set_changes(self, changes: Sequence[FamilyChanges]) -> None:
        self.changes_model.set_rows(changes)
        self.changes_tab.update_state()
        self.tabs.setTabText(self.tabs.indexOf(self.changes_tab),
                             f"Changes since my review ({len(changes)})")
        self._update_buttons()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    def clear(self) -> None:
        """Forget every family (locking)."""
        self.overview = None
        self.workers_model.set_rows(())
        for model in self.attention_models.values():
            model.set_rows(())
        self.changes_model.set_rows(())
        self.claims_page.clear()
        self.summary_label.setText("")
        self.message_label.setText("")

    # ----- interaction ---------------------------------------------------------------------

    def current_table(self) -> QTableView | None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, _ListTab) and tab is not self.workers_tab:
            return tab.table
        return None

    def show_section(self, kind: Attention | None) -> None:
        """Bring one list to the front (None: the changes queue)."""
        self.tabs.setCurrentWidget(self.attention_tabs[kind] if kind else self.changes_tab)

    def _current_family(self) -> tuple[str, str] | None:
        table = self.current_table()
        if table is None or not table.currentIndex().isValid():
            return None
        item = table.currentIndex().data(RowTableModel.RowRole)
        if isinstance(item, AttentionItem | FamilyChanges):
            return item.family_id, item.reference
        return None

    def _with_current(self, emit: object) -> None:
        current = self._current_family()
        if current is None:
            self.show_message("Choose a family in the list first.")
            return
        emit(*current)  # type: ignore[operator]

    def _open_current(self) -> None:
        self._with_current(self.family_requested.emit)

    def _on_activated(self, index: QModelIndex) -> None:
        item = index.data(RowTableModel.RowRole)
        if isinstance(item, AttentionItem | FamilyChanges):
            self.family_requested.emit(item.family_id, item.reference)

    def _mark_current(self) -> None:
        index = self.changes_table.currentIndex()
        item = index.data(RowTableModel.RowRole) if index.isValid() else None
        if isinstance(item, FamilyChanges):
            self.mark_reviewed_requested.emit(item.family_id, item.up_to_seq)
        else:
            self.show_message("Choose a family in the list first.")

    def _update_buttons(self, _index: int = 0) -> None:
        has_families = self.current_table() is not None
        for button in (self.open_button, self.oversight_button, self.reallocate_button,
                       self.co_workers_button):
            button.setEnabled(has_families)
        self.mark_button.setEnabled(self.tabs.currentWidget() is self.changes_tab)
