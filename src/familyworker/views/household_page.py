"""The Household tab: members (add and edit), agencies involved, programme criteria."""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.person import Person
from familyworker.services.family_file import FamilyFile
from familyworker.services.household import eligibility
from familyworker.views.agencies_panel import AgenciesPanel
from familyworker.views.criteria_panel import CriteriaPanel
from familyworker.views.members_table_model import MembersTableModel
from familyworker.views.qt_dates import to_qdate
from familyworker.views.record_table_view import record_table_view


class HouseholdPage(QWidget):
    """Shows who is in the household and who else is involved."""

    add_member_requested = Signal(object)  # dict of person fields
    draft_restored = Signal()  # the kept text is back in the forms (the stored copy can go)
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
        self.update_button = QPushButton("Save changes to selected mem&ber")
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
        form.addRow("Na&me:", self.name_edit)
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

        self.agencies_panel = AgenciesPanel()
        self.criteria_panel = CriteriaPanel(framework)
        top = QHBoxLayout()
        top.addWidget(members_box, 1)
        top.addWidget(self.agencies_panel, 1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(top)
        content_layout.addWidget(self.criteria_panel)
        # Scrolls rather than squashing the forms when the system font is large.
        scroll = QScrollArea()
        scroll.setObjectName("household_scroll")
        scroll.setAccessibleName("Household")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.members_table.selectionModel().currentRowChanged.connect(self._on_current)
        self.add_button.clicked.connect(self._add)
        self.update_button.clicked.connect(self._update)

    def show_file(self, file: FamilyFile) -> None:
        self.members_model.set_rows(file.members)
        self.agencies_panel.show_agencies(file.agencies)
        verdict = eligibility(self.framework, file.needs, file.members, on=date.today())
        self.criteria_panel.show_needs(file.needs, verdict.in_words(self.framework.name))

    def clear(self) -> None:
        self.members_model.set_rows(())
        self.agencies_panel.clear()
        self.criteria_panel.clear()
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
            self.dob_edit.setDate(to_qdate(person.date_of_birth))
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

    # ----- drafts (member, agency and criteria forms together) ------------------------------

    def draft_payload(self) -> dict[str, Any] | None:
        payload: dict[str, Any] = {}
        fields = self._fields()
        editing = self._editing
        untouched = editing is not None and fields == {
            "name": editing.name, "relationship": editing.relationship,
            "date_of_birth": editing.date_of_birth, "school_setting": editing.school_setting}
        if not untouched and any(str(fields[k]).strip()
                                 for k in ("name", "relationship", "school_setting")):
            dob = fields["date_of_birth"]
            payload["member"] = {**fields, "date_of_birth": dob.isoformat() if dob else None,
                                 "editing_id": self._editing.id if self._editing else None}
        agency = self.agencies_panel.draft_payload()
        if agency is not None:
            payload["agency"] = agency
        criteria = self.criteria_panel.draft_payload()
        if criteria is not None:
            payload["criteria"] = criteria
        return payload or None

    def restore_draft(self, payload: dict[str, Any]) -> None:
        member = payload.get("member")
        if isinstance(member, dict):
            self._editing = next(
                (self.members_model.row_at(r) for r in range(self.members_model.rowCount())
                 if self.members_model.row_at(r).id == member.get("editing_id")), None)
            self.update_button.setEnabled(self._editing is not None)
            self.name_edit.setText(str(member.get("name") or ""))
            self.relationship_edit.setText(str(member.get("relationship") or ""))
            self.school_edit.setText(str(member.get("school_setting") or ""))
            dob = member.get("date_of_birth")
            self.dob_check.setChecked(bool(dob))
            if dob:
                self.dob_edit.setDate(QDate.fromString(str(dob), "yyyy-MM-dd"))
        if isinstance(payload.get("agency"), dict):
            self.agencies_panel.restore_draft(payload["agency"])
        if isinstance(payload.get("criteria"), list):
            self.criteria_panel.restore_draft(payload["criteria"])
        self.message_label.setText("Restored the text you had not saved.")
        self.draft_restored.emit()
