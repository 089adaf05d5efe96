"""Add a statement to the consent register, or withdraw consent given (docs/consent.md).

Both emit their fields and stay open, every word kept, until the save succeeds (or say why it
failed). Neither edits an earlier statement: a withdrawal is a new one.
"""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.consent import (
    MAX_AGENCY_LENGTH,
    MAX_GIVEN_BY_LENGTH,
    ConsentDecision,
    ConsentHow,
    ConsentPurpose,
    ConsentStatement,
)
from familyworker.domain.person import Person
from familyworker.views.family.concern_dialog import _date_edit, _SavingDialog
from familyworker.views.shared.qt_dates import from_qdate


def _line(name: str, accessible: str, limit: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setMaxLength(limit)
    edit.setPlaceholderText(placeholder)
    return edit


def _how_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName("How it was said")
    combo.addItem("In writing (signed form)", ConsentHow.WRITTEN.value)
    combo.addItem("Verbally", ConsentHow.VERBAL.value)
    return combo


def _note_edit(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName("Note")
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText("Anything the next worker should know (optional)")
    edit.setMaximumHeight(90)
    return edit


class ConsentDialog(_SavingDialog):
    """A new statement: who, what for (which agency), given or refused, how, when, review."""

    def __init__(self, reference: str, people: tuple[Person, ...], agencies: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consent_dialog")
        self.setWindowTitle(f"Record consent — {reference}")
        self.setAccessibleName("Record consent")
        self.person_combo = QComboBox()
        self.person_combo.setObjectName("consent_person_combo")
        self.person_combo.setAccessibleName("Whose consent")
        for person in people:
            self.person_combo.addItem(person.name, person.id)
        self.purpose_combo = QComboBox()
        self.purpose_combo.setObjectName("consent_purpose_combo")
        self.purpose_combo.setAccessibleName("What the consent is for")
        for purpose in ConsentPurpose:
            self.purpose_combo.addItem(purpose.label, purpose.value)
        # The agencies already involved are offered; any other can be typed.
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("consent_agency_combo")
        self.agency_combo.setAccessibleName("Which agency")
        self.agency_combo.setEditable(True)
        self.agency_combo.addItems(list(agencies))
        self.agency_combo.setCurrentText("")
        line = self.agency_combo.lineEdit()
        assert line is not None  # editable
        line.setMaxLength(MAX_AGENCY_LENGTH)
        line.setPlaceholderText("e.g. Riverside Primary School")
        self.answer_combo = QComboBox()
        self.answer_combo.setObjectName("consent_answer_combo")
        self.answer_combo.setAccessibleName("Their answer")
        self.answer_combo.addItem("Given", ConsentDecision.GIVEN.value)
        self.answer_combo.addItem("Refused", ConsentDecision.REFUSED.value)
        self.how_combo = _how_combo("consent_how_combo")
        self.given_by_edit = _line("consent_given_by_edit", "Who answered",
                                   MAX_GIVEN_BY_LENGTH, "If not the person (a parent for a "
                                                        "young child)")
        self.stated_edit = _date_edit("consent_date_edit", "The day they answered")
        self.review_check = QCheckBox("&Review on:")
        self.review_check.setObjectName("consent_review_check")
        self.review_check.setChecked(True)
        self.review_edit = _date_edit("consent_review_edit", "When to ask again")
        self.review_edit.setMaximumDate(QDate(9999, 12, 31))
        self.review_edit.setDate(QDate.currentDate().addYears(1))
        self.note_edit = _note_edit("consent_note_edit")
        self._finish(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                      | QDialogButtonBox.StandardButton.Cancel))
        form = QFormLayout()
        form.addRow("&Person:", self.person_combo)
        form.addRow("&For:", self.purpose_combo)
        self.agency_label = QLabel("A&gency:")
        self.agency_label.setBuddy(self.agency_combo)
        form.addRow(self.agency_label, self.agency_combo)
        form.addRow("&Answer:", self.answer_combo)
        form.addRow("Ho&w:", self.how_combo)
        form.addRow("Given &by:", self.given_by_edit)
        form.addRow("&Date:", self.stated_edit)
        form.addRow(self.review_check, self.review_edit)
        form.addRow("&Note:", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A statement is never edited once saved: to change an answer, "
                                "record a new one or withdraw consent given."))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.purpose_combo.currentIndexChanged.connect(lambda _i: self._follow_choices())
        self.answer_combo.currentIndexChanged.connect(lambda _i: self._follow_choices())
        self.review_check.toggled.connect(lambda _on: self._follow_choices())
        self._follow_choices()
        self.resize(560, 480)

    def _follow_choices(self) -> None:
        sharing = self.purpose_combo.currentData() == ConsentPurpose.SHARE_WITH_AGENCY.value
        self.agency_combo.setEnabled(sharing)
        self.agency_label.setEnabled(sharing)
        given = self.answer_combo.currentData() == ConsentDecision.GIVEN.value
        self.review_check.setEnabled(given)
        self.review_edit.setEnabled(given and self.review_check.isChecked())

    def problem(self) -> str:
        if self.person_combo.currentData() is None:
            return "Add the person to the household first."
        sharing = self.purpose_combo.currentData() == ConsentPurpose.SHARE_WITH_AGENCY.value
        if sharing and not self.agency_combo.currentText().strip():
            return "Say which agency the consent to share is for."
        return ""

    def fields(self) -> dict[str, Any]:
        sharing = self.purpose_combo.currentData() == ConsentPurpose.SHARE_WITH_AGENCY.value
        review: date | None = (from_qdate(self.review_edit.date())
                               if self.review_edit.isEnabled() else None)
        return {"person_id": self.person_combo.currentData(),
                "purpose": self.purpose_combo.currentData(),
                "agency": self.agency_combo.currentText() if sharing else "",
                "decision": self.answer_combo.currentData(),
                "how": self.how_combo.currentData(),
                "given_by": self.given_by_edit.text(),
                "stated_on": from_qdate(self.stated_edit.date()),
                "review_on": review, "note": self.note_edit.toPlainText()}


class WithdrawDialog(_SavingDialog):
    """Withdraw consent given: the day, how, who said so. The consent given stays in the
    history; this is a new statement after it."""

    def __init__(self, reference: str, given: ConsentStatement, person_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("withdraw_dialog")
        self.setWindowTitle(f"Withdraw consent — {reference}")
        self.setAccessibleName("Withdraw consent")
        self.given = given
        self.what_label = QLabel(f"{person_name}: {given.what_for}, given "
                                 f"{given.stated_on:%d %b %Y}.")
        self.what_label.setObjectName("withdraw_what_label")
        self.what_label.setWordWrap(True)
        self.how_combo = _how_combo("withdraw_how_combo")
        self.given_by_edit = _line("withdraw_given_by_edit", "Who withdrew it",
                                   MAX_GIVEN_BY_LENGTH, "If not the person")
        self.date_edit = _date_edit("withdraw_date_edit", "The day it was withdrawn")
        self.note_edit = _note_edit("withdraw_note_edit")
        self._finish(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                      | QDialogButtonBox.StandardButton.Cancel))
        form = QFormLayout()
        form.addRow("Ho&w:", self.how_combo)
        form.addRow("Withdrawn &by:", self.given_by_edit)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Note:", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what_label)
        layout.addWidget(QLabel("From the day of withdrawal their information is left out of "
                                "anything shared with that agency."))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(520, 360)

    def fields(self) -> dict[str, Any]:
        return {"person_id": self.given.person_id, "purpose": self.given.purpose.value,
                "agency": self.given.agency, "how": self.how_combo.currentData(),
                "given_by": self.given_by_edit.text(),
                "withdrawn_on": from_qdate(self.date_edit.date()),
                "note": self.note_edit.toPlainText()}


class AgencyChoiceDialog(QDialog):
    """File › Print › Chronology for an agency…: which agency the copy is for."""

    chosen = Signal(str)

    def __init__(self, reference: str, agencies: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agency_choice_dialog")
        self.setWindowTitle(f"Chronology for an agency — {reference}")
        self.setAccessibleName("Chronology for an agency")
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("agency_choice_combo")
        self.agency_combo.setAccessibleName("For agency")
        self.agency_combo.setEditable(True)
        self.agency_combo.addItems(list(agencies))
        line = self.agency_combo.lineEdit()
        assert line is not None  # editable
        line.setMaxLength(MAX_AGENCY_LENGTH)
        self.error_label = QLabel("")
        self.error_label.setObjectName("agency_choice_error_label")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._choose)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&For agency:", self.agency_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The copy leaves out everyone who has not given consent to "
                                "share with this agency, and says that something was left "
                                "out, without naming them."))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        agency = " ".join(self.agency_combo.currentText().split())
        if not agency:
            self.error_label.setText("Say which agency the chronology is for.")
            return
        self.accept()
        self.chosen.emit(agency)
