"""Wires My week to the store: the View menu (My week, Caseload), loading the week on the task
runner after unlock and after every change, opening a family at the right tab."""

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from familyworker.services.my_week import MyWeek, my_week
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.caseload.main_window import MainWindow
from familyworker.views.caseload.my_week_page import MyWeekPage
from familyworker.views.shared.task_runner import TaskRunner

log = logging.getLogger(__name__)


class MyWeekController(QObject):
    family_requested = Signal(str, str, str)  # (family id, reference, tab name)
    loaded = Signal()  # the page shows a fresh week

    def __init__(self, runner: TaskRunner, main_window: MainWindow) -> None:
        super().__init__(main_window)
        self.runner = runner
        self.main_window = main_window
        self.store: CaseloadStore | None = None
        self.page = MyWeekPage()
        main_window.add_page(self.page)
        self.page.family_requested.connect(self.family_requested)
        self.page.refresh_requested.connect(self.refresh)
        self.menu = main_window.menu_before_help("&View", order=0)
        self.my_week_action = QAction("My &week", main_window)
        self.my_week_action.setObjectName("my_week_action")
        self.my_week_action.setShortcut(QKeySequence("Ctrl+1"))
        self.my_week_action.triggered.connect(self.show)
        self.caseload_action = QAction("&Caseload", main_window)
        self.caseload_action.setObjectName("caseload_action")
        self.caseload_action.setShortcut(QKeySequence("Ctrl+2"))
        self.caseload_action.triggered.connect(main_window.show_caseload)
        self.refresh_action = QAction("&Refresh My week", main_window)  # F5 is Sync now
        self.refresh_action.triggered.connect(self.refresh)
        for action in (self.my_week_action, self.caseload_action, self.refresh_action):
            self.menu.addAction(action)
            main_window.addAction(action)

    def attach(self, store: CaseloadStore) -> None:
        """After unlocking: My week is the first thing shown."""
        self.store = store
        self.show()
        self.refresh()

    def detach(self) -> None:
        """Locking: forget the store and every item shown."""
        self.store = None
        self.page.clear()

    def show(self) -> None:
        self.main_window.show_page(self.page)
        self.page.focus_list()

    def refresh(self) -> None:
        store = self.store
        if store is None:
            return
        self.runner.run(lambda: my_week(store), self._on_week, self._on_error)

    def _on_week(self, week: MyWeek) -> None:
        if self.store is None:
            return  # locked while loading: never show stale data
        focused = self.page.tree.hasFocus()
        self.page.show_week(week)
        if focused or self.main_window.pages.currentWidget() is self.page:
            self.page.focus_list()
        self.loaded.emit()

    def _on_error(self, error: Exception) -> None:
        log.error("My week could not be built (%s)", type(error).__name__)
        if self.store is not None:
            self.page.summary_label.setText("My week could not be shown. Try Refresh.")
