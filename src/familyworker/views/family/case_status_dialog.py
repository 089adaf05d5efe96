"""Change a case's status: only the moves allowed from where it is, then only what that move
needs (to whom, the closure reason, why), the day it changed, and for a closure the day the
6-month sustainability review will be booked for."""

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, Family, FamilyStatus
from familyworker.reports.text import uk_date
from familyworker.services.case_status import (
    allowed_moves,
    move_label,
    review_booked_for,
    status_in_words,
)


class CaseStatusDialog(QDialog):
    # (target status, the day, the closure reason or None, the words: to whom / why / more)
    submitted = Signal(object, object, object, str)

    def __init__(self, family: Family, review_due: date | None = None,
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.family = family
        self.today = today or date.today()
        self.setObjectName("case_status_dialog")
        self.setWindowTitle(f"Change status — {family.reference}")
        self.setAccessibleName(f"Change the status of {family.reference}")

        self.current_label = QLabel(f"Now: {status_in_words(family, review_due)}.")
        self.current_label.setObjectName("current_status_label")
        self.current_label.setAccessibleName("Current status")
        self.current_label.setWordWrap(True)

        self.target_combo = QComboBox()
        self.target_combo.setObjectName("new_status_combo")
        self.target_combo.setAccessibleName("New status")
        self.target_combo.addItem("Choose…", None)
        for target in allowed_moves(family.status):
            self.target_combo.addItem(move_label(family.status, target), target.value)

        self.to_whom_edit = QLineEdit()
        self.to_whom_edit.setObjectName("to_whom_edit")
        self.to_whom_edit.setAccessibleName("Stepped down to whom")
        self.to_whom_edit.setPlaceholderText("for example the school's pastoral team")
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("closure_reason_combo")
        self.reason_combo.setAccessibleName("Closure reason")
        self.reason_combo.addItem("Choose a reason…", None)
        for reason in ClosureReason:
            self.reason_combo.addItem(reason.label, reason.value)
        self.more_edit = QLineEdit()
        self.more_edit.setObjectName("closure_more_edit")
        self.more_edit.setAccessibleName("More about the reason")
        self.why_edit = QLineEdit()
        self.why_edit.setObjectName("why_edit")
        self.why_edit.setAccessibleName("Why")
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("status_date_edit")
        self.date_edit.setAccessibleName("Date of the change")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMMM yyyy")
        today_q = QDate(self.today.year, self.today.month, self.today.day)
        self.date_edit.setMaximumDate(today_q)
        self.date_edit.setDate(today_q)
        self.review_label = QLabel("")
        self.review_label.setObjectName("review_booking_label")
        self.review_label.setAccessibleName("Sustainability review booking")
        self.review_label.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setObjectName("status_error_label")
        self.error_label.setAccessibleName("Problem changing the status")
        self.error_label.setWordWrap(True)

        self.form = QFormLayout()
        self.target_label = self._row("&New status:", self.target_combo)
        self.to_whom_label = self._row("Stepped down &to:", self.to_whom_edit)
        self.reason_label = self._row("&Reason for closing:", self.reason_combo)
        self.more_label = self._row("&More about the reason:", self.more_edit)
        self.why_label = self._row("&Why:", self.why_edit)
        self.date_label = self._row("&Date:", self.date_edit)

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("save_status_button")
        self.save_button.setAccessibleName("Save the new status")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel, keep the status")
        self.save_button.clicked.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.current_label)
        layout.addLayout(self.form)
        layout.addWidget(self.review_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.target_combo.currentIndexChanged.connect(self._target_changed)
        self.date_edit.dateChanged.connect(self._show_review_booking)
        for edit in (self.to_whom_edit, self.more_edit, self.why_edit):
            edit.textEdited.connect(self.error_label.clear)
        self.reason_combo.currentIndexChanged.connect(self.error_label.clear)
        self._target_changed()
        self.setMinimumWidth(520)
        self.target_combo.setFocus()

    def _row(self, text: str, field: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(field)
        self.form.addRow(label, field)
        return label

    def target(self) -> FamilyStatus | None:
        data = self.target_combo.currentData()
        return FamilyStatus(data) if data else None

    def closure_reason(self) -> ClosureReason | None:
        data = self.reason_combo.currentData()
        return ClosureReason(data) if data else None

    def _target_changed(self, _index: int = 0) -> None:
        target = self.target()
        self.error_label.clear()
        step_down, closing = target is FamilyStatus.STEP_DOWN, target is FamilyStatus.CLOSED
        asks_why = target in (FamilyStatus.STEP_UP, FamilyStatus.OPEN)
        self.form.setRowVisible(self.to_whom_edit, step_down)
        self.form.setRowVisible(self.reason_combo, closing)
        self.form.setRowVisible(self.more_edit, closing)
        self.form.setRowVisible(self.why_edit, asks_why)
        self.form.setRowVisible(self.date_edit, target is not None)
        self.why_label.setText("&Why (needed):" if target is FamilyStatus.STEP_UP
                               else "&Why (optional):")
        self.save_button.setEnabled(target is not None)
        self._show_review_booking()
        self.adjustSize()

    def _show_review_booking(self) -> None:
        if self.target() is FamilyStatus.CLOSED:
            due = review_booked_for(self.date_edit.date().toPython())  # type: ignore[arg-type]
            self.review_label.setText(
                f"Closing books the 6-month sustainability review for {uk_date(due)}.")
        else:
            self.review_label.clear()
        self.review_label.setVisible(bool(self.review_label.text()))

    def _submit(self) -> None:
        target = self.target()
        if target is None:
            return
        on: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        reason: ClosureReason | None = None
        if target is FamilyStatus.CLOSED:
            reason = self.closure_reason()
            note = self.more_edit.text()
        elif target is FamilyStatus.STEP_DOWN:
            note = self.to_whom_edit.text()
        else:
            note = self.why_edit.text()
        try:  # the domain's own checks, before anything goes to the writer
            self.family.move_to(target, on=on, reason=reason, note=note)
        except ValidationError as error:
            self.show_error(str(error))
            return
        self.save_button.setEnabled(False)
        self.submitted.emit(target, on, reason, note)

    def show_error(self, message: str) -> None:
        """The problem in words; everything typed stays as it was."""
        self.error_label.setText(message)
        self.save_button.setEnabled(self.target() is not None)

    def saved(self) -> None:
        self.accept()
