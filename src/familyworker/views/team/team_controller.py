"""Wires the supervisor's screens to the store: the Team menu, the team window, oversight notes,
re-allocation and review marks. Shown only when the server's role for this caseload is
supervisor or admin; every store call runs on the task runner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from familyworker.services.team_roles import is_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.caseload.main_window import MainWindow
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

if TYPE_CHECKING:
    from familyworker.services.team_review import Thresholds
    from familyworker.views.family.family_window import FamilyWindow
    from familyworker.views.family.oversight_dialog import OversightDialog
    from familyworker.views.family.oversight_panel import OversightPanel
    from familyworker.views.team.co_workers_dialog import CoWorkersDialog
    from familyworker.views.team.reallocate_dialog import ReallocateDialog
    from familyworker.views.team.team_view import TeamWindow
    from familyworker.views.team.thresholds_dialog import ThresholdsDialog


log = logging.getLogger(__name__)


class TeamController(QObject):
    family_requested = Signal(str, str)  # open a family file, as the caseload list does
    data_changed = Signal(str)  # family id changed here (oversight, re-allocation)
    role_known = Signal(bool)  # after unlocking: True for supervisors and admins
    loaded = Signal()  # the team window shows fresh data
    dialog_opened = Signal(object)  # an oversight or re-allocate dialog, once it is shown

    def __init__(self, runner: TaskRunner, main_window: MainWindow) -> None:
        super().__init__(main_window)
        self.runner = runner
        self.store: CaseloadStore | None = None
        self.is_manager = False
        self.team_window: TeamWindow | None = None
        self.oversight_dialog: OversightDialog | None = None
        self.reallocate_dialog: ReallocateDialog | None = None
        self.co_workers_dialog: CoWorkersDialog | None = None
        self._panels: list[OversightPanel] = []
        self.menu = main_window.menu_before_help("&Team", order=2)
        self.team_action = QAction("&Team view", main_window)
        self.team_action.setObjectName("team_view_action")
        self.team_action.setShortcut(QKeySequence("Ctrl+T"))
        self.team_action.triggered.connect(self.open_team)
        self.menu.addAction(self.team_action)
        main_window.addAction(self.team_action)
        self._set_manager(False)

    # ----- store lifecycle -----------------------------------------------------------------

    def attach(self, store: CaseloadStore) -> None:
        self.store = store
        self.runner.run(lambda: is_manager(store), self._on_role, _log_error)

    def _on_role(self, manager: bool) -> None:
        if self.store is not None:
            self._set_manager(bool(manager))
            self.role_known.emit(self.is_manager)

    def _set_manager(self, manager: bool) -> None:
        self.is_manager = manager
        self.menu.menuAction().setVisible(manager)
        self.team_action.setEnabled(manager)
        for panel in self._panels:
            panel.set_can_add(manager)

    def detach(self) -> None:
        """Locking: forget the store and every family shown."""
        self.store = None
        self._set_manager(False)
        self._panels.clear()
        for dialog in (self.oversight_dialog, self.reallocate_dialog, self.co_workers_dialog):
            if dialog is not None:
                dialog.reject()
        if self.team_window is not None:
            self.team_window.clear()
            self.team_window.hide()

    # ----- the team window -----------------------------------------------------------------

    def open_team(self) -> TeamWindow | None:
        from familyworker.views.team.team_view import TeamWindow

        if self.store is None or not self.is_manager:
            return None
        if self.team_window is None:
            window = TeamWindow()
            window.family_requested.connect(self.family_requested)
            window.refresh_requested.connect(self.refresh)
            window.oversight_requested.connect(self.add_oversight)
            window.reallocate_requested.connect(self.choose_new_lead)
            window.co_workers_requested.connect(self.edit_co_workers)
            window.mark_reviewed_requested.connect(self.mark_reviewed)
            window.thresholds_requested.connect(self.edit_thresholds)
            self.team_window = window
        self.team_window.show()
        self.team_window.raise_()
        self.refresh()
        return self.team_window

    def refresh(self) -> None:
        from familyworker.services.review_queue import changes_since_review
        from familyworker.services.team_review import team_overview

        store = self.store
        if store is None or self.team_window is None:
            return

        def work() -> tuple[Any, Any]:
            return team_overview(store), changes_since_review(store)

        self.runner.run(work, self._on_loaded, self._on_error)

    def _on_loaded(self, result: tuple[Any, Any]) -> None:
        if self.store is None or self.team_window is None:
            return  # locked while loading: never show stale data
        overview, changes = result
        self.team_window.set_overview(overview)
        self.team_window.set_changes(changes)
        self.loaded.emit()

    def _on_error(self, error: Exception) -> None:
        if self.team_window is not None:
            self.team_window.show_message(plain_message(error))

    def mark_reviewed(self, family_id: str, up_to_seq: int) -> None:
        from familyworker.services.review_queue import mark_reviewed

        store = self.store
        if store is None:
            return
        self.runner.run_write(lambda: mark_reviewed(store, family_id, up_to_seq),
                              lambda _r: self.refresh(), self._on_error)

    def edit_thresholds(self) -> ThresholdsDialog | None:
        from familyworker.services.team_review import Thresholds, save_thresholds
        from familyworker.views.team.thresholds_dialog import ThresholdsDialog

        store = self.store
        if store is None:
            return None
        current = self.team_window.overview if self.team_window is not None else None
        dialog = ThresholdsDialog(current.thresholds if current else Thresholds(),
                                  self.team_window)

        def save(thresholds: Thresholds) -> None:
            self.runner.run_write(lambda: save_thresholds(store, thresholds),
                                  lambda _r: self.refresh(), self._on_error)

        dialog.submitted.connect(save)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    # ----- oversight -----------------------------------------------------------------------

    def add_oversight_tab(self, window: FamilyWindow) -> OversightPanel:
        """The family file's Management oversight tab (read by all; adding for managers)."""
        from familyworker.views.family.oversight_panel import OversightPanel

        panel = OversightPanel()
        window.tabs.addTab(panel, "Management o&versight")
        panel.set_can_add(self.is_manager)
        self._panels.append(panel)

        def show() -> None:
            if window.file is not None:
                panel.show_file(window.file)

        window.loaded.connect(show)
        window.closed.connect(lambda _fid: self._forget(panel))
        panel.add_requested.connect(
            lambda: self.add_oversight(window.family_id, window.reference, window.reload))
        show()
        return panel

    def _forget(self, panel: OversightPanel) -> None:
        if panel in self._panels:
            self._panels.remove(panel)

    def add_oversight(self, family_id: str, reference: str,
                      after: Callable[[], None] | None = None) -> OversightDialog | None:
        from familyworker.services.oversight import add_oversight_note
        from familyworker.views.family.oversight_dialog import OversightDialog

        store = self.store
        if store is None:
            return None
        dialog = OversightDialog(reference, self.team_window)
        self.oversight_dialog = dialog

        def save(fields: dict[str, Any]) -> None:
            self.runner.run_write(
                lambda: add_oversight_note(store, family_id=family_id, **fields),
                lambda _note: self._saved(dialog, family_id, after),
                lambda error: dialog.show_error(plain_message(error)))

        dialog.submitted.connect(save)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _saved(self, dialog: OversightDialog | ReallocateDialog, family_id: str,
               after: Callable[[], None] | None) -> None:
        dialog.saved()
        if after is not None:
            after()
        self.data_changed.emit(family_id)
        self.refresh()
        if self.team_window is not None:
            self.team_window.show_message("Saved; it reaches the worker at the next sync.")

    # ----- re-allocation -------------------------------------------------------------------

    def choose_new_lead(self, family_id: str, reference: str) -> None:
        from familyworker.services.allocation import allocation_choices

        store = self.store
        if store is None:
            return
        self.runner.run(lambda: allocation_choices(store, family_id),
                        lambda choices: self._open_reallocate(family_id, reference, choices),
                        self._on_error)

    def _open_reallocate(self, family_id: str, reference: str, choices: Any) -> None:
        from familyworker.services.allocation import reallocate
        from familyworker.views.team.reallocate_dialog import ReallocateDialog

        store = self.store
        if store is None:
            return
        workers, current = choices
        dialog = ReallocateDialog(reference, workers, current, self.team_window)
        self.reallocate_dialog = dialog

        def save(worker_id: str) -> None:
            self.runner.run_write(
                lambda: reallocate(store, family_id=family_id, worker_id=worker_id),
                lambda _r: self._saved(dialog, family_id, None),
                lambda error: dialog.show_error(plain_message(error)))

        dialog.submitted.connect(save)
        dialog.open()
        self.dialog_opened.emit(dialog)

    # ----- co-workers ------------------------------------------------------------------------

    def edit_co_workers(self, family_id: str, reference: str) -> None:
        from familyworker.services.allocation import allocation_choices
        from familyworker.services.co_workers import add_co_worker, co_workers, end_co_worker
        from familyworker.views.team.co_workers_dialog import CoWorkersDialog

        store = self.store
        if store is None:
            return
        dialog = CoWorkersDialog(reference, self.team_window)
        self.co_workers_dialog = dialog

        def load() -> Any:
            candidates, lead = allocation_choices(store, family_id)
            return co_workers(store, family_id), candidates, lead

        def reload() -> None:
            self.runner.run(load, lambda state: dialog.show_state(*state),
                            lambda error: dialog.show_error(plain_message(error)))

        def changed(_result: object) -> None:
            reload()
            self.data_changed.emit(family_id)
            if self.team_window is not None:
                self.team_window.show_message("Saved; it reaches the workers at the next sync.")

        def write(action: Any) -> None:
            self.runner.run_write(action, changed,
                                  lambda error: dialog.show_error(plain_message(error)))

        dialog.add_requested.connect(lambda worker_id: write(
            lambda: add_co_worker(store, family_id=family_id, worker_id=worker_id)))
        dialog.end_requested.connect(lambda allocation_id: write(
            lambda: end_co_worker(store, allocation_id=allocation_id)))
        reload()
        dialog.open()
        self.dialog_opened.emit(dialog)


def _log_error(error: Exception) -> None:
    log.error("Team view task failed (%s)", type(error).__name__)
