"""The unlock screen: passphrase in, key derived off the GUI thread, plain words on failure."""

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.store.errors import CorruptDatabase, StoreError, WrongPassphrase
from familyworker.store.set_aside import CaseloadSetAside
from familyworker.store.unlock_attempts import (
    CODE_NEEDED,
    UnlockAttemptLog,
    UnlockAttempts,
    UnlockCodeNeeded,
    default_backoff,
)
from familyworker.views.shared.task_runner import TaskRunner


def _seconds(delay: float) -> str:
    if delay < 1:
        return f"{delay:g} seconds"
    whole = math.ceil(delay)
    return "1 second" if whole == 1 else f"{whole} seconds"


class UnlockDialog(QDialog):
    """Asks for the passphrase; emits `unlocked` with the opened store."""

    unlocked = Signal(object)  # the unlocked store
    failed = Signal(str)  # the plain message shown
    recovered = Signal(str)  # what a recovery put back, in words (after `unlocked`)

    def __init__(self, runner: TaskRunner, unlock: Callable[[str], Any], *,
                 demo_passphrase: str | None = None,
                 backoff: Callable[[int], float] = default_backoff,
                 attempts: UnlockAttemptLog | None = None,
                 confirm_code: Callable[[str], Any] | None = None,
                 recover: Callable[[str], tuple[Any, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._unlock = unlock
        self._backoff = backoff
        # With a log, the unlock callable records failures on disk and the count survives
        # restarts (B2); without one, failures are counted here only.
        self._attempts = attempts
        # B2: after 10 wrong passphrases the server must confirm an administrator's code.
        self._confirm_code = confirm_code
        # A damaged caseload set aside: rebuild it from what was saved (store/set_aside.py).
        self._recover = recover
        self.failures = 0
        self.setObjectName("unlock_dialog")
        self.setWindowTitle("Unlock FamilyWorker")
        self.setAccessibleName("Unlock FamilyWorker")
        self.setMinimumWidth(420)

        title = QLabel("<h2>FamilyWorker is locked</h2>")
        title.setObjectName("title_label")
        intro = QLabel("Type your passphrase to open your caseload.")
        intro.setObjectName("intro_label")
        intro.setWordWrap(True)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setObjectName("passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Passphrase")
        self.passphrase_edit.setPlaceholderText("Passphrase")
        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Unlock message")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setRange(0, 0)  # busy: the key derivation has no steps to count
        self.progress_bar.setAccessibleName("Unlocking")
        self.progress_bar.setFormat("Unlocking…")
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.demo_label = QLabel("")
        self.demo_label.setObjectName("demo_label")
        self.demo_label.setWordWrap(True)
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_label.setAccessibleName("Demo passphrase")
        if demo_passphrase:
            self.demo_label.setText(f"Demo caseload (made-up families). "
                                    f"The passphrase is: <b>{demo_passphrase}</b>")
        else:
            self.demo_label.hide()

        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("code_edit")
        self.code_edit.setAccessibleName("Unlock code from your administrator")
        self.code_edit.setPlaceholderText("Unlock code, like ABCD-EFGH-JKLM-NPQR")
        self.code_button = QPushButton("&Confirm code")
        self.code_button.setObjectName("code_button")
        self.code_button.setAccessibleName("Confirm the unlock code")
        self.code_edit.hide()
        self.code_button.hide()
        self.recover_button = QPushButton("&Recover caseload")
        self.recover_button.setObjectName("recover_button")
        self.recover_button.setAccessibleName("Recover the damaged caseload")
        self.recover_button.hide()

        layout = QVBoxLayout(self)
        for widget in (title, intro, self.demo_label, self.passphrase_edit, self.message_label,
                       self.code_edit, self.code_button, self.progress_bar, self.recover_button,
                       self.unlock_button):
            layout.addWidget(widget)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._allow_retry)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.passphrase_edit.returnPressed.connect(self.try_unlock)
        self.code_button.clicked.connect(self.try_code)
        self.code_edit.returnPressed.connect(self.try_code)
        self.recover_button.clicked.connect(self.try_recover)

    def reset(self) -> None:
        """Ready for a fresh unlock (after the app locked itself, or at start-up)."""
        self.passphrase_edit.clear()
        self._show_message("")
        self._set_busy(False)
        self.passphrase_edit.setFocus()
        if self._attempts is not None:
            recorded = self._attempts.read()
            self.failures = recorded.failures
            if self._code_needed(recorded):  # still, after a restart: no passphrase until a code
                self._show_message(CODE_NEEDED)
                self._ask_for_code()
                return
            # A delay still running from before a restart is still enforced.
            wait = recorded.seconds_to_wait(self._backoff, self._attempts.now())
            if wait > 0:
                self._hold_off(wait, "There were several wrong passphrases. "
                               f"You can try again in {_seconds(wait)}.")

    def try_unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self._show_message("Type your passphrase first.")
            return
        self._set_busy(True)
        self._show_message("")
        unlock = self._unlock
        self._runner.run(lambda: unlock(passphrase), self._on_unlocked, self._on_error)

    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.unlock_button.setEnabled(not busy)
        self.passphrase_edit.setEnabled(not busy)

    def _on_unlocked(self, store: object) -> None:
        self.failures = 0
        self._set_busy(False)
        self.passphrase_edit.clear()
        self.unlocked.emit(store)

    def _on_error(self, error: Exception) -> None:
        self._set_busy(False)
        self.passphrase_edit.selectAll()
        self.passphrase_edit.setFocus()
        if isinstance(error, WrongPassphrase):
            recorded = self._attempts.read() if self._attempts is not None else None
            # (recorded on disk by the unlock call; without a log, counted here)
            self.failures = recorded.failures if recorded is not None else self.failures + 1
            delay = self._backoff(self.failures)
            message = "That passphrase is not right. Please try again."
            if self._code_needed(recorded):  # the 10th: the code now, not a wait, a refusal
                message = f"That passphrase is not right. {CODE_NEEDED}"
                self._ask_for_code()
            elif delay > 0:
                message += f" You can try again in {_seconds(delay)}."
                self._hold_off(delay, message)
        elif isinstance(error, UnlockCodeNeeded) and self._confirm_code is not None:
            message = str(error)
            self._ask_for_code()
        elif isinstance(error, (CorruptDatabase, CaseloadSetAside)) and self._recover:
            message = str(error).replace("with 'familyworker recover'",
                                         "with Recover caseload below")
            self.recover_button.show()
        elif isinstance(error, StoreError):
            message = str(error)
        else:
            message = "The caseload could not be opened. Please try again."
        self._show_message(message)
        self.failed.emit(message)

    def try_recover(self) -> None:
        recover = self._recover
        passphrase = self.passphrase_edit.text()
        if recover is None or not self.recover_button.isVisible():
            return
        if not passphrase:
            self._show_message("Type your passphrase first, then choose Recover caseload.")
            return
        self.recover_button.setEnabled(False)
        self._set_busy(True)
        self.progress_bar.setFormat("Recovering…")
        self._show_message("")
        self._runner.run(lambda: recover(passphrase), self._on_recovered, self._on_error_recovering)

    def _on_recovered(self, result: tuple[Any, str]) -> None:
        store, summary = result
        self.recover_button.hide()
        self.recover_button.setEnabled(True)
        self.progress_bar.setFormat("Unlocking…")
        self._on_unlocked(store)
        self.recovered.emit(summary)

    def _on_error_recovering(self, error: Exception) -> None:
        self.recover_button.setEnabled(True)
        self.progress_bar.setFormat("Unlocking…")
        self._on_error(error)

    # ----- B2: the administrator's unlock code -----------------------------------------------

    def _code_needed(self, recorded: UnlockAttempts | None) -> bool:
        return self._confirm_code is not None and self._attempts is not None and \
            self._attempts.code_needed(recorded)

    def _ask_for_code(self) -> None:
        """The passphrase waits until the server has confirmed a code (and is typed again)."""
        self.passphrase_edit.clear()
        self.passphrase_edit.setEnabled(False)
        self.unlock_button.setEnabled(False)
        self.code_edit.show()
        self.code_button.show()
        self.code_edit.setFocus()

    def try_code(self) -> None:
        confirm = self._confirm_code
        code = self.code_edit.text().strip()
        if confirm is None or not self.code_button.isEnabled():
            return
        if not code:
            self._show_message("Type the unlock code first.")
            return
        self.code_button.setEnabled(False)
        self.code_edit.setEnabled(False)
        self.progress_bar.setFormat("Checking the code…")
        self.progress_bar.show()
        self._runner.run(lambda: confirm(code), self._on_code_confirmed, self._on_code_error)

    def _on_code_confirmed(self, _result: object) -> None:
        self._end_code_check()
        self.code_edit.clear()
        self.code_edit.hide()
        self.code_button.hide()
        self.failures = 0
        self._set_busy(False)
        self.passphrase_edit.setFocus()
        self._show_message("The code was accepted. Type your passphrase.")

    def _on_code_error(self, error: Exception) -> None:
        self._end_code_check()
        self.code_edit.selectAll()
        self.code_edit.setFocus()
        message = str(error) if isinstance(error, StoreError) else \
            "The code could not be checked. Please try again."
        self._show_message(message)
        self.failed.emit(message)

    def _end_code_check(self) -> None:
        self.progress_bar.hide()
        self.progress_bar.setFormat("Unlocking…")
        self.code_button.setEnabled(True)
        self.code_edit.setEnabled(True)

    def _show_message(self, message: str) -> None:
        """A message of several lines grows the dialog (a wrapped label does not do it alone,
        and would be drawn clipped over the passphrase box)."""
        self.message_label.setText(message)
        self.adjustSize()

    def _hold_off(self, seconds: float, message: str) -> None:
        self.unlock_button.setEnabled(False)
        self.passphrase_edit.setEnabled(False)
        self._show_message(message)
        self._retry_timer.start(max(1, int(seconds * 1000)))

    @property
    def waiting(self) -> bool:
        return self._retry_timer.isActive()

    def _allow_retry(self) -> None:
        self._set_busy(False)
        self.passphrase_edit.setFocus()
