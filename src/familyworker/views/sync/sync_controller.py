"""Background sync for the app: first-run connect, Sync now, a timer, the status bar, the
conflicts view, and the revoked-device wipe.

Sync passes run on their own single thread, one at a time. The store serialises every writer
(the GUI's units of work and the engine's transactions take the same in-process lock), so a
pass never writes at the same moment as a GUI save. Locking stops the timer and waits for a
pass under way to finish before the store closes.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, SignalInstance, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QInputDialog, QMessageBox
from shiboken6 import isValid

from familyworker.logs import log_unexpected
from familyworker.services.organisation_settings import organisation_defaults
from familyworker.services.sync_outcome import (
    UNEXPECTED_STOP,
    ConnectProblem,
    SyncPass,
    SyncState,
)
from familyworker.services.sync_status import (
    MAX_SYNC_MINUTES,
    MIN_SYNC_MINUTES,
    SyncStatus,
    count_text,
    read_sync_status,
    set_sync_interval,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.resync import RESYNC_NOTICE
from familyworker.views.caseload.main_window import MainWindow
from familyworker.views.family.family_window import FamilyWindow, plain_message
from familyworker.views.shared.task_runner import TaskRunner
from familyworker.views.sync.attention_dialog import AttentionDialog
from familyworker.views.sync.conflicts_dialog import ConflictsDialog
from familyworker.views.sync.connect_dialog import ConnectDialog
from familyworker.views.sync.sync_status_widget import SyncStatusWidget
from familyworker.views.unlock.idle_watcher import IdleWatcher
from familyworker.views.unlock.unlock_dialog import UnlockDialog


class SyncHost(Protocol):
    """What sync needs of the app around it (the app controller): named here so the two
    modules do not import each other."""

    store: CaseloadStore | None
    main_window: MainWindow
    family_windows: dict[str, FamilyWindow]
    idle_watcher: IdleWatcher
    runner: TaskRunner
    unlock_dialog: UnlockDialog
    unlocked: SignalInstance
    caseload_loaded: SignalInstance

    def start(self) -> None: ...

    def refresh_caseload(self) -> None: ...

log = logging.getLogger(__name__)

OFFLINE_RETRY_MS = 30_000  # while offline, look for the server this often
LOCK_WAIT_S = 90.0  # the longest a lock waits for a pass under way (network timeouts)


class SyncController(QObject):
    """One per app; lives as long as the AppController and follows its unlock/lock cycle."""

    status_changed = Signal(object)  # SyncStatus or None
    sync_finished = Signal(object)  # SyncPass
    connected = Signal()
    revoked = Signal()
    _done = Signal(object, object)  # (callback, result or exception), from the sync thread

    def __init__(self, controller: SyncHost, *, offline_retry_ms: int = OFFLINE_RETRY_MS
                 ) -> None:
        # The app controller is a QObject: as its child this lives exactly as long as it.
        super().__init__(controller if isinstance(controller, QObject) else None)
        self.controller = controller
        self.store: CaseloadStore | None = None
        self.status: SyncStatus | None = None
        self.online: bool | None = None
        self.offline_retry_ms = offline_retry_ms
        self.connect_dialog: ConnectDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.attention_dialog: AttentionDialog | None = None
        self.revoked_notice: QMessageBox | None = None
        self.wiped = False  # set once a revoked caseload has been shredded
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._gate = threading.Lock()  # held by the sync thread for a whole pass
        self._running = False
        self._again = False
        self._asked = False  # the pass under way was asked for by the worker
        self._send_at_lock = False
        self._done.connect(self._deliver)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)

        window = controller.main_window
        self.status_widget = SyncStatusWidget()
        self.status_widget.conflicts_requested.connect(self.show_conflicts)
        self.status_widget.attention_requested.connect(self.show_attention)
        self._widget_gone = False
        self.status_widget.destroyed.connect(self._on_widget_destroyed)
        window.statusBar().addPermanentWidget(self.status_widget)
        window.sync_label.hide()  # superseded by the fuller status widget
        self._build_menu()
        controller.unlocked.connect(self._on_unlocked)
        controller.caseload_loaded.connect(self.refresh_status)
        self._watch_network()

    def _watch_network(self) -> None:
        """Sync as soon as the system says the network is back (where the platform can tell);
        otherwise the offline retry timer finds the server."""
        if not QNetworkInformation.loadDefaultBackend():
            return
        info = QNetworkInformation.instance()
        if info is not None:
            info.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online and self.online is not True:
            self.sync_now()

    def _build_menu(self) -> None:
        window = self.controller.main_window
        menu = window.menu_before_help("&Sync", order=1)
        self.sync_action = QAction("&Sync now", self)
        self.sync_action.setShortcut(QKeySequence("F5"))
        # From any of the app's windows (a family file too), not only the caseload.
        self.sync_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.sync_action.triggered.connect(self.sync_now_asked)
        self.connect_action = QAction("&Connect to your organisation…", self)
        self.connect_action.triggered.connect(lambda: self.offer_connect(first_run=False))
        self.conflicts_action = QAction("Con&flicts to resolve…", self)
        self.conflicts_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.conflicts_action.triggered.connect(self.show_conflicts)
        self.interval_action = QAction("Sync &every…", self)
        self.interval_action.triggered.connect(self.ask_interval)
        for action in (self.sync_action, self.connect_action, self.conflicts_action,
                       self.interval_action):
            menu.addAction(action)
            window.addAction(action)
        self.interval_dialog: QInputDialog | None = None
        self._update_actions()

    def ask_interval(self) -> QInputDialog | None:
        """How often to sync, in minutes; kept in the encrypted store (not in QSettings)."""
        if self.store is None or self.status is None:
            return None
        dialog = QInputDialog(self.controller.main_window)
        dialog.setObjectName("sync_interval_dialog")
        dialog.setWindowTitle("Sync every")
        dialog.setAccessibleName("Sync interval")
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setLabelText("Sync with your organisation every this many minutes:")
        dialog.setIntRange(MIN_SYNC_MINUTES, MAX_SYNC_MINUTES)
        dialog.setIntValue(self.status.interval_minutes)
        dialog.intValueSelected.connect(self.set_interval)
        self.interval_dialog = dialog
        dialog.open()
        return dialog

    def set_interval(self, minutes: int) -> None:
        store = self.store
        if store is None:
            return

        def saved(_result: object) -> None:
            self.controller.main_window.show_message(
                f"Sync will run every {count_text(minutes, 'minute', 'minutes')}.")
            self.refresh_status(then=self._reschedule)

        self.controller.runner.run_write(lambda: set_sync_interval(store, minutes), saved,
                                         lambda e: self.controller.main_window.show_message(
                                             plain_message(e), 0))

    def _reschedule(self, status: SyncStatus) -> None:
        if self.online is not False and self._timer.isActive():
            self._schedule(status.interval_minutes * 60_000)

    def _update_actions(self) -> None:
        status = self.status
        enrolled = status is not None and status.enrolled
        self.sync_action.setEnabled(enrolled)
        self.connect_action.setEnabled(status is not None and not enrolled)
        self.conflicts_action.setEnabled(status is not None)
        self.interval_action.setEnabled(enrolled)

    # ----- unlock / lock ---------------------------------------------------------------------

    def _on_unlocked(self) -> None:
        self.store = self.controller.store
        self.online = None
        self.status_widget.set_online(None)
        self.refresh_status(then=self._sync_if_enrolled)

    def _sync_if_enrolled(self, status: SyncStatus) -> None:
        if status.enrolled:
            self.sync_now()

    def stop(self) -> None:
        """Locking: no new passes, nothing about the caseload left on screen."""
        # Decided now, while the status is known: waiting changes go as the store closes.
        self._send_at_lock = bool(self.online and self.status and self.status.enrolled)
        self.store = None
        self.status = None
        self._again = False
        self._timer.stop()
        if not self._widget_gone:
            self.status_widget.clear()
        for dialog in (self.conflicts_dialog, self.connect_dialog, self.interval_dialog,
                       self.attention_dialog):
            if dialog is not None and isValid(dialog):  # gone already if the window was
                dialog.done(0)
                dialog.deleteLater()
        self.conflicts_dialog = self.connect_dialog = None
        self.attention_dialog = None
        self.interval_dialog = None
        self._update_actions()

    def send_before_lock(self, store: CaseloadStore) -> None:
        """On the lock's writer thread, after any pass under way: while online, the changes
        waiting here go to the server before the store closes (a laptop locked and shut at the
        end of a visit otherwise keeps them until it is next opened)."""
        if not self._send_at_lock:
            return
        from familyworker.services.sync_session import push_before_lock

        with self._gate:
            push_before_lock(store)

    def wait_for_pass(self, timeout_s: float = LOCK_WAIT_S) -> bool:
        """Block (any thread but the sync thread) until no pass is under way."""
        if self._gate.acquire(timeout=timeout_s):
            self._gate.release()
            return True
        log.warning("a sync pass was still running when the caseload closed")
        return False

    # ----- status ----------------------------------------------------------------------------

    def refresh_status(self, then: Callable[[SyncStatus], None] | None = None) -> None:
        store = self._current_store()
        if store is None:
            return

        def shown(status: SyncStatus) -> None:
            if self.store is not store:
                return  # locked or wiped while reading
            self.status = status
            self.status_widget.set_status(status)
            self._update_actions()
            self.status_changed.emit(status)
            if then is not None:
                then(status)

        self.controller.runner.run(lambda: read_sync_status(store), shown, _log_error)

    # ----- passes ----------------------------------------------------------------------------

    def _current_store(self) -> CaseloadStore | None:
        """The store to sync, or None once it was locked or closed by any path (a timer or a
        network signal must never touch a closed caseload or a destroyed window)."""
        store = self.store
        if store is not None and (store is not self.controller.store or store.is_locked
                                  or self._widget_gone):
            self.stop()
            return None
        return store

    def _on_widget_destroyed(self) -> None:
        self._widget_gone = True
        self._timer.stop()

    def sync_now_asked(self) -> None:
        """Sync now, asked for by the worker (F5): an offline result is then said in words."""
        self._asked = True
        self.sync_now()

    def sync_now(self) -> None:
        store = self._current_store()
        if store is None or self.status is None or not self.status.enrolled:
            return
        if self._running:
            self._again = True  # e.g. a resolution saved during a pass: go round once more
            return
        self._timer.stop()
        self.status_widget.set_syncing(True)
        self._start(lambda: _sync_pass(store),
                    lambda outcome: self._on_pass(outcome, store), self._on_pass_error)

    def _start(self, work: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None]) -> None:
        self._running = True
        gate, done = self._gate, self._done

        def job() -> None:
            with gate:
                try:
                    result = work()
                except Exception as error:  # delivered on the GUI thread
                    done.emit(on_error, error)
                    return
            done.emit(on_done, result)

        self._pool.start(job)

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], value: object) -> None:
        self._running = False
        if self._widget_gone:
            return  # the app's windows are gone (shutting down): nothing left to update
        callback(value)

    def _on_pass(self, outcome: SyncPass, store: CaseloadStore) -> None:
        self.status_widget.set_syncing(False)
        if outcome.state is SyncState.REVOKED:
            self._revoked(outcome, store)  # even if locked meanwhile: the files must go
            return
        if self.store is None:
            return  # locked while the pass ran; the next unlock syncs again
        self._show_outcome(outcome)
        self.sync_finished.emit(outcome)

    def _show_outcome(self, outcome: SyncPass) -> None:
        window = self.controller.main_window
        if outcome.state is SyncState.SYNCED:
            self.online = True
            self._schedule(self._interval_ms())
            report = outcome.report
            if report is not None and (report.pulled or report.purged_families
                                       or report.resync_removed):
                self._reload_family_windows()
                if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
                    self.conflicts_dialog.reload()
            if self.attention_dialog is not None and self.attention_dialog.isVisible():
                self.attention_dialog.reload()
            if report is not None and report.rejected:
                noun = "change" if report.rejected == 1 else "changes"
                window.show_message(f"The server refused {report.rejected} {noun} (usually a "
                                    "family moved to another worker). Nothing was deleted: "
                                    "they are kept on this laptop as needing attention.", 0)
            if report is not None and report.resynced:
                window.show_message(RESYNC_NOTICE, 0)
            if outcome.oversight_for:
                first, more = outcome.oversight_for[0], len(outcome.oversight_for) - 1
                window.show_message(
                    f"New management oversight for {first}"
                    + (f" and {more} more" if more else "")
                    + ": see the family's Management oversight tab.", 0)
            if report is not None and report.conflicts_found:
                window.show_message("Sync found changes made on two devices at once: see "
                                    "Conflicts to resolve.", 0)
        elif outcome.state is SyncState.OFFLINE:
            self.online = False
            self._schedule(self.offline_retry_ms)
            if self._asked:
                window.show_message("The server cannot be reached just now: your changes are "
                                    "kept on this laptop and will be sent when it can.", 0)
        elif outcome.state is SyncState.REFUSED:
            self.online = True
            window.show_message(outcome.message, 0)
            self._schedule(self._interval_ms())
        self._asked = False
        self.status_widget.set_online(self.online)
        self.controller.refresh_caseload()  # pending markers and the status both move
        self.refresh_status()
        if self._again:
            self._again = False
            self.sync_now()

    def _on_pass_error(self, error: Exception) -> None:
        """A pass that failed unexpectedly (expected failures come back as outcomes): one
        plain sentence; its type and where it happened to the log, never its message (a
        database error's text holds case data); the timer tries again."""
        log_unexpected(log, "a sync pass", error)
        self.status_widget.set_syncing(False)
        if self.store is None:
            return
        self.controller.main_window.show_message(UNEXPECTED_STOP, 0)
        self._schedule(self._interval_ms())
        self.refresh_status()

    def _interval_ms(self) -> int:
        minutes = self.status.interval_minutes if self.status is not None else 5
        return minutes * 60_000

    def _schedule(self, ms: int) -> None:
        if self.store is not None:
            self._timer.start(ms)

    @property
    def next_sync_in_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else -1

    # ----- connecting ------------------------------------------------------------------------

    def offer_connect(self, *, first_run: bool) -> ConnectDialog | None:
        if self.store is None:
            return None
        if self.connect_dialog is None:
            dialog = ConnectDialog(self.controller.main_window, first_run=first_run,
                                   server_url=organisation_defaults().server_url or "")
            dialog.connect_requested.connect(self._connect)
            dialog.offline_chosen.connect(self._on_offline_chosen)
            self.connect_dialog = dialog
        self.connect_dialog.show()
        self.connect_dialog.raise_()
        self.connect_dialog.activateWindow()
        return self.connect_dialog

    def _connect(self, server_url: str, code: str) -> None:
        store = self.store
        if store is None or self._running:
            if self.connect_dialog is not None:
                self.connect_dialog.show_problem("Please wait for the sync under way to finish.")
            return
        self._start(lambda: _connect_and_sync(store, server_url, code),
                    self._on_connected, self._on_connect_error)

    def _on_connected(self, outcome: SyncPass) -> None:
        if self.connect_dialog is not None:
            self.connect_dialog.finish()
            self.connect_dialog.deleteLater()
            self.connect_dialog = None
        if self.store is None:
            return
        self.controller.main_window.show_message(
            "Connected to your organisation." + (" Your caseload is synced."
                                                 if outcome.state is SyncState.SYNCED else ""))
        self.refresh_status(then=lambda _status: self._after_connect(outcome))

    def _after_connect(self, outcome: SyncPass) -> None:
        self._show_outcome(outcome)
        self.connected.emit()
        self.sync_finished.emit(outcome)

    def _on_connect_error(self, error: Exception) -> None:
        text = str(error) if isinstance(error, ConnectProblem) else plain_message(error)
        if not isinstance(error, ConnectProblem):
            log_unexpected(log, "connecting", error)
        if self.connect_dialog is not None:
            self.connect_dialog.show_problem(text)

    def _on_offline_chosen(self) -> None:
        self.controller.main_window.show_message(
            "Working offline. Connect any time from Sync › Connect to your organisation…")
        if self.connect_dialog is not None:
            self.connect_dialog.deleteLater()
            self.connect_dialog = None

    # ----- conflicts -------------------------------------------------------------------------

    def show_conflicts(self) -> ConflictsDialog | None:
        store = self.store
        if store is None:
            return None
        if self.conflicts_dialog is None:
            dialog = ConflictsDialog(store, self.controller.runner, self.controller.main_window)
            dialog.resolved.connect(self._on_resolved)
            self.conflicts_dialog = dialog
        self.conflicts_dialog.reload()
        self.conflicts_dialog.show()
        self.conflicts_dialog.raise_()
        self.conflicts_dialog.activateWindow()
        return self.conflicts_dialog

    def show_attention(self) -> AttentionDialog | None:
        store = self.store
        if store is None:
            return None
        if self.attention_dialog is None:
            dialog = AttentionDialog(store, self.controller.runner, self.controller.main_window)
            # Queued again: send now, like a conflict resolution.
            dialog.resent.connect(lambda _count: self.refresh_status(
                then=lambda _status: self.sync_now()))
            self.attention_dialog = dialog
        self.attention_dialog.reload()
        self.attention_dialog.show()
        self.attention_dialog.raise_()
        self.attention_dialog.activateWindow()
        return self.attention_dialog

    def _on_resolved(self, _conflict_id: str) -> None:
        # The resolution is an ordinary edit: send it now rather than at the next tick.
        self.refresh_status(then=lambda _status: self.sync_now())
        self._reload_family_windows()

    def _reload_family_windows(self) -> None:
        """Show what arrived, but never under a form being typed into: reloading would replace
        the typed text. Those windows pick the changes up on their next save or reopen."""
        for family_window in list(self.controller.family_windows.values()):
            if family_window.collect_drafts():
                family_window.statusBar().showMessage(
                    "Newer changes arrived from sync; they show after you save or reopen.", 0)
            else:
                family_window.reload()

    # ----- revoked ---------------------------------------------------------------------------

    def _revoked(self, outcome: SyncPass, store: CaseloadStore) -> None:
        """Hide everything and tell the worker, then crypto-shred (unless a race already did),
        then back to first run once the notice is acknowledged."""
        controller = self.controller
        self.stop()
        controller.store = None
        controller.idle_watcher.stop()
        for family_window in list(controller.family_windows.values()):
            family_window.close_for_lock()  # the drafts go with the caseload
        controller.family_windows.clear()
        controller.main_window.clear()
        controller.main_window.hide()
        controller.unlock_dialog.hide()  # if it was locked meanwhile: there is nothing to unlock
        self._open_revoked_notice(outcome.message)
        if outcome.wiped:
            self._wiped(None)
            return
        # On the serial writer: after any save already queued, which then fails harmlessly.
        controller.runner.run_write(lambda: _shred(store), self._wiped,
                                    self._wipe_failed)

    def wiped_at_unlock(self, message: str) -> None:
        """The check at unlock (SECURITY B3) heard that this device is revoked and shredded the
        caseload: the same notice as after a sync, then the first-run screens."""
        self.controller.unlock_dialog.hide()
        self._open_revoked_notice(message)
        self._wiped(None)

    def _open_revoked_notice(self, message: str) -> None:
        notice = QMessageBox(QMessageBox.Icon.Warning, "This laptop has been disconnected",
                             message, QMessageBox.StandardButton.Ok)
        notice.setObjectName("revoked_notice")
        notice.setAccessibleName("This laptop has been disconnected")
        notice.finished.connect(self._after_revoked_notice)
        self.revoked_notice = notice
        notice.open()

    def _wiped(self, _result: object) -> None:
        self.wiped = True
        self.revoked.emit()

    def _wipe_failed(self, error: Exception) -> None:
        log.error("wiping the revoked caseload failed (%s)", type(error).__name__)
        if self.revoked_notice is not None:
            self.revoked_notice.setInformativeText(
                "The caseload could not be wiped completely. Please contact your administrator.")
        self.revoked.emit()

    def _after_revoked_notice(self, _result: int) -> None:
        if self.revoked_notice is not None:
            self.revoked_notice.deleteLater()
            self.revoked_notice = None
        self.controller.start()  # no caseload any more: the first-run screens


# The sync session service is imported on first use, on the sync thread: the HTTP stack it
# pulls in would otherwise add about a third of a second to every start-up.


def _sync_pass(store: CaseloadStore) -> SyncPass:
    from familyworker.services.sync_session import sync_pass

    return sync_pass(store)


def _connect_and_sync(store: CaseloadStore, server_url: str, code: str) -> SyncPass:
    from familyworker.services.sync_session import connect_to_organisation

    return connect_to_organisation(store, server_url=server_url, code=code)


def _shred(store: CaseloadStore) -> None:
    from familyworker.services.sync_session import wipe_revoked_caseload

    wipe_revoked_caseload(store)


def _log_error(error: Exception) -> None:
    log.error("sync status could not be read (%s)", type(error).__name__)
