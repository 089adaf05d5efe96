"""Choose the team member who will lead a family from now on."""

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from familyworker.services.allocation import LeadWorker


class ReallocateDialog(QDialog):
    submitted = Signal(str)  # the new lead worker's id

    def __init__(self, reference: str, workers: Sequence[LeadWorker], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reallocate_dialog")
        self.setWindowTitle(f"Re-allocate — {reference}")
        self.setAccessibleName("Re-allocate family")
        self.worker_combo = QComboBox()
        self.worker_combo.setObjectName("worker_combo")
        self.worker_combo.setAccessibleName("New lead worker")
        for worker in workers:
            if worker.id != current:
                self.worker_combo.addItem(worker.name, worker.id)
        self.note_label = QLabel(
            "The family's file moves to the new lead worker's device at their next sync and "
            "leaves the current lead worker's device at theirs."
            if self.worker_combo.count() else
            "There is no one else in the team to lead this family.")
        self.note_label.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setObjectName("reallocate_error_label")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(
            self.worker_combo.count() > 0)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&New lead worker:", self.worker_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def choose(self, worker_id: str) -> None:
        self.worker_combo.setCurrentIndex(self.worker_combo.findData(worker_id))

    def _submit(self) -> None:
        worker_id = self.worker_combo.currentData()
        if worker_id:
            self.buttons.setEnabled(False)
            self.submitted.emit(str(worker_id))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.buttons.setEnabled(True)

    def saved(self) -> None:
        self.accept()
