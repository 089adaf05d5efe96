"""Programme criteria with evidence: tick the headline needs, say why, and when identified."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.criteria import FamilyCriterion, ProgrammeFramework
from familyworker.services.household import NeedChange
from familyworker.views.shared.qt_dates import to_qdate


@dataclass(slots=True)
class CriterionRow:
    check: QCheckBox
    evidence: QLineEdit
    identified: QDateEdit


class CriteriaPanel(QGroupBox):
    save_requested = Signal(object)  # list[NeedChange]

    def __init__(self, framework: ProgrammeFramework, parent: QWidget | None = None) -> None:
        super().__init__(f"Programme criteria and evidence ({framework.name})", parent)
        self.setObjectName("criteria_panel")
        self.setAccessibleName("Programme criteria with evidence")
        self.framework = framework
        self._saved: dict[str, FamilyCriterion] = {}
        self.eligibility_label = QLabel("")
        self.eligibility_label.setObjectName("eligibility_label")
        self.eligibility_label.setAccessibleName("Eligibility")
        self.eligibility_label.setWordWrap(True)
        self.eligibility_label.setTextFormat(Qt.TextFormat.PlainText)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Headline need</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Evidence</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Identified on</b>"), 0, 2)
        grid.setColumnStretch(1, 1)
        self.rows: dict[str, CriterionRow] = {}
        for number, criterion in enumerate(framework.criteria, start=1):
            check = QCheckBox(criterion.label)
            check.setObjectName(f"criterion_{criterion.key}_check")
            check.setAccessibleName(criterion.label)
            check.setToolTip(criterion.description)
            evidence = QLineEdit()
            evidence.setObjectName(f"criterion_{criterion.key}_evidence")
            evidence.setAccessibleName(f"Evidence for {criterion.label}")
            evidence.setPlaceholderText("What shows this need (source, date, what was seen)")
            identified = QDateEdit(QDate.currentDate())
            identified.setObjectName(f"criterion_{criterion.key}_date")
            identified.setAccessibleName(f"Date {criterion.label} was identified")
            identified.setDisplayFormat("dd MMM yyyy")
            identified.setCalendarPopup(True)
            identified.setMaximumDate(QDate.currentDate())
            for widget in (evidence, identified):
                widget.setEnabled(False)
                check.toggled.connect(widget.setEnabled)
            grid.addWidget(check, number, 0)
            grid.addWidget(evidence, number, 1)
            grid.addWidget(identified, number, 2)
            self.rows[criterion.key] = CriterionRow(check, evidence, identified)
        self.save_button = QPushButton("Save &criteria")
        self.save_button.setObjectName("save_criteria_button")
        self.save_button.setAccessibleName("Save criteria and evidence")
        self.message_label = QLabel("")
        self.message_label.setObjectName("criteria_message_label")
        self.message_label.setAccessibleName("Criteria message")
        self.message_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.eligibility_label)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.changes()))

    def show_needs(self, needs: tuple[FamilyCriterion, ...], eligibility_text: str) -> None:
        self._saved = {n.criterion_key: n for n in needs}
        for key, row in self.rows.items():
            need = self._saved.get(key)
            row.check.setChecked(need is not None)
            row.evidence.setText(need.evidence if need else "")
            day = need.identified_on if need and need.identified_on else date.today()
            row.identified.setDate(to_qdate(day))
        self.eligibility_label.setText(eligibility_text)

    def clear(self) -> None:
        self.show_needs((), "")
        self.message_label.clear()

    def changes(self) -> list[NeedChange]:
        """Only rows that differ from what is saved."""
        result = []
        for key, row in self.rows.items():
            saved = self._saved.get(key)
            value = row.identified.date().toPython()
            change = NeedChange(criterion_key=key, ticked=row.check.isChecked(),
                                evidence=row.evidence.text(),
                                identified_on=value if isinstance(value, date) else None)
            if saved is None and not change.ticked:
                continue
            if saved is not None and change.ticked and saved.evidence == change.evidence \
                    and saved.identified_on == change.identified_on:
                continue
            result.append(change)
        return result

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)

    # ----- drafts --------------------------------------------------------------------------

    def draft_payload(self) -> list[dict[str, Any]] | None:
        """Ticks and evidence not yet saved, or None."""
        changes = self.changes()
        if not changes:
            return None
        return [{"key": c.criterion_key, "ticked": c.ticked, "evidence": c.evidence,
                 "identified_on": c.identified_on.isoformat() if c.identified_on else None}
                for c in changes]

    def restore_draft(self, changes: list[dict[str, Any]]) -> None:
        for change in changes:
            row = self.rows.get(str(change.get("key")))
            if row is None:
                continue  # a criterion the framework no longer has
            row.check.setChecked(bool(change.get("ticked")))
            row.evidence.setText(str(change.get("evidence") or ""))
            if change.get("identified_on"):
                row.identified.setDate(QDate.fromString(str(change["identified_on"]),
                                                        "yyyy-MM-dd"))
