"""Edit a household's details: name, address, contact, language and interpreter, lone-working
safety information (shown to workers, printed on nothing the family receives) and a lead
professional who may be from a partner agency."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    POSTCODE_PATTERN,
    Family,
    InterventionLevel,
    normalise_postcode,
    parse_intervention_level,
)
from familyworker.services.household_details import HouseholdDetails, with_details

SAFETY_HINT = ("Lone working: for example a dog, do not visit alone, ring before visiting. "
               "Shown to workers in the family file; never printed for the family.")


class HouseholdDetailsDialog(QDialog):
    submitted = Signal(object)  # HouseholdDetails, already checked by the domain

    def __init__(self, family: Family, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.family = family
        self.setObjectName("household_details_dialog")
        self.setWindowTitle(f"Household details — {family.reference}")
        self.setAccessibleName(f"Household details of {family.reference}")
        details = HouseholdDetails.of(family)
        self.error_label = QLabel("")
        self.error_label.setObjectName("details_error_label")
        self.error_label.setAccessibleName("Problem with the details")
        self.error_label.setWordWrap(True)

        self.name_edit = self._line("household_name_edit", "Household name",
                                    details.household_name)
        self.address_edit = QPlainTextEdit(details.address)
        self.address_edit.setObjectName("address_edit")
        self.address_edit.setAccessibleName("Address")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.postcode_edit = self._line("postcode_edit", "Postcode", details.postcode)
        self.postcode_edit.editingFinished.connect(self._tidy_postcode)
        self.phone_edit = self._line("phone_edit", "Phone", details.phone)
        self.language_edit = self._line("language_edit", "Preferred language",
                                        details.preferred_language)
        self.interpreter_check = QCheckBox("&Interpreter needed")
        self.interpreter_check.setObjectName("interpreter_check")
        self.interpreter_check.setAccessibleName("Interpreter needed")
        self.interpreter_check.setChecked(details.interpreter_needed)
        self.safety_edit = QPlainTextEdit(details.safety_information)
        self.safety_edit.setObjectName("safety_edit")
        self.safety_edit.setAccessibleName("Safety information for lone working")
        self.safety_edit.setAccessibleDescription(SAFETY_HINT)
        self.safety_edit.setPlaceholderText("for example: dog; ring before visiting")
        self.safety_edit.setTabChangesFocus(True)
        self.safety_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.safety_hint = QLabel(SAFETY_HINT)
        self.safety_hint.setObjectName("safety_hint_label")
        self.safety_hint.setWordWrap(True)
        self.lead_name_edit = self._line("lead_name_edit", "Lead professional's name",
                                         details.lead_name)
        self.lead_agency_edit = self._line("lead_agency_edit", "Lead professional's agency",
                                           details.lead_agency)
        self.lead_contact_edit = self._line("lead_contact_edit",
                                            "Lead professional's contact details",
                                            details.lead_contact)
        # How intensive the support is (counted in the quarterly return); blank until assessed.
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("intervention_level_combo")
        self.level_combo.setAccessibleName("Intervention level")
        self.level_combo.addItem("Not assessed yet", "")  # data: the stored text
        for level in InterventionLevel:
            self.level_combo.addItem(level.label, level.value)
        level_now = details.intervention_level
        self.level_combo.setCurrentIndex(self.level_combo.findData(level_now.value)
                                         if level_now else 0)
        self.level_combo.currentIndexChanged.connect(self.error_label.clear)

        household = QFormLayout()
        self._row(household, "Household &name:", self.name_edit)
        self._row(household, "&Address:", self.address_edit)
        self._row(household, "&Postcode:", self.postcode_edit)
        self._row(household, "P&hone:", self.phone_edit)
        self._row(household, "Preferred &language:", self.language_edit)
        household.addRow("", self.interpreter_check)
        self._row(household, "&Safety information:", self.safety_edit)
        household.addRow("", self.safety_hint)
        self._row(household, "In&tervention level:", self.level_combo)
        lead_box = QGroupBox("Lead professional (if not the lead worker)")
        lead_box.setObjectName("lead_professional_box")
        lead = QFormLayout(lead_box)
        self._row(lead, "Na&me:", self.lead_name_edit)
        self._row(lead, "A&gency:", self.lead_agency_edit)
        self._row(lead, "&Contact:", self.lead_contact_edit)

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("Sa&ve details")
        self.save_button.setObjectName("save_details_button")
        self.save_button.setAccessibleName("Save the household details")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel, keep the details as they were")
        self.save_button.clicked.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(household)
        layout.addWidget(lead_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.name_edit.setFocus()

    def _line(self, name: str, accessible: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.textEdited.connect(self.error_label.clear)
        return edit

    @staticmethod
    def _row(form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        form.addRow(label, field)

    def _tidy_postcode(self) -> None:
        """A UK postcode in capitals with its one space; anything else stays as typed."""
        tidy = normalise_postcode(self.postcode_edit.text())
        if POSTCODE_PATTERN.match(tidy) and tidy != self.postcode_edit.text():
            self.postcode_edit.setText(tidy)

    def details(self) -> HouseholdDetails:
        return HouseholdDetails(
            household_name=self.name_edit.text(), postcode=self.postcode_edit.text(),
            address=self.address_edit.toPlainText(), phone=self.phone_edit.text(),
            preferred_language=self.language_edit.text(),
            interpreter_needed=self.interpreter_check.isChecked(),
            safety_information=self.safety_edit.toPlainText(),
            lead_name=self.lead_name_edit.text(), lead_agency=self.lead_agency_edit.text(),
            lead_contact=self.lead_contact_edit.text(),
            intervention_level=parse_intervention_level(
                str(self.level_combo.currentData() or "")))

    def _submit(self) -> None:
        self._tidy_postcode()
        details = self.details()
        try:  # the domain's checks here first: a mistake is shown without a round trip
            with_details(self.family, details)
        except ValidationError as error:
            self.show_error(str(error))
            return
        self.save_button.setEnabled(False)
        self.submitted.emit(details)

    def show_error(self, message: str) -> None:
        """The problem in words; everything typed stays in the form."""
        self.error_label.setText(message)
        self.save_button.setEnabled(True)

    def saved(self) -> None:
        self.accept()
