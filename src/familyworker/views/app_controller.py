"""Unlock, caseload, family windows and locking: the app's screens wired to one store."""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from familyworker.services import drafts
from familyworker.services.caseload import list_caseload
from familyworker.services.importing import ImportRejected, import_cohort
from familyworker.services.reauthentication import PassphraseRecency
from familyworker.store.caseload_store import SETTING_ROLE, SETTING_WORKER_NAME, CaseloadStore
from familyworker.store.errors import WrongPassphrase
from familyworker.store.paths import StorePaths
from familyworker.store.unlock_attempts import UnlockAttemptLog, default_backoff
from familyworker.views.caseload.add_family_flow import AddFamilyFlow
from familyworker.views.caseload.main_window import MainWindow
from familyworker.views.caseload.my_week_controller import MyWeekController
from familyworker.views.family.family_window import FamilyWindow, plain_message
from familyworker.views.shared.clipboard_guard import ClipboardGuard
from familyworker.views.shared.task_runner import TaskRunner
from familyworker.views.sync.sync_controller import SyncController
from familyworker.views.team.team_controller import TeamController
from familyworker.views.unlock.create_passphrase_dialog import CreatePassphraseDialog
from familyworker.views.unlock.idle_watcher import DEFAULT_IDLE_MS, IdleWatcher
from familyworker.views.unlock.session_lock_watcher import SessionLockWatcher
from familyworker.views.unlock.unlock_dialog import UnlockDialog

log = logging.getLogger(__name__)

SETTING_IDLE_MINUTES = "idle_lock_minutes"  # kept in the encrypted store, not QSettings


class AppController(QObject):
    """Owns the unlocked store while there is one; locking drops it and every screen's data."""

    unlocked = Signal()
    locked = Signal()
    caseload_loaded = Signal()
    shut_down = Signal()

    def __init__(self, data_dir: Path, runner: TaskRunner, *, settings: QSettings,
                 demo_passphrase: str | None = None, idle_ms: int | None = None,
                 backoff: Callable[[int], float] = default_backoff,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.runner = runner
        self.settings = settings
        self.store: CaseloadStore | None = None
        self.family_windows: dict[str, FamilyWindow] = {}
        self._fixed_idle_ms = idle_ms
        self.idle_watcher = IdleWatcher(idle_ms or DEFAULT_IDLE_MS, self)
        self.idle_watcher.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle_watcher)
        self.clipboard_guard = ClipboardGuard(parent=self)
        # Sleep, session lock and screen lock (app.py connects it to the desktop bus).
        self.session_lock_watcher = SessionLockWatcher(self)
        self.session_lock_watcher.lock_now.connect(self._lock_for)

        self.main_window = MainWindow()
        self.main_window.restore_geometry(settings)
        self.main_window.family_requested.connect(self.open_family)
        # My week: shown first after unlock; opens a family at the tab that does the item.
        self.my_week = MyWeekController(runner, self.main_window)
        self.my_week.family_requested.connect(self.open_family_at)
        # Supervisors and admins: the Team menu, team window, oversight and re-allocation.
        self.team = TeamController(runner, self.main_window)
        self.team.family_requested.connect(self.open_family)
        self.team.data_changed.connect(self._on_family_changed)
        self.main_window.lock_requested.connect(self.lock)
        self.main_window.import_requested.connect(self.choose_import)
        self.main_window.programme_report_requested.connect(self.programme_report)
        self.add_family_flow = AddFamilyFlow(runner, self)
        self.main_window.add_family_requested.connect(self.add_family)
        self.add_family_flow.family_added.connect(self._on_family_added)
        self.add_family_flow.lock_requested.connect(self.lock)
        self.main_window.close_requested.connect(self.shutdown)
        runner.busy_changed.connect(self.main_window.set_busy)

        self.unlock_attempts = UnlockAttemptLog(data_dir)
        # B4: when the passphrase was last typed (memory only; tests replace its clock).
        self.passphrase_recency = PassphraseRecency()
        self.unlock_dialog = UnlockDialog(runner, self._unlock, demo_passphrase=demo_passphrase,
                                          backoff=backoff, attempts=self.unlock_attempts,
                                          confirm_code=self._confirm_unlock_code,
                                          recover=self._recover)
        self.unlock_dialog.unlocked.connect(self._on_unlocked)
        self.unlock_dialog.recovered.connect(
            lambda words: self.main_window.statusBar().showMessage(words))
        self.unlock_dialog.failed.connect(self._after_failed_unlock)
        self.create_dialog: CreatePassphraseDialog | None = None
        # Background sync, its status bar, the conflicts view and "connect to your organisation".
        self.sync = SyncController(self)
        # What a sync brought shows in the team view; enrolling sets the role it depends on.
        self.sync.sync_finished.connect(lambda _pass: self.team.refresh())
        self.sync.connected.connect(lambda: self.store and self.team.attach(self.store))
        self.sync.connected.connect(self._show_signed_in)

    # ----- start, unlock, lock -------------------------------------------------------------

    def start(self) -> None:
        """First run asks for a new passphrase; later runs ask to unlock."""
        if StorePaths(self.data_dir).exists():
            self.unlock_dialog.reset()
            self.unlock_dialog.show()
        else:
            self.create_dialog = CreatePassphraseDialog(self.runner, self._create)
            self.create_dialog.created.connect(self._on_created)
            self.create_dialog.show()

    def _unlock(self, passphrase: str) -> CaseloadStore:
        # Runs on a pool thread; the failure count is on disk before the dialog hears of it.
        # B2: after 10 failures the passphrase is not tried until the server confirms a code.
        self.unlock_attempts.require_code()
        try:
            store = CaseloadStore.unlock(self.data_dir, passphrase)
        except WrongPassphrase:
            self.unlock_attempts.record_failure()
            raise
        self.unlock_attempts.reset()
        # B3: a laptop offline for longer than the policy allows must reach the server first
        # (the network call stays on this pool thread; the store is locked if it fails).
        # Imported here: the HTTP stack stays out of start-up.
        from familyworker.services.offline_limit import check_after_unlock

        check_after_unlock(store)
        return store

    def _recover(self, passphrase: str) -> tuple[CaseloadStore, str]:
        """Rebuild a damaged caseload that was set aside (runs on a pool thread)."""
        from familyworker.services.recovery import recover_caseload

        self.unlock_attempts.require_code()
        try:
            recovered = recover_caseload(self.data_dir, passphrase)
        except WrongPassphrase:
            self.unlock_attempts.record_failure()
            raise
        self.unlock_attempts.reset()
        return recovered.store, recovered.in_words(sync_how="choose Sync now")

    def _confirm_unlock_code(self, code: str) -> None:
        # Runs on a pool thread. Imported here: the HTTP stack stays out of start-up.
        from familyworker.services.online_unlock import confirm_unlock_code

        confirm_unlock_code(self.data_dir, code, attempts=self.unlock_attempts)

    def _after_failed_unlock(self, message: str) -> None:
        """No caseload left after a failed unlock: the check at unlock found this device
        revoked and shredded it. Nothing is left to unlock, so the notice, then first run."""
        if not StorePaths(self.data_dir).exists():
            self.sync.wiped_at_unlock(message)

    def _create(self, passphrase: str) -> CaseloadStore:
        return CaseloadStore.create(self.data_dir, passphrase)  # runs on a pool thread

    def _on_created(self, store: object) -> None:
        if self.create_dialog is not None:
            self.create_dialog.hide()
        self._on_unlocked(store)
        self.sync.offer_connect(first_run=True)

    def _on_unlocked(self, store: object) -> None:
        assert isinstance(store, CaseloadStore)
        self.store = store
        self.passphrase_recency.entered()
        self.unlock_dialog.hide()
        self.main_window.show()
        self.main_window.raise_()
        self.refresh_caseload()
        self.my_week.attach(store)
        if self._fixed_idle_ms is None:
            self.runner.run(lambda: store.setting(SETTING_IDLE_MINUTES, None),
                            self._apply_idle_setting, _log_error)
        self.idle_watcher.start()
        self.team.attach(store)
        self._show_signed_in()
        self.unlocked.emit()

    def _show_signed_in(self) -> None:
        store = self.store
        if store is None:
            return

        def who() -> tuple[str, str | None]:
            role = store.setting(SETTING_ROLE, None)
            return str(store.setting(SETTING_WORKER_NAME, "Me")), str(role) if role else None

        def show(found: tuple[str, str | None]) -> None:
            if self.store is not None:  # not locked meanwhile
                self.main_window.set_signed_in(*found)

        self.runner.run(who, show, _log_error)

    def _apply_idle_setting(self, minutes: object) -> None:
        if isinstance(minutes, int | float) and minutes > 0:
            self.idle_watcher.set_timeout_ms(int(min(minutes * 60_000, DEFAULT_IDLE_MS)))

    def lock(self) -> None:
        """Hide every family now; keep unsaved text as drafts; close the store; ask to unlock."""
        store = self.store
        if store is None:
            return
        self.store = None
        self.passphrase_recency.forget()
        self.idle_watcher.stop()
        self.sync.stop()
        kept: dict[str, tuple[str | None, dict[str, Any]]] = {}
        for family_id, window in list(self.family_windows.items()):
            for key, payload in window.close_for_lock().items():
                kept[key] = (family_id, payload)
        kept.update(self.add_family_flow.close_for_lock())
        self.family_windows.clear()
        self.main_window.clear()
        self.my_week.detach()
        self.team.detach()
        self.main_window.hide()
        self.clipboard_guard.clear_if_ours()
        self._clear_clipboard()

        sync = self.sync

        def save_and_close() -> None:
            # On the serial writer: after any write already queued, and before the store closes.
            try:
                sync.wait_for_pass()  # a pass under way finishes before the store closes
                for key, (family_id, payload) in kept.items():
                    drafts.save_form_draft(store, key=key, payload=payload, family_id=family_id)
                sync.send_before_lock(store)
            finally:
                store.lock()

        self.runner.run_write(save_and_close, self._on_locked, self._on_lock_error)
        self.unlock_dialog.reset()
        self.unlock_dialog.show()
        self.unlock_dialog.raise_()
        self.locked.emit()

    def _lock_for(self, reason: str) -> None:
        if self.store is not None:
            log.info("Locking: %s", reason)
        self.lock()

    def _on_locked(self, _result: object) -> None:
        return None

    def _on_lock_error(self, error: Exception) -> None:
        log.error("Locking hit %s; the store was closed", type(error).__name__)

    @staticmethod
    def _clear_clipboard() -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and clipboard.ownsClipboard():
            clipboard.clear(QClipboard.Mode.Clipboard)

    # ----- caseload and families -----------------------------------------------------------

    def refresh_caseload(self) -> None:
        store = self.store
        if store is None:
            return
        self.runner.run(lambda: list_caseload(store), self._on_caseload, self._on_error)
        self.my_week.refresh()

    def _on_caseload(self, rows: list[Any]) -> None:
        if self.store is None:
            return  # locked while loading: never show stale data
        self.main_window.set_caseload(rows)
        self.caseload_loaded.emit()

    def _on_error(self, error: Exception) -> None:
        self.main_window.show_message(plain_message(error))

    def open_family(self, family_id: str, reference: str) -> FamilyWindow | None:
        if self.store is None:
            return None
        window = self.family_windows.get(family_id)
        if window is None:
            window = FamilyWindow(self.store, self.runner, family_id=family_id,
                                  reference=reference)
            window.restore_geometry(self.settings)
            window.passphrase_recency = self.passphrase_recency
            window.unlock_attempts = self.unlock_attempts
            window.closed.connect(self._on_family_closed)
            window.data_changed.connect(self._on_family_changed)
            window.deleted.connect(self._on_family_deleted)
            window.lock_requested.connect(self.lock)
            window.quit_requested.connect(self.main_window.close)
            self.team.add_oversight_tab(window)
            self.family_windows[family_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_family_at(self, family_id: str, reference: str, tab: str) -> FamilyWindow | None:
        window = self.open_family(family_id, reference)
        if window is not None:
            window.show_tab(tab)
        return window

    def programme_report(self) -> None:
        # Loaded on first use: the report stack (reportlab, charts) would add ~0.1 s to start-up.
        from familyworker.views.caseload.programme_report_dialog import run_programme_report

        run_programme_report(self.main_window, self.store, self.runner,
                             self.main_window.show_message)

    def add_family(self) -> None:
        if self.store is not None:
            self.add_family_flow.open(self.store, self.main_window)

    def _on_family_added(self, family_id: str, reference: str) -> None:
        self.main_window.show_message(f"Family {reference} added.")
        self.refresh_caseload()
        self.open_family(family_id, reference)

    def _on_family_closed(self, family_id: str) -> None:
        window = self.family_windows.pop(family_id, None)
        if window is not None:
            window.save_geometry(self.settings)

    def _on_family_changed(self, _family_id: str) -> None:
        self.refresh_caseload()

    def _on_family_deleted(self, _family_id: str, message: str) -> None:
        self.main_window.show_message(message)
        self.refresh_caseload()
        self.team.refresh()

    def choose_import(self) -> None:
        # No remembered directory or history: file dialogs must not leak names (C5).
        path, _ = QFileDialog.getOpenFileName(self.main_window, "Import cohort CSV", "",
                                              "CSV files (*.csv)",
                                              options=QFileDialog.Option.DontUseNativeDialog)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        store = self.store
        if store is None:
            return
        self.main_window.show_message("Importing…", 0)
        text = path.read_text(encoding="utf-8-sig")
        self.runner.run_write(lambda: import_cohort(store, text), self._on_imported,
                              self._on_import_error)

    def _on_imported(self, result: Any) -> None:
        count = getattr(result, "families", None) or getattr(result, "added", "")
        self.main_window.show_message(f"Import finished. {count} families added."
                                      if count != "" else "Import finished.")
        self.refresh_caseload()

    def _on_import_error(self, error: Exception) -> None:
        if isinstance(error, ImportRejected):
            problems = getattr(error, "problems", ())
            first = f" First problem: {problems[0]}" if problems else ""
            self.main_window.show_message(f"The file was not imported.{first}", 0)
        else:
            self.main_window.show_message(plain_message(error), 0)

    def shutdown(self) -> None:
        """Closing the main window: keep drafts, save geometry, close the store."""
        self.main_window.save_geometry(self.settings)
        if self.store is not None:
            self.lock()
        self.unlock_dialog.hide()
        self.runner.wait_until_idle()
        self.shut_down.emit()


def _log_error(error: Exception) -> None:
    log.error("Background task failed (%s)", type(error).__name__)
