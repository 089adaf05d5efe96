"""Delete a family added by mistake: what happens, a required reason, Cancel as the default."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.family_deletion import DeletionReason

EXPLANATION = (
    "<p>Use this only for a family added by mistake: a duplicate record, or a household "
    "recorded against the wrong family. To finish working with a family, close the case "
    "instead.</p>"
    "<p>The family leaves this device now and every other device at its next sync. The server "
    "keeps the record, with who deleted it and why, for the retention period.</p>")


class DeleteFamilyDialog(QDialog):
    submitted = Signal(str)  # the reason's code

    def __init__(self, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("delete_family_dialog")
        self.setWindowTitle(f"Delete family {reference}")
        self.setAccessibleName(f"Delete family {reference}")
        self.explanation_label = QLabel(EXPLANATION)
        self.explanation_label.setObjectName("delete_explanation_label")
        self.explanation_label.setAccessibleName("What deleting a family does")
        self.explanation_label.setWordWrap(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("delete_reason_combo")
        self.reason_combo.setAccessibleName("Reason for deleting the family")
        self.reason_combo.addItem("Choose a reason…", None)
        for reason in DeletionReason:
            self.reason_combo.addItem(reason.label, reason.value)
        self.error_label = QLabel("")
        self.error_label.setObjectName("delete_error_label")
        self.error_label.setAccessibleName("Problem deleting the family")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel, keep the family")
        self.delete_button = QPushButton("&Delete family")
        self.delete_button.setObjectName("delete_family_button")
        self.delete_button.setAccessibleName(f"Delete family {reference}")
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        # Enter cancels; deleting takes a reason and a deliberate click (or Alt+D).
        self.delete_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.delete_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self._submit)
        self.reason_combo.currentIndexChanged.connect(self._reason_changed)
        self.reason_label = QLabel("&Reason:")
        self.reason_label.setAccessibleName("Reason")
        self.reason_label.setBuddy(self.reason_combo)
        form = QFormLayout()
        form.addRow(self.reason_label, self.reason_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.reason_combo.setFocus()

    def reason(self) -> DeletionReason | None:
        code = self.reason_combo.currentData()
        return DeletionReason(code) if code else None

    def _reason_changed(self, _index: int) -> None:
        self.delete_button.setEnabled(self.reason() is not None)
        self.error_label.clear()

    def _submit(self) -> None:
        reason = self.reason()
        if reason is not None:
            self.delete_button.setEnabled(False)
            self.submitted.emit(reason.value)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.delete_button.setEnabled(self.reason() is not None)

    def deleted(self) -> None:
        self.accept()
