"""Wires the claims list to the store: File › Claims… opens it for anyone (a worker sees the
families on their device, their own), and the team view's Claims tab uses the same loading.
Every store call runs on the task runner.

Built at start-up, so the list's screens and services (SQLModel underneath) are imported only
when the list is first opened (tests/views/test_startup_imports.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence

from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.caseload.main_window import MainWindow
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

if TYPE_CHECKING:
    from familyworker.services.claims import ClaimsListLine
    from familyworker.views.team.claims_page import ClaimsPage, ClaimsWindow


def load_claims(runner: TaskRunner, store: CaseloadStore, page: ClaimsPage,
                on_loaded: SignalInstance | None = None) -> None:
    """The chosen quarter's lines, read off the GUI thread, shown if still wanted."""
    from familyworker.services.claims import claims_list

    quarter = page.quarter()

    def show(lines: list[ClaimsListLine]) -> None:
        page.set_lines(quarter, lines)
        if on_loaded is not None:
            on_loaded.emit()

    runner.run(lambda: claims_list(store, quarter), show,
               lambda error: page.show_problem(plain_message(error)))


class ClaimsController(QObject):
    family_requested = Signal(str, str)  # open a family file, as the caseload list does
    loaded = Signal()  # the claims window shows fresh lines

    def __init__(self, runner: TaskRunner, main_window: MainWindow,
                 today: date | None = None) -> None:
        super().__init__(main_window)
        self.runner = runner
        self.store: CaseloadStore | None = None
        self.window: ClaimsWindow | None = None
        self._today = today
        self.action = QAction("Clai&ms…", main_window)
        self.action.setObjectName("claims_action")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.action.triggered.connect(self.open_claims)
        self.action.setEnabled(False)
        main_window.file_menu.insertAction(main_window.lock_action, self.action)
        main_window.addAction(self.action)

    def attach(self, store: CaseloadStore) -> None:
        self.store = store
        self.action.setEnabled(True)

    def detach(self) -> None:
        """Locking: forget the store and every family shown."""
        self.store = None
        self.action.setEnabled(False)
        if self.window is not None:
            self.window.page.clear()
            self.window.hide()

    def open_claims(self) -> ClaimsWindow | None:
        from familyworker.views.team.claims_page import ClaimsWindow

        if self.store is None:
            return None
        if self.window is None:
            window = ClaimsWindow(self._today)
            window.page.family_requested.connect(self.family_requested)
            window.page.quarter_changed.connect(lambda _q: self.refresh())
            self.window = window
        self.window.show()
        self.window.raise_()
        self.refresh()
        return self.window

    def refresh(self) -> None:
        if self.store is not None and self.window is not None and self.window.isVisible():
            load_claims(self.runner, self.store, self.window.page, self.loaded)
