"""The caseload window: the worker's families, search, filters, and the sync status bar."""

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.caseload import FamilySummary
from familyworker.domain.family import FamilyStatus
from familyworker.views.caseload.caseload_filter_proxy import CaseloadFilterProxy
from familyworker.views.caseload.caseload_table_model import CaseloadColumn, CaseloadTableModel
from familyworker.views.shared.shortcuts_dialog import ShortcutsDialog
from familyworker.views.shared.sizing import clamp_to_screen, fit_columns_to_headers

EMPTY_TEXT = (
    "<h3>No families yet</h3>"
    "<p>To bring in your caseload, choose <b>File › Import cohort CSV…</b> (Ctrl+I) and pick "
    "the cohort file your team sent you, or run <code>familyworker import FILE.csv</code>.</p>"
    "<p>To add one family, <a href=\"add-family\">add a family</a> "
    "(<b>File › Add family…</b>, Ctrl+Shift+N). "
    "To try the app with made-up families, run <code>familyworker demo</code>.</p>"
)
DEFAULT_SIZE = QSize(1100, 650)
NO_MATCH_TEXT = "<h3>No families match</h3><p>Clear the search box or the filters.</p>"


def sync_status_text(rows: Sequence[FamilySummary], *, online: bool = False,
                     last_synced: str = "never") -> str:
    waiting = sum(r.pending_changes for r in rows)
    state = "Online" if online else "Offline"
    noun = "change" if waiting == 1 else "changes"
    return f"{state} · last synced {last_synced} · {waiting:,} {noun} waiting"


class MainWindow(QMainWindow):
    """Shows the caseload; never queries the store itself (the controller feeds set_caseload)."""

    family_requested = Signal(str, str)  # (family id, reference)
    lock_requested = Signal()
    import_requested = Signal()
    add_family_requested = Signal()
    programme_report_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        # Ends with the display name, so Qt does not append it again ("… — FamilyWorker").
        self.setWindowTitle("Caseload — FamilyWorker")
        self.setAccessibleName("Caseload")
        self.caseload_model = CaseloadTableModel(self)
        self.proxy = CaseloadFilterProxy(self)
        self.proxy.setSourceModel(self.caseload_model)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(
            "Search by name, reference, postcode or member (Ctrl+F)")
        self.search_edit.setAccessibleName("Search families")
        self.search_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("status_combo")
        self.status_combo.setAccessibleName("Filter by status")
        self.status_combo.addItem("All statuses", None)
        for status in FamilyStatus:
            self.status_combo.addItem(status.label, status)
        self.overdue_check = QCheckBox("&Overdue only")
        self.overdue_check.setObjectName("overdue_check")
        self.overdue_check.setAccessibleName("Show overdue families only")
        self.count_label = QLabel("")
        self.count_label.setObjectName("count_label")
        self.count_label.setAccessibleName("Families shown")

        self.family_table = QTableView()
        self.family_table.setObjectName("family_table")
        self.family_table.setAccessibleName("Families")
        self.family_table.setModel(self.proxy)
        self.family_table.setSortingEnabled(True)
        self.family_table.sortByColumn(CaseloadColumn.REFERENCE, Qt.SortOrder.AscendingOrder)
        self.family_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.family_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.family_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.family_table.setAlternatingRowColors(True)
        self.family_table.verticalHeader().hide()
        self.family_table.setTabKeyNavigation(False)
        header = self.family_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Reference, household, status, lead worker, last contact, next visit, review due;
        # never narrower than the header text; the sync column takes what is left.
        fit_columns_to_headers(self.family_table, header, (100, 200, 90, 140, 110, 170, 170),
                               stretch=CaseloadColumn.SYNC)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("empty_label")
        self.empty_label.setAccessibleName("No families")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.empty_label.linkActivated.connect(lambda _link: self.add_family_requested.emit())
        self.stack = QStackedWidget()
        self.stack.addWidget(self.family_table)
        self.stack.addWidget(self.empty_label)

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(self.status_combo, 1)
        filters.addWidget(self.overdue_check)
        filters.addWidget(self.count_label)
        self.add_family_button = QPushButton("&Add family…")
        self.add_family_button.setObjectName("add_family_button")
        self.add_family_button.setAccessibleName("Add a family")
        self.add_family_button.setToolTip("Ctrl+Shift+N")
        self.add_family_button.clicked.connect(self.add_family_requested)
        filters.addWidget(self.add_family_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(filters)
        layout.addWidget(self.stack)
        # The caseload is one page; others (My week) are added with add_page.
        self.caseload_page = central
        self.pages = QStackedWidget()
        self.pages.setObjectName("main_pages")
        self.pages.addWidget(central)
        self.setCentralWidget(self.pages)

        self.sync_label = QLabel(sync_status_text(()))
        self.sync_label.setObjectName("sync_label")
        self.sync_label.setAccessibleName("Sync status")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy_bar")
        self.busy_bar.setAccessibleName("Working")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.hide()
        # Who is signed in, and in what role (a supervisor's and a worker's screens differ).
        self.signed_in_label = QLabel("")
        self.signed_in_label.setObjectName("signed_in_label")
        self.signed_in_label.setAccessibleName("Signed in as")
        self.statusBar().addPermanentWidget(self.signed_in_label)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.sync_label)
        self._added_menus: list[tuple[int, QMenu]] = []  # between File and Help
        self._build_actions()

        self.search_edit.textChanged.connect(self._on_search)
        self.search_edit.returnPressed.connect(self._open_first_match)
        self.search_edit.installEventFilter(self)
        self.status_combo.currentIndexChanged.connect(self._on_status)
        self.overdue_check.toggled.connect(self._on_overdue)
        self.family_table.activated.connect(self._on_activated)
        self.setTabOrder(self.search_edit, self.status_combo)
        self.setTabOrder(self.status_combo, self.overdue_check)
        self.setTabOrder(self.overdue_check, self.add_family_button)
        self.setTabOrder(self.add_family_button, self.family_table)
        self._update_state()

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.file_menu = file_menu  # others add their actions (the claims list) before Lock
        self.find_action = QAction("&Find a family", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.add_family_action = QAction("&Add family…", self)
        self.add_family_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_family_action.triggered.connect(self.add_family_requested)
        self.import_action = QAction("&Import cohort CSV…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_requested)
        self.open_action = QAction("&Open family", self)
        self.open_action.setShortcut(QKeySequence("Ctrl+O"))
        self.open_action.triggered.connect(self.open_selected)
        self.programme_report_action = QAction("&Programme report…", self)
        self.programme_report_action.triggered.connect(self.programme_report_requested)
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_requested)
        self.quit_action = QAction("&Quit", self)
        # Not StandardKey.Quit: it is empty on desktops without a platform theme.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        for action in (self.find_action, self.open_action, self.add_family_action,
                       self.import_action, self.programme_report_action, self.lock_action,
                       self.quit_action):
            file_menu.addAction(action)
            self.addAction(action)
        self._build_help_menu()

    def add_page(self, page: QWidget) -> None:
        self.pages.addWidget(page)

    def show_page(self, page: QWidget) -> None:
        """Show the caseload (``caseload_page``) or a page added with add_page."""
        self.pages.setCurrentWidget(page)

    def show_caseload(self) -> None:
        self.show_page(self.caseload_page)
        self.family_table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def menu_before_help(self, title: str, order: int) -> QMenu:
        """A menu another part of the app adds between File and Help, the menus in ``order``
        whatever order they are added in (File, Sync, Team, Help)."""
        menu = QMenu(title, self)
        later = [m for o, m in self._added_menus if o > order]
        self.menuBar().insertMenu((later[0] if later else self.help_menu).menuAction(), menu)
        self._added_menus.append((order, menu))
        self._added_menus.sort(key=lambda pair: pair[0])
        return menu

    def _build_help_menu(self) -> None:
        help_menu = self.menuBar().addMenu("&Help")
        self.help_menu = help_menu
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        self.addAction(self.shortcuts_action)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # ----- data in -------------------------------------------------------------------------

    def set_caseload(self, rows: Sequence[FamilySummary]) -> None:
        self.caseload_model.set_rows(rows)
        self.proxy.sort(self.proxy.sortColumn(), self.proxy.sortOrder())
        self.sync_label.setText(sync_status_text(rows))
        self._update_state()

    def clear(self) -> None:
        """Hide every family (locking): the model is emptied, the search forgotten."""
        self.caseload_model.clear()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.proxy.set_search("")
        self.sync_label.setText(sync_status_text(()))
        self.signed_in_label.setText("")
        self._update_state()

    def set_signed_in(self, name: str, role: str | None) -> None:
        """"Signed in as Kerry Ashdown (worker)"; a caseload not yet connected says so."""
        what = f"({role})" if role else "(not connected to your organisation)"
        self.signed_in_label.setText(f"Signed in as {name} {what}")

    def set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # ----- interaction ---------------------------------------------------------------------

    def focus_search(self) -> None:
        self.pages.setCurrentWidget(self.caseload_page)  # Ctrl+F from My week too
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_state()

    def _open_first_match(self) -> None:
        """Enter in the search box opens the only, or the first, family shown."""
        if self.proxy.rowCount() > 0:
            index = self.proxy.index(0, CaseloadColumn.REFERENCE)
            self.family_table.setCurrentIndex(index)
            self._on_activated(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search box moves into the results, onto the first family.
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down and \
                self.proxy.rowCount() > 0:
            self.family_table.setFocus(Qt.FocusReason.TabFocusReason)
            self.family_table.setCurrentIndex(self.proxy.index(0, CaseloadColumn.REFERENCE))
            return True
        return super().eventFilter(watched, event)

    def _on_status(self, _index: int) -> None:
        data = self.status_combo.currentData()  # Qt hands enum data back as plain str
        self.proxy.set_status(FamilyStatus(data) if data else None)
        self._update_state()

    def _on_overdue(self, checked: bool) -> None:
        self.proxy.set_overdue_only(checked)
        self._update_state()

    def _update_state(self) -> None:
        total, shown = self.caseload_model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.empty_label.setText(EMPTY_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        elif shown == 0:
            self.empty_label.setText(NO_MATCH_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentWidget(self.family_table)
        self.count_label.setText(f"{shown} of {total}" if total else "")

    def visible_references(self) -> list[str]:
        return [self.proxy.index(r, CaseloadColumn.REFERENCE).data()
                for r in range(self.proxy.rowCount())]

    def open_selected(self) -> None:
        index = self.family_table.currentIndex()
        if index.isValid():
            self._on_activated(index)

    def _on_activated(self, index: QModelIndex) -> None:
        summary = index.data(CaseloadTableModel.FamilyRole)
        if isinstance(summary, FamilySummary):
            self.family_requested.emit(summary.id, summary.reference)

    # ----- geometry only in QSettings (never a name or reference) ---------------------------

    def restore_geometry(self, settings: QSettings) -> None:
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type,unused-ignore]
            clamp_to_screen(self, DEFAULT_SIZE)
        else:
            self.resize(DEFAULT_SIZE)

    def save_geometry(self, settings: QSettings) -> None:
        settings.setValue("main_window/geometry", self.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_requested.emit()
        super().closeEvent(event)
