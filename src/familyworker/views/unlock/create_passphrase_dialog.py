"""First run: choose a passphrase (strength shown, typed twice) and create the caseload."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.services.passphrase import passphrase_strength
from familyworker.store.errors import StoreError
from familyworker.views.shared.task_runner import TaskRunner


class CreatePassphraseDialog(QDialog):
    """Creates a new caseload; emits `created` with the opened store."""

    created = Signal(object)

    def __init__(self, runner: TaskRunner, create: Callable[[str], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._create = create
        self.setObjectName("create_passphrase_dialog")
        self.setWindowTitle("Set up FamilyWorker")
        self.setAccessibleName("Set up FamilyWorker")
        self.setMinimumWidth(460)
        intro = QLabel("<h2>Choose a passphrase</h2>"
                       "<p>Your caseload is encrypted with this passphrase. Nobody can recover "
                       "it for you, so choose words you will remember: three or four unrelated "
                       "words work well.</p>")
        intro.setWordWrap(True)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setObjectName("passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("New passphrase")
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("repeat_edit")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName("Type the passphrase again")
        self.strength_bar = QProgressBar()
        self.strength_bar.setObjectName("strength_bar")
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(True)
        self.strength_bar.setAccessibleName("Passphrase strength")
        self.strength_label = QLabel("")
        self.strength_label.setObjectName("strength_label")
        self.strength_label.setWordWrap(True)
        self.strength_label.setAccessibleName("Passphrase advice")
        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Set-up message")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setAccessibleName("Creating the caseload")
        self.progress_bar.hide()
        self.create_button = QPushButton("&Create caseload")
        self.create_button.setObjectName("create_button")
        self.create_button.setAccessibleName("Create caseload")
        self.create_button.setEnabled(False)
        self.create_button.setDefault(True)

        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase_edit)
        form.addRow("&Again:", self.repeat_edit)
        form.addRow("Strength:", self.strength_bar)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        for widget in (self.strength_label, self.message_label, self.progress_bar,
                       self.create_button):
            layout.addWidget(widget)
        self.passphrase_edit.textChanged.connect(self._update)
        self.repeat_edit.textChanged.connect(self._update)
        self.create_button.clicked.connect(self.try_create)
        self._update()

    def _update(self) -> None:
        first, second = self.passphrase_edit.text(), self.repeat_edit.text()
        strength = passphrase_strength(first)
        self.strength_bar.setValue(strength.score)
        self.strength_bar.setFormat(strength.label)
        self.strength_label.setText(f"{strength.label}: {strength.advice}" if first else "")
        matches = first == second
        if second and not matches:
            self.message_label.setText("The two passphrases are not the same yet.")
        else:
            self.message_label.setText("")
        self.create_button.setEnabled(strength.acceptable and matches)

    def try_create(self) -> None:
        if not self.create_button.isEnabled():
            return
        passphrase = self.passphrase_edit.text()
        self.create_button.setEnabled(False)
        self.progress_bar.show()
        create = self._create
        self._runner.run(lambda: create(passphrase), self._on_created, self._on_error)

    def _on_created(self, store: object) -> None:
        self.progress_bar.hide()
        self.passphrase_edit.clear()
        self.repeat_edit.clear()
        self.created.emit(store)

    def _on_error(self, error: Exception) -> None:
        self.progress_bar.hide()
        self.message_label.setText(str(error) if isinstance(error, StoreError)
                                   else "The caseload could not be created.")
        self._update()
