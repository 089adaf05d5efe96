"""Edit one household member: their details and flags, each with the day it applied from."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.domain.person import Person, PersonFlag, Sex, parse_sex
from familyworker.views.shared.qt_dates import from_qdate, to_qdate


@dataclass(slots=True)
class FlagRow:
    """One flag's controls: whether it applies, whether its start is known, and the day."""

    check: QCheckBox
    since_check: QCheckBox
    since_edit: QDateEdit

    def value(self) -> tuple[bool, date | None]:
        since = (from_qdate(self.since_edit.date())
                 if self.check.isChecked() and self.since_check.isChecked() else None)
        return self.check.isChecked(), since

    def show(self, ticked: bool, since: date | None) -> None:
        self.check.setChecked(ticked)
        self.since_check.setChecked(since is not None)
        if since is not None:
            self.since_edit.setDate(to_qdate(since))
        self._enable()

    def _enable(self) -> None:
        self.since_check.setEnabled(self.check.isChecked())
        self.since_edit.setEnabled(self.check.isChecked() and self.since_check.isChecked())


def _date_edit(object_name: str, accessible_name: str) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible_name)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setCalendarPopup(True)
    return edit


class MemberDialog(QDialog):
    """Opened from the Household tab for the selected member; saving runs on the writer."""

    save_requested = Signal(str, object)  # (person id, fields for services.families.update_person)

    def __init__(self, person: Person, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person = person
        self.setObjectName("member_dialog")
        self.setWindowTitle("Edit household member")
        self.setAccessibleName("Edit household member")

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("member_name_edit")
        self.name_edit.setAccessibleName("Member's name")
        self.relationship_edit = QLineEdit()
        self.relationship_edit.setObjectName("member_relationship_edit")
        self.relationship_edit.setAccessibleName("Relationship")
        self.relationship_edit.setPlaceholderText("e.g. mum, son, grandparent")
        self.dob_check = QCheckBox("Known")
        self.dob_check.setObjectName("member_dob_check")
        self.dob_check.setAccessibleName("Date of birth known")
        self.dob_edit = _date_edit("member_dob_edit", "Date of birth")
        self.dob_edit.setMaximumDate(QDate.currentDate())
        self.dob_check.toggled.connect(self.dob_edit.setEnabled)
        self.school_edit = QLineEdit()
        self.school_edit.setObjectName("member_school_edit")
        self.school_edit.setAccessibleName("School or setting")
        self.sex_combo = QComboBox()
        self.sex_combo.setObjectName("member_sex_combo")
        self.sex_combo.setAccessibleName("Sex")
        # Item data is the stored text: Qt hands an enum back as a plain string anyway.
        self.sex_combo.addItem("Not recorded", "")
        for sex in Sex:
            self.sex_combo.addItem(sex.label, sex.value)
        dob_row = QHBoxLayout()
        dob_row.addWidget(self.dob_check)
        dob_row.addWidget(self.dob_edit, 1)
        form = QFormLayout()
        form.addRow(self._label("Na&me:", self.name_edit), self.name_edit)
        form.addRow(self._label("&Relationship:", self.relationship_edit),
                    self.relationship_edit)
        form.addRow(self._label("Date of &birth:", self.dob_check), dob_row)
        form.addRow(self._label("&School or setting:", self.school_edit), self.school_edit)
        form.addRow(self._label("Se&x:", self.sex_combo), self.sex_combo)

        flags_box = QGroupBox("Flags")
        flags_box.setObjectName("flags_box")
        flags_hint = QLabel("Tick each that applies, and the day it applied from if known.")
        flags_hint.setObjectName("flags_hint_label")
        flags_hint.setWordWrap(True)
        flags_layout = QVBoxLayout(flags_box)
        flags_layout.addWidget(flags_hint)
        grid = QGridLayout()
        flags_layout.addLayout(grid)
        self.flag_rows: dict[PersonFlag, FlagRow] = {}
        today = QDate.currentDate()
        for number, flag in enumerate(PersonFlag):
            check = QCheckBox(flag.label)
            check.setObjectName(f"flag_{flag.value}_check")
            check.setAccessibleName(flag.label)
            since_check = QCheckBox("Since")
            since_check.setObjectName(f"flag_{flag.value}_since_check")
            since_check.setAccessibleName(f"{flag.label}: the day it applied from is known")
            since_edit = _date_edit(f"flag_{flag.value}_since_edit",
                                    f"{flag.label}: applied from")
            since_edit.setMaximumDate(today)
            row = FlagRow(check, since_check, since_edit)
            check.toggled.connect(lambda _on, r=row: r._enable())
            since_check.toggled.connect(lambda _on, r=row: r._enable())
            grid.addWidget(check, number, 0)
            grid.addWidget(since_check, number, 1)
            grid.addWidget(since_edit, number, 2)
            self.flag_rows[flag] = row
        grid.setColumnStretch(0, 1)

        self.message_label = QLabel("")
        self.message_label.setObjectName("member_message_label")
        self.message_label.setAccessibleName("Problem saving the member")
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("member_cancel_button")
        self.cancel_button.setAccessibleName("Cancel, keep the member as they were")
        self.save_button = QPushButton("Sa&ve")
        self.save_button.setObjectName("member_save_button")
        self.save_button.setAccessibleName("Save the member")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._save)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(flags_box)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.show_person(person)
        self.name_edit.setFocus()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def show_person(self, person: Person) -> None:
        self.name_edit.setText(person.name)
        self.relationship_edit.setText(person.relationship)
        self.school_edit.setText(person.school_setting)
        self._show_sex(person.sex)
        self.dob_check.setChecked(person.date_of_birth is not None)
        self.dob_edit.setEnabled(person.date_of_birth is not None)
        if person.date_of_birth is not None:
            self.dob_edit.setDate(to_qdate(person.date_of_birth))
        for flag, row in self.flag_rows.items():
            row.show(flag in person.flags, person.since(flag))

    def _show_sex(self, sex: Sex | None) -> None:
        self.sex_combo.setCurrentIndex(self.sex_combo.findData(sex.value) if sex else 0)

    def chosen_sex(self) -> Sex | None:
        return parse_sex(str(self.sex_combo.currentData() or ""))

    def fields(self) -> dict[str, Any]:
        """What `update_person` takes: the details and every ticked flag with its day."""
        flags: dict[PersonFlag, date | None] = {}
        for flag, row in self.flag_rows.items():
            ticked, since = row.value()
            if ticked:
                flags[flag] = since
        dob = from_qdate(self.dob_edit.date()) if self.dob_check.isChecked() else None
        return {"name": self.name_edit.text(), "relationship": self.relationship_edit.text(),
                "date_of_birth": dob, "school_setting": self.school_edit.text(),
                "sex": self.chosen_sex(), "flags": flags}

    def is_changed(self) -> bool:
        person = self.person
        return self.fields() != {
            "name": person.name, "relationship": person.relationship,
            "date_of_birth": person.date_of_birth, "school_setting": person.school_setting,
            "sex": person.sex, "flags": {flag: person.since(flag) for flag in person.flags}}

    def _save(self) -> None:
        self.message_label.clear()
        self.save_button.setEnabled(False)  # one save at a time; an error enables it again
        self.save_requested.emit(self.person.id, self.fields())

    def show_error(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(message)

    # ----- drafts (kept by the Household tab on lock or close) ------------------------------

    def draft_payload(self) -> dict[str, Any]:
        fields = self.fields()
        dob = fields["date_of_birth"]
        sex = fields["sex"]
        return {**fields, "date_of_birth": dob.isoformat() if dob else None,
                "sex": sex.value if sex else "",
                "flags": {flag.value: day.isoformat() if day else None
                          for flag, day in fields["flags"].items()},
                "editing_id": self.person.id}

    def restore_draft(self, payload: dict[str, Any]) -> None:
        self.name_edit.setText(str(payload.get("name") or ""))
        self.relationship_edit.setText(str(payload.get("relationship") or ""))
        self.school_edit.setText(str(payload.get("school_setting") or ""))
        try:
            self._show_sex(parse_sex(str(payload.get("sex") or "")))
        except ValidationError:
            self._show_sex(None)  # a draft from an older version, or altered: not recorded
        dob = _day(payload.get("date_of_birth"))
        self.dob_check.setChecked(dob is not None)
        self.dob_edit.setEnabled(dob is not None)
        if dob is not None:
            self.dob_edit.setDate(to_qdate(dob))
        kept = payload.get("flags")
        if isinstance(kept, dict):
            for flag, row in self.flag_rows.items():
                row.show(flag.value in kept, _day(kept.get(flag.value)))
        self.message_label.setText("Restored the changes you had not saved.")


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
