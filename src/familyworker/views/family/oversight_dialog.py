"""Write a management oversight note: the decision, the actions, and when to review."""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class OversightDialog(QDialog):
    """Emits the fields; stays open with the text kept until the note is saved (or fails)."""

    submitted = Signal(object)  # {"decision", "actions", "review_due"}

    def __init__(self, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("oversight_dialog")
        self.setWindowTitle(f"Management oversight — {reference}")
        self.setAccessibleName("Management oversight note")
        self.decision_edit = QPlainTextEdit()
        self.decision_edit.setObjectName("decision_edit")
        self.decision_edit.setAccessibleName("Decision")
        self.decision_edit.setTabChangesFocus(True)
        self.decision_edit.setPlaceholderText("What you decided, and why")
        self.actions_edit = QPlainTextEdit()
        self.actions_edit.setObjectName("actions_edit")
        self.actions_edit.setAccessibleName("Actions")
        self.actions_edit.setTabChangesFocus(True)
        self.actions_edit.setPlaceholderText("Who does what, one per line")
        self.review_check = QCheckBox("&Review on")
        self.review_check.setObjectName("review_check")
        self.review_check.setChecked(True)
        self.review_edit = QDateEdit(QDate.currentDate().addDays(28))
        self.review_edit.setObjectName("review_edit")
        self.review_edit.setAccessibleName("Oversight review date")
        self.review_edit.setCalendarPopup(True)
        self.review_edit.setDisplayFormat("dd MMM yyyy")
        self.review_edit.setMinimumDate(QDate.currentDate())
        self.review_check.toggled.connect(self.review_edit.setEnabled)
        self.error_label = QLabel("")
        self.error_label.setObjectName("oversight_error_label")
        self.error_label.setAccessibleName("Problem with the note")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Decision:", self.decision_edit)
        form.addRow("&Actions:", self.actions_edit)
        form.addRow(self.review_check, self.review_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def fields(self) -> dict[str, Any]:
        review: date | None = (self.review_edit.date().toPython()  # type: ignore[assignment]
                               if self.review_check.isChecked() else None)
        return {"decision": self.decision_edit.toPlainText(),
                "actions": self.actions_edit.toPlainText(), "review_due": review}

    def _submit(self) -> None:
        if not self.decision_edit.toPlainText().strip():
            self.show_error("Write the decision first.")
            return
        self.buttons.setEnabled(False)
        self.submitted.emit(self.fields())

    def show_error(self, message: str) -> None:
        """Saving failed: say why, keep every word typed, let them try again."""
        self.error_label.setText(message)
        self.buttons.setEnabled(True)

    def saved(self) -> None:
        self.accept()
