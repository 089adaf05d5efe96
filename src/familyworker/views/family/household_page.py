"""The Household tab: members (add, and edit with their flags), agencies involved, programme
criteria."""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
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
from familyworker.views.family.agencies_panel import AgenciesPanel
from familyworker.views.family.criteria_panel import CriteriaPanel
from familyworker.views.family.member_dialog import MemberDialog
from familyworker.views.family.members_table_model import MembersTableModel
from familyworker.views.shared.record_table_view import record_table_view


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
        self.member_dialog: MemberDialog | None = None  # the open Edit member… dialog
        self._saving_edit = False  # the last save sent was the dialog's, not the add form's

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
        self.edit_button = QPushButton("Edit mem&ber…")
        self.edit_button.setObjectName("edit_member_button")
        self.edit_button.setAccessibleName("Edit the selected member and their flags")
        self.edit_button.setToolTip("Change the selected member's details and flags "
                                    "(or press Enter on them in the list)")
        self.edit_button.setEnabled(False)
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
        buttons.addWidget(self.add_button)
        edit_row = QHBoxLayout()
        edit_row.addStretch(1)
        edit_row.addWidget(self.edit_button)
        add_heading = QLabel("<b>Add a member</b>")
        add_heading.setObjectName("add_member_heading")
        members_box = QGroupBox("Household members")
        members_layout = QVBoxLayout(members_box)
        members_layout.addWidget(self.members_table)
        members_layout.addLayout(edit_row)
        members_layout.addWidget(add_heading)
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
        self.members_table.activated.connect(lambda _index: self.edit_member())
        self.add_button.clicked.connect(self._add)
        self.edit_button.clicked.connect(lambda: self.edit_member())

    def show_file(self, file: FamilyFile) -> None:
        self.members_model.set_rows(file.members)
        self.edit_button.setEnabled(False)  # the reset list has no member selected
        self.agencies_panel.show_agencies(file.agencies)
        verdict = eligibility(self.framework, file.needs, file.members, on=date.today())
        self.criteria_panel.show_needs(file.needs, verdict.in_words(self.framework.name))

    def clear(self) -> None:
        self._close_member_dialog()
        self.members_model.set_rows(())
        self.edit_button.setEnabled(False)
        self.agencies_panel.clear()
        self.criteria_panel.clear()
        self._clear_form()

    def _clear_form(self) -> None:
        for edit in (self.name_edit, self.relationship_edit, self.school_edit):
            edit.clear()
        self.dob_check.setChecked(False)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.edit_button.setEnabled(current.isValid())

    def selected_member(self) -> Person | None:
        index = self.members_table.currentIndex()
        return self.members_model.row_at(index.row()) if index.isValid() else None

    def edit_member(self, person: Person | None = None) -> MemberDialog | None:
        """Edit member…: the selected member (or `person`) in a dialog; one at a time."""
        person = person or self.selected_member()
        if person is None:
            return None
        if self.member_dialog is not None:
            if self.member_dialog.person.id == person.id:
                self.member_dialog.raise_()
                return self.member_dialog
            self._close_member_dialog()
        dialog = MemberDialog(person, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.save_requested.connect(self._update)
        dialog.finished.connect(lambda _result: self._forget_member_dialog(dialog))
        self.member_dialog = dialog
        dialog.open()
        return dialog

    def _forget_member_dialog(self, dialog: MemberDialog) -> None:
        if self.member_dialog is dialog:
            self.member_dialog = None
        dialog.deleteLater()

    def _close_member_dialog(self) -> None:
        if self.member_dialog is not None:
            self.member_dialog.reject()

    def _fields(self) -> dict[str, Any]:
        dob = self.dob_edit.date().toPython() if self.dob_check.isChecked() else None
        return {"name": self.name_edit.text(), "relationship": self.relationship_edit.text(),
                "date_of_birth": dob, "school_setting": self.school_edit.text()}

    def _add(self) -> None:
        self._saving_edit = False
        self.add_member_requested.emit(self._fields())

    def _update(self, person_id: str, fields: dict[str, Any]) -> None:
        self._saving_edit = True
        self.update_member_requested.emit(person_id, fields)

    def member_saved(self, message: str) -> None:
        if self._saving_edit:
            dialog = self.member_dialog
            if dialog is not None:
                dialog.accept()
        else:
            self._clear_form()
        self.message_label.setText(message)

    def show_message(self, message: str) -> None:
        """A problem with the last save: in the dialog when it was the dialog's."""
        if self._saving_edit and self.member_dialog is not None:
            self.member_dialog.show_error(message)
        else:
            self.message_label.setText(message)

    # ----- drafts (member, agency and criteria forms together) ------------------------------

    def draft_payload(self) -> dict[str, Any] | None:
        payload: dict[str, Any] = {}
        fields = self._fields()
        if any(str(fields[k]).strip() for k in ("name", "relationship", "school_setting")):
            dob = fields["date_of_birth"]
            payload["member"] = {**fields, "date_of_birth": dob.isoformat() if dob else None,
                                 "editing_id": None}
        if self.member_dialog is not None and self.member_dialog.is_changed():
            payload["edit_member"] = self.member_dialog.draft_payload()
        agency = self.agencies_panel.draft_payload()
        if agency is not None:
            payload["agency"] = agency
        criteria = self.criteria_panel.draft_payload()
        if criteria is not None:
            payload["criteria"] = criteria
        return payload or None

    def restore_draft(self, payload: dict[str, Any]) -> None:
        member = payload.get("member")
        if isinstance(member, dict) and member.get("editing_id"):
            payload = {**payload, "edit_member": member}  # kept before editing had a dialog
        elif isinstance(member, dict):
            self.name_edit.setText(str(member.get("name") or ""))
            self.relationship_edit.setText(str(member.get("relationship") or ""))
            self.school_edit.setText(str(member.get("school_setting") or ""))
            dob = member.get("date_of_birth")
            self.dob_check.setChecked(bool(dob))
            if dob:
                self.dob_edit.setDate(QDate.fromString(str(dob), "yyyy-MM-dd"))
        edited = payload.get("edit_member")
        members = (self.members_model.row_at(r) for r in range(self.members_model.rowCount()))
        person = next((p for p in members
                       if isinstance(edited, dict) and p.id == edited.get("editing_id")), None)
        if person is not None and isinstance(edited, dict):
            dialog = self.edit_member(person)
            if dialog is not None:
                dialog.restore_draft(edited)
        if isinstance(payload.get("agency"), dict):
            self.agencies_panel.restore_draft(payload["agency"])
        if isinstance(payload.get("criteria"), list):
            self.criteria_panel.restore_draft(payload["criteria"])
        self.message_label.setText("Restored the text you had not saved.")
        self.draft_restored.emit()
