"""Record a reading of one of the outcome plan's measures (a small dialog on the Outcomes tab).

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
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.outcome_plan import Measure, MeasureKind
from familyworker.views.shared.qt_dates import from_qdate


@dataclass(frozen=True, slots=True)
class ReadingInput:
    measure_key: str
    person_id: str | None
    period_start: date | None
    period_end: date
    value: str
    source: str
    source_reference: str
    verified_by: str


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setCalendarPopup(True)
    return edit


class ReadingDialog(QDialog):
    def __init__(self, measures: Sequence[Measure], people: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reading_dialog")
        self.setWindowTitle("Record a reading")
        self.measures = {m.key: m for m in measures}
        self.measure_combo = QComboBox()
        self.measure_combo.setObjectName("measure_combo")
        self.measure_combo.setAccessibleName("Measure")
        for measure in measures:
            self.measure_combo.addItem(measure.label, measure.key)
        self.person_combo = QComboBox()
        self.person_combo.setObjectName("person_combo")
        self.person_combo.setAccessibleName("About")
        self.person_combo.addItem("The household", None)
        for person_id, name in people:
            self.person_combo.addItem(name, person_id)
        self.has_start = QCheckBox("Covers a &period from")
        self.has_start.setObjectName("has_start")
        self.start_edit = _date_edit("start_edit", "Period starts")
        self.start_edit.setEnabled(False)
        self.has_start.toggled.connect(self.start_edit.setEnabled)
        self.end_edit = _date_edit("end_edit", "Period ends, or the day of the reading")
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("value_edit")
        self.value_edit.setAccessibleName("Value")
        self.hint_label = QLabel("")
        self.hint_label.setObjectName("reading_hint")
        self.hint_label.setWordWrap(True)
        self.source_edit = QLineEdit()
        self.source_edit.setObjectName("source_edit")
        self.source_edit.setAccessibleName("Source system")
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("source_reference_edit")
        self.reference_edit.setAccessibleName("Source reference")
        self.verified_edit = QLineEdit()
        self.verified_edit.setObjectName("verified_edit")
        self.verified_edit.setAccessibleName("Verified by")
        self.error_label = QLabel("")
        self.error_label.setObjectName("reading_error")
        self.error_label.setAccessibleName("Problem with the reading")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)

        form = QFormLayout()
        form.addRow("&Measure:", self.measure_combo)
        form.addRow("A&bout:", self.person_combo)
        form.addRow(self.has_start, self.start_edit)
        form.addRow("&Ends (or on):", self.end_edit)
        form.addRow("&Value:", self.value_edit)
        form.addRow("", self.hint_label)
        form.addRow("&Source:", self.source_edit)
        form.addRow("Source &reference:", self.reference_edit)
        form.addRow("Verified b&y:", self.verified_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.measure_combo.currentIndexChanged.connect(self._measure_changed)
        self._measure_changed()

    def _measure_changed(self) -> None:
        measure = self.measures.get(str(self.measure_combo.currentData()))
        if measure is None:
            return
        self.hint_label.setText(f"{measure.sustainment_in_words.capitalize()}. "
                                + _value_hint(measure))
        # The plan names the source and who verifies; the worker can still change them.
        self.source_edit.setText(measure.source)
        self.verified_edit.setText(measure.verified_by)

    def reading(self) -> ReadingInput:
        return ReadingInput(
            measure_key=str(self.measure_combo.currentData()),
            person_id=self.person_combo.currentData(),
            period_start=from_qdate(self.start_edit.date()) if self.has_start.isChecked() else None,
            period_end=from_qdate(self.end_edit.date()), value=self.value_edit.text(),
            source=self.source_edit.text(), source_reference=self.reference_edit.text(),
            verified_by=self.verified_edit.text())

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.buttons.setEnabled(True)


def _value_hint(measure: Measure) -> str:
    if measure.kind is MeasureKind.THRESHOLD_OVER_PERIODS:
        return f"Value: the figure for the {measure.period_name}, e.g. 93.5."
    if measure.kind is MeasureKind.NONE_FOR_PERIOD:
        return "Value: how many there were in the period (0 for none)."
    return "Value: 1 if it held, 0 if not."
