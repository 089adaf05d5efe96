"""The Add family form: household details, first status, an optional first member."""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.family import FamilyStatus
from familyworker.services.new_family import INITIAL_STATUSES, NewFamily, NewMember

FIELDS = ("reference", "household_name", "address", "postcode", "status", "member")


class AddFamilyDialog(QDialog):
    """Emits `save_requested(NewFamily)`; the flow saves it and calls `show_errors` or closes."""

    save_requested = Signal(object)
    lock_requested = Signal()  # Ctrl+L works here as in every window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_family_dialog")
        self.setWindowTitle("Add a family — FamilyWorker")
        self.setAccessibleName("Add a family")
        self.setMinimumWidth(520)

        self.reference_edit = self._line("reference_edit", "Family reference", "e.g. FAM-0042")
        self.household_edit = self._line("household_edit", "Household name",
                                         "e.g. the Smith family")
        self.address_edit = self._line("address_edit", "Address", "House, street, town")
        self.postcode_edit = self._line("postcode_edit", "Postcode", "e.g. LS1 4AB")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("status_combo")
        self.status_combo.setAccessibleName("Status to start with")
        for status in INITIAL_STATUSES:
            self.status_combo.addItem(status.label, status)

        self.member_box = QGroupBox("Add the first household member now")
        self.member_box.setObjectName("member_box")
        self.member_box.setAccessibleName("Add the first household member now")
        self.member_box.setCheckable(True)
        self.member_box.setChecked(False)
        self.member_name_edit = self._line("member_name_edit", "First member's name", "")
        self.member_relationship_edit = self._line("member_relationship_edit",
                                                   "First member's relationship",
                                                   "e.g. mum, son, grandparent")
        self.member_dob_check = QCheckBox("Known")
        self.member_dob_check.setObjectName("member_dob_check")
        self.member_dob_check.setAccessibleName("First member's date of birth known")
        self.member_dob_edit = QDateEdit(QDate(1990, 1, 1))
        self.member_dob_edit.setObjectName("member_dob_edit")
        self.member_dob_edit.setAccessibleName("First member's date of birth")
        self.member_dob_edit.setDisplayFormat("dd MMM yyyy")
        self.member_dob_edit.setCalendarPopup(True)
        self.member_dob_edit.setMaximumDate(QDate.currentDate())
        self.member_dob_check.toggled.connect(self.member_dob_edit.setEnabled)
        self.member_dob_edit.setEnabled(False)

        self.error_labels: dict[str, QLabel] = {}
        for name in FIELDS:
            label = QLabel("")
            label.setObjectName(f"{name}_error")
            label.setAccessibleName(f"Problem with {name.replace('_', ' ')}")
            label.setWordWrap(True)
            label.setProperty("role", "error")  # styled, and always in words
            label.hide()
            self.error_labels[name] = label

        form = QFormLayout()
        form.addRow("&Reference:", self.reference_edit)
        form.addRow("", self.error_labels["reference"])
        form.addRow("&Household name:", self.household_edit)
        form.addRow("", self.error_labels["household_name"])
        form.addRow("&Address:", self.address_edit)
        form.addRow("", self.error_labels["address"])
        form.addRow("P&ostcode:", self.postcode_edit)
        form.addRow("", self.error_labels["postcode"])
        form.addRow("S&tatus:", self.status_combo)
        form.addRow("", self.error_labels["status"])
        dob_row = QHBoxLayout()
        dob_row.addWidget(self.member_dob_check)
        dob_row.addWidget(self.member_dob_edit, 1)
        member_form = QFormLayout(self.member_box)
        member_form.addRow("&Name:", self.member_name_edit)
        member_form.addRow("Re&lationship:", self.member_relationship_edit)
        member_form.addRow("Date of birth:", dob_row)
        member_form.addRow("", self.error_labels["member"])

        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setAccessibleName("Add family message")
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save and open")
        self.save_button.setObjectName("save_button")
        self.save_button.setAccessibleName("Save the family and open its file")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancel_button")
        cancel.setAccessibleName("Cancel")

        intro = QLabel("Only the reference, household name and postcode are needed now; "
                       "everything else can be added in the family's file.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.member_box)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        lock = QAction("Lock", self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock_requested)
        self.addAction(lock)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        for first, second in ((self.reference_edit, self.household_edit),
                              (self.household_edit, self.address_edit),
                              (self.address_edit, self.postcode_edit),
                              (self.postcode_edit, self.status_combo),
                              (self.status_combo, self.member_box),
                              (self.member_box, self.member_name_edit),
                              (self.member_name_edit, self.member_relationship_edit),
                              (self.member_relationship_edit, self.member_dob_check),
                              (self.member_dob_check, self.member_dob_edit)):
            QWidget.setTabOrder(first, second)
        self._saved_payload = self.draft_payload_raw()

    @staticmethod
    def _line(object_name: str, accessible_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(object_name)
        edit.setAccessibleName(accessible_name)
        edit.setPlaceholderText(placeholder)
        return edit

    # ----- values --------------------------------------------------------------------------

    def new_family(self) -> NewFamily:
        member = None
        if self.member_box.isChecked():
            dob = (self.member_dob_edit.date().toPython() if self.member_dob_check.isChecked()
                   else None)
            member = NewMember(name=self.member_name_edit.text(),
                               relationship=self.member_relationship_edit.text(),
                               date_of_birth=dob if isinstance(dob, date) else None)
        return NewFamily(reference=self.reference_edit.text(),
                         household_name=self.household_edit.text(),
                         address=self.address_edit.text(), postcode=self.postcode_edit.text(),
                         status=FamilyStatus(self.status_combo.currentData()),
                         first_member=member)

    def _save(self) -> None:
        self.clear_errors()
        self.message_label.setText("Saving…")
        self.save_button.setEnabled(False)
        self.save_requested.emit(self.new_family())

    def show_errors(self, errors: dict[str, str]) -> None:
        """Plain words next to each field that needs fixing; focus goes to the first."""
        self.save_button.setEnabled(True)
        self.message_label.setText("Nothing was saved. Please fix the marked fields.")
        first: QWidget | None = None
        widgets: dict[str, QWidget] = {
            "reference": self.reference_edit, "household_name": self.household_edit,
            "address": self.address_edit, "postcode": self.postcode_edit,
            "status": self.status_combo, "member": self.member_name_edit}
        for name in FIELDS:
            label = self.error_labels[name]
            message = errors.get(name, "")
            label.setText(f"⚠ {message}" if message else "")
            label.setVisible(bool(message))
            widgets[name].setProperty("invalid", bool(message))
            if message and first is None:
                first = widgets[name]
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(message)

    def clear_errors(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()

    # ----- drafts --------------------------------------------------------------------------

    def draft_payload_raw(self) -> dict[str, Any]:
        return {"reference": self.reference_edit.text(),
                "household_name": self.household_edit.text(),
                "address": self.address_edit.text(), "postcode": self.postcode_edit.text(),
                "status": str(self.status_combo.currentData()),
                "with_member": self.member_box.isChecked(),
                "member_name": self.member_name_edit.text(),
                "member_relationship": self.member_relationship_edit.text(),
                "member_dob": (self.member_dob_edit.date().toString(Qt.DateFormat.ISODate)
                               if self.member_dob_check.isChecked() else None)}

    def draft_payload(self) -> dict[str, Any] | None:
        """Typed text not yet saved, or None when the form is as it opened."""
        payload = self.draft_payload_raw()
        return None if payload == self._saved_payload else payload

    def restore_draft(self, payload: dict[str, Any]) -> None:
        for edit, key in ((self.reference_edit, "reference"),
                          (self.household_edit, "household_name"),
                          (self.address_edit, "address"), (self.postcode_edit, "postcode"),
                          (self.member_name_edit, "member_name"),
                          (self.member_relationship_edit, "member_relationship")):
            edit.setText(str(payload.get(key) or ""))
        index = self.status_combo.findData(FamilyStatus(str(payload.get("status")))) \
            if payload.get("status") in {s.value for s in INITIAL_STATUSES} else 0
        self.status_combo.setCurrentIndex(max(0, index))
        self.member_box.setChecked(bool(payload.get("with_member")))
        dob = payload.get("member_dob")
        self.member_dob_check.setChecked(bool(dob))
        if dob:
            self.member_dob_edit.setDate(QDate.fromString(str(dob), Qt.DateFormat.ISODate))
        self.message_label.setText("Restored the text you had not saved.")
