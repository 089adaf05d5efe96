"""The Household tab: members (add and edit), agencies involved, programme criteria."""

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.person import Person
from familyworker.services.family_file import FamilyFile
from familyworker.views.members_table_model import MembersTableModel
from familyworker.views.record_table_view import record_table_view


class HouseholdPage(QWidget):
    """Shows who is in the household and who else is involved."""

    add_member_requested = Signal(object)  # dict of person fields
    update_member_requested = Signal(str, object)  # (person id, dict of changed fields)

    def __init__(self, framework: ProgrammeFramework, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("household_page")
        self.setAccessibleName("Household")
        self.framework = framework
        self._editing: Person | None = None

        self.members_model = MembersTableModel(self)
        self.members_table = record_table_view(
            self.members_model, object_name="members_table",
            accessible_name="Household members", stretch_column=4, widths=(170, 120, 50, 180))

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setAccessibleName("Member's name")
        self.relationship_edit = QLineEdit()
        self.relationship_edit.setObjectName("relationship_edit")
        self.relationship_edit.setAccessibleName("Relationship")
        self.relationship_edit.setPlaceholderText("e.g. mum, son, grandparent")
        self.dob_check = QCheckBox("Known")
        self.dob_check.setObjectName("dob_check")
        self.dob_check.setAccessibleName("Date of birth known")
        self.dob_edit = QDateEdit(QDate(2015, 1, 1))
        self.dob_edit.setObjectName("dob_edit")
        self.dob_edit.setAccessibleName("Date of birth")
        self.dob_edit.setDisplayFormat("dd MMM yyyy")
        self.dob_edit.setCalendarPopup(True)
        self.school_edit = QLineEdit()
        self.school_edit.setObjectName("school_edit")
        self.school_edit.setAccessibleName("School or setting")
        self.add_button = QPushButton("&Add member")
        self.add_button.setObjectName("add_button")
        self.add_button.setAccessibleName("Add member")
        self.update_button = QPushButton("Save &changes to selected")
        self.update_button.setObjectName("update_button")
        self.update_button.setAccessibleName("Save changes to the selected member")
        self.update_button.setEnabled(False)
        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setAccessibleName("Household message")
        self.message_label.setWordWrap(True)

        dob_row = QHBoxLayout()
        dob_row.addWidget(self.dob_check)
        dob_row.addWidget(self.dob_edit, 1)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Relationship:", self.relationship_edit)
        form.addRow("Date of birth:", dob_row)
        form.addRow("&School or setting:", self.school_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.update_button)
        buttons.addWidget(self.add_button)
        members_box = QGroupBox("Household members")
        members_layout = QVBoxLayout(members_box)
        members_layout.addWidget(self.members_table)
        members_layout.addLayout(form)
        members_layout.addLayout(buttons)

        self.agencies_label = QLabel("")
        self.agencies_label.setObjectName("agencies_label")
        self.agencies_label.setAccessibleName("Agencies involved")
        self.agencies_label.setWordWrap(True)
        self.criteria_label = QLabel("")
        self.criteria_label.setObjectName("criteria_label")
        self.criteria_label.setAccessibleName("Programme criteria with evidence")
        self.criteria_label.setWordWrap(True)
        self.criteria_label.setTextFormat(Qt.TextFormat.RichText)
        self.agencies_label.setTextFormat(Qt.TextFormat.RichText)
        agencies_box = QGroupBox("Agencies involved")
        QVBoxLayout(agencies_box).addWidget(self.agencies_label)
        criteria_box = QGroupBox("Programme criteria and evidence")
        QVBoxLayout(criteria_box).addWidget(self.criteria_label)
        side = QVBoxLayout()
        side.addWidget(criteria_box)
        side.addWidget(agencies_box)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(members_box, 3)
        layout.addLayout(side, 2)

        self.members_table.selectionModel().currentRowChanged.connect(self._on_current)
        self.add_button.clicked.connect(self._add)
        self.update_button.clicked.connect(self._update)

    def show_file(self, file: FamilyFile) -> None:
        self.members_model.set_rows(file.members)
        today = date.today()
        current = [a for a in file.agencies if a.is_current_on(today)]
        self.agencies_label.setText("<br>".join(
            f"<b>{escape(a.agency)}</b>" + (f" — {escape(a.role)}" if a.role else "")
            for a in current) or "No other agencies recorded.")
        lines = []
        for need in file.needs:
            try:
                label = self.framework.criterion(need.criterion_key).label
            except ValueError:
                label = need.criterion_key
            lines.append(f"<p>✔ <b>{escape(label)}</b><br>"
                         f"{escape(need.evidence) or 'No evidence recorded yet.'}</p>")
        self.criteria_label.setText("".join(lines) or "No criteria recorded yet.")

    def clear(self) -> None:
        self.members_model.set_rows(())
        self.agencies_label.clear()
        self.criteria_label.clear()
        self._clear_form()

    def _clear_form(self) -> None:
        self._editing = None
        for edit in (self.name_edit, self.relationship_edit, self.school_edit):
            edit.clear()
        self.dob_check.setChecked(False)
        self.update_button.setEnabled(False)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        person = self.members_model.row_at(current.row())
        self._editing = person
        self.name_edit.setText(person.name)
        self.relationship_edit.setText(person.relationship)
        self.school_edit.setText(person.school_setting)
        self.dob_check.setChecked(person.date_of_birth is not None)
        if person.date_of_birth:
            self.dob_edit.setDate(QDate(person.date_of_birth))
        self.update_button.setEnabled(True)

    def _fields(self) -> dict[str, Any]:
        dob = self.dob_edit.date().toPython() if self.dob_check.isChecked() else None
        return {"name": self.name_edit.text(), "relationship": self.relationship_edit.text(),
                "date_of_birth": dob, "school_setting": self.school_edit.text()}

    def _add(self) -> None:
        self.add_member_requested.emit(self._fields())

    def _update(self) -> None:
        if self._editing is not None:
            self.update_member_requested.emit(self._editing.id, self._fields())

    def member_saved(self, message: str) -> None:
        self._clear_form()
        self.message_label.setText(message)

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)
