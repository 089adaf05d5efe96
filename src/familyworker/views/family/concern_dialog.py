"""Raise a safeguarding concern, and record a decision or outcome on one (docs/safeguarding.md).

Both dialogs emit their fields and stay open, every word kept, until the save succeeds (or say
why it failed); neither edits an earlier record: a decision is always a new row.
"""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.person import Person
from familyworker.domain.safeguarding import (
    MAX_REFERRAL_LENGTH,
    ConcernHistory,
    ConcernOutcome,
    Decision,
)
from familyworker.views.shared.qt_dates import from_qdate

WHOLE_HOUSEHOLD = "The whole household"


def _text_edit(name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    return edit


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setMaximumDate(QDate.currentDate())
    return edit


class _SavingDialog(QDialog):
    submitted = Signal(object)

    def _finish(self, buttons: QDialogButtonBox) -> None:
        self.buttons = buttons
        self.error_label = QLabel("")
        self.error_label.setObjectName(f"{self.objectName()}_error_label")
        self.error_label.setAccessibleName("Problem with the record")
        self.error_label.setWordWrap(True)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)

    def _submit(self) -> None:
        problem = self.problem()
        if problem:
            self.show_error(problem)
            return
        self.buttons.setEnabled(False)
        self.submitted.emit(self.fields())

    def problem(self) -> str:
        return ""

    def fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        """Saving failed: say why, keep every word typed, let them try again."""
        self.error_label.setText(message)
        self.buttons.setEnabled(True)

    def saved(self) -> None:
        self.accept()


class ConcernDialog(_SavingDialog):
    """Raise a concern: who it is about, what was seen or heard, what was done straight away."""

    def __init__(self, reference: str, people: tuple[Person, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("concern_dialog")
        self.setWindowTitle(f"Raise a safeguarding concern — {reference}")
        self.setAccessibleName("Raise a safeguarding concern")
        self.about_combo = QComboBox()
        self.about_combo.setObjectName("concern_about_combo")
        self.about_combo.setAccessibleName("Who the concern is about")
        self.about_combo.addItem(WHOLE_HOUSEHOLD, None)
        for person in people:
            self.about_combo.addItem(person.name, person.id)
        self.seen_edit = _text_edit("concern_seen_edit", "What was seen or heard",
                                    "What you saw or heard, in the words used; when and where")
        self.action_edit = _text_edit("concern_action_edit", "Immediate action taken",
                                      "What you did straight away (who you told, when)")
        self._finish(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                      | QDialogButtonBox.StandardButton.Cancel))
        form = QFormLayout()
        form.addRow("&About:", self.about_combo)
        form.addRow("&Seen or heard:", self.seen_edit)
        form.addRow("&Immediate action:", self.action_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A concern is never edited once saved: a later decision "
                                "records what happened next."))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(600, 460)

    def problem(self) -> str:
        return "" if self.seen_edit.toPlainText().strip() else \
            "Write what was seen or heard first."

    def fields(self) -> dict[str, Any]:
        return {"about_person_id": self.about_combo.currentData(),
                "seen_or_heard": self.seen_edit.toPlainText(),
                "immediate_action": self.action_edit.toPlainText()}


class DecisionDialog(_SavingDialog):
    """Record a decision, any referral, and (now or later) the outcome, as a new row."""

    def __init__(self, reference: str, history: ConcernHistory,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decision_dialog")
        self.setWindowTitle(f"Record decision — {reference}")
        self.setAccessibleName("Record a decision on a safeguarding concern")
        current = history.current
        self.decision_combo = QComboBox()
        self.decision_combo.setObjectName("decision_combo")
        self.decision_combo.setAccessibleName("Decision")
        for decision in Decision:
            self.decision_combo.addItem(decision.label, decision.value)
        self.referral_to_edit = QLineEdit()
        self.referral_to_edit.setObjectName("referral_to_edit")
        self.referral_to_edit.setAccessibleName("Referred to")
        self.referral_to_edit.setPlaceholderText("e.g. MASH, Front door")
        self.referral_to_edit.setMaxLength(MAX_REFERRAL_LENGTH)
        self.referral_on_edit = _date_edit("referral_on_edit", "Date of the referral")
        self.referral_ref_edit = QLineEdit()
        self.referral_ref_edit.setObjectName("referral_reference_edit")
        self.referral_ref_edit.setAccessibleName("Referral reference")
        self.referral_ref_edit.setMaxLength(MAX_REFERRAL_LENGTH)
        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("outcome_combo")
        self.outcome_combo.setAccessibleName("Outcome")
        for outcome in ConcernOutcome:
            self.outcome_combo.addItem(outcome.label, outcome.value)
        self.outcome_on_edit = _date_edit("outcome_on_edit", "Date of the outcome")
        self.note_edit = _text_edit("decision_note_edit", "Note",
                                    "Why, who was consulted, anything to add to the record")
        self.flag_label = QLabel("")
        self.flag_label.setObjectName("decision_flag_label")
        self.flag_label.setWordWrap(True)
        if current is not None:  # a later row: start from where the concern stands
            self.decision_combo.setCurrentIndex(
                self.decision_combo.findData(current.decision.value))
            self.referral_to_edit.setText(current.referral_to)
            if current.referral_on:
                self.referral_on_edit.setDate(QDate(current.referral_on.year,
                                                    current.referral_on.month,
                                                    current.referral_on.day))
            self.referral_ref_edit.setText(current.referral_reference)
            self.outcome_combo.setCurrentIndex(
                self.outcome_combo.findData(current.outcome.value))
        self.about_person = history.concern.about_person_id is not None
        self._finish(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                      | QDialogButtonBox.StandardButton.Cancel))
        form = QFormLayout()
        form.addRow("&Decision:", self.decision_combo)
        form.addRow("&Referred to:", self.referral_to_edit)
        form.addRow("Referral da&y:", self.referral_on_edit)
        form.addRow("Re&ference:", self.referral_ref_edit)
        form.addRow("&Outcome:", self.outcome_combo)
        form.addRow("Outcome da&te:", self.outcome_on_edit)
        form.addRow("&Note:", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Each decision is kept: this one becomes the concern's state "
                                "and the earlier ones stay as its history."))
        layout.addLayout(form)
        layout.addWidget(self.flag_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.decision_combo.currentIndexChanged.connect(self._update)
        self.outcome_combo.currentIndexChanged.connect(self._update)
        self._update()
        self.resize(600, 520)

    def _decision(self) -> Decision:
        return Decision(self.decision_combo.currentData())

    def _outcome(self) -> ConcernOutcome:
        return ConcernOutcome(self.outcome_combo.currentData())

    def _update(self) -> None:
        referral = self._decision() is Decision.REFERRAL_TO_SOCIAL_CARE
        for widget in (self.referral_to_edit, self.referral_on_edit, self.referral_ref_edit):
            widget.setEnabled(referral)
        outcome = self._outcome()
        self.outcome_on_edit.setEnabled(outcome is not ConcernOutcome.NONE_YET)
        flag = outcome.implied_flag
        self.flag_label.setText(
            f"Saving sets the child's flag: {flag.label}." if flag and self.about_person else
            "")

    def problem(self) -> str:
        if self._decision() is Decision.REFERRAL_TO_SOCIAL_CARE and \
                not self.referral_to_edit.text().strip():
            return "Say who the referral went to (for example the MASH)."
        return ""

    def fields(self) -> dict[str, Any]:
        referral = self._decision() is Decision.REFERRAL_TO_SOCIAL_CARE
        outcome = self._outcome()
        referral_on: date | None = from_qdate(self.referral_on_edit.date()) if referral \
            else None
        outcome_on: date | None = from_qdate(self.outcome_on_edit.date()) \
            if outcome is not ConcernOutcome.NONE_YET else None
        return {"decision": self._decision().value,
                "referral_to": self.referral_to_edit.text() if referral else "",
                "referral_on": referral_on,
                "referral_reference": self.referral_ref_edit.text() if referral else "",
                "outcome": outcome.value, "outcome_on": outcome_on,
                "note": self.note_edit.toPlainText()}
