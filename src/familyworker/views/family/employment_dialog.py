"""Record an adult's spell in work (the continuous-employment route) on the Outcomes tab.

The dialog only gathers the fields; the page saves them off the GUI thread and, if the service
refuses them, the dialog stays open with the reason and everything typed still there.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from familyworker.views.shared.qt_dates import from_qdate


@dataclass(frozen=True, slots=True)
class EmploymentInput:
    person_id: str
    benefit_ended_on: date | None
    started_on: date
    ended_on: date | None
    hours_per_week: int
    source: str
    source_reference: str


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setCalendarPopup(True)
    return edit


class EmploymentDialog(QDialog):
    def __init__(self, adults: Sequence[tuple[str, str]], *, default_source: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("employment_dialog")
        self.setWindowTitle("Record employment")
        self.person_combo = QComboBox()
        self.person_combo.setObjectName("employment_person_combo")
        self.person_combo.setAccessibleName("Adult")
        for person_id, name in adults:
            self.person_combo.addItem(name, person_id)
        self.has_benefit_end = QCheckBox("Out-of-work &benefits ended on")
        self.has_benefit_end.setObjectName("has_benefit_end")
        self.has_benefit_end.setChecked(True)
        self.benefit_edit = _date_edit("benefit_ended_edit", "Out-of-work benefits ended on")
        self.has_benefit_end.toggled.connect(self.benefit_edit.setEnabled)
        self.started_edit = _date_edit("started_edit", "Started work on")
        self.has_ended = QCheckBox("Work &ended on")
        self.has_ended.setObjectName("has_ended")
        self.ended_edit = _date_edit("ended_edit", "Work ended on")
        self.ended_edit.setEnabled(False)
        self.has_ended.toggled.connect(self.ended_edit.setEnabled)
        self.hours_spin = QSpinBox()
        self.hours_spin.setObjectName("hours_spin")
        self.hours_spin.setAccessibleName("Hours a week")
        self.hours_spin.setRange(0, 100)
        self.hours_spin.setValue(16)
        self.source_edit = QLineEdit(default_source)
        self.source_edit.setObjectName("employment_source_edit")
        self.source_edit.setAccessibleName("Source")
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("employment_reference_edit")
        self.reference_edit.setAccessibleName("Source reference")
        self.error_label = QLabel("")
        self.error_label.setObjectName("employment_error")
        self.error_label.setAccessibleName("Problem with the employment")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow("&Adult:", self.person_combo)
        form.addRow(self.has_benefit_end, self.benefit_edit)
        form.addRow("&Started on:", self.started_edit)
        form.addRow(self.has_ended, self.ended_edit)
        form.addRow("&Hours a week:", self.hours_spin)
        form.addRow("S&ource:", self.source_edit)
        form.addRow("Source &reference:", self.reference_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(520)  # room for a source system's name

    def employment(self) -> EmploymentInput:
        return EmploymentInput(
            person_id=str(self.person_combo.currentData()),
            benefit_ended_on=(from_qdate(self.benefit_edit.date())
                              if self.has_benefit_end.isChecked() else None),
            started_on=from_qdate(self.started_edit.date()),
            ended_on=from_qdate(self.ended_edit.date()) if self.has_ended.isChecked() else None,
            hours_per_week=self.hours_spin.value(), source=self.source_edit.text(),
            source_reference=self.reference_edit.text())

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.buttons.setEnabled(True)
