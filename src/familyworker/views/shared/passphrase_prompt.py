"""Asks for the passphrase again before an export (SECURITY B4); checks it off the GUI
thread (the key derivation takes a fraction of a second)."""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from familyworker.store.errors import StoreError, WrongPassphrase
from familyworker.views.shared.task_runner import TaskRunner


class PassphrasePrompt(QDialog):
    confirmed = Signal()  # the passphrase was right

    def __init__(self, runner: TaskRunner, check: Callable[[str], None], *, why: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase_prompt")
        self.setWindowTitle("Passphrase needed")
        self.setAccessibleName("Passphrase needed")
        self.runner, self._check = runner, check
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setObjectName("reauth_passphrase_edit")
        self.passphrase_edit.setAccessibleName("Passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel("")
        self.error_label.setObjectName("reauth_error_label")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        explanation = QLabel(why)
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _try(self) -> None:
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self.error_label.setText("Type your passphrase.")
            return
        self.buttons.setEnabled(False)
        self.error_label.setText("Checking…")
        self.runner.run(lambda: self._check(passphrase), self._right, self._wrong)

    def _right(self, _result: object) -> None:
        if not isValid(self):
            return
        self.passphrase_edit.clear()
        self.accept()
        self.confirmed.emit()

    def _wrong(self, error: Exception) -> None:
        if not isValid(self):
            return
        self.passphrase_edit.clear()
        self.buttons.setEnabled(True)
        self.error_label.setText(
            "That passphrase is not right." if isinstance(error, WrongPassphrase)
            else str(error) if isinstance(error, StoreError)
            else "The passphrase could not be checked. Please try again.")
