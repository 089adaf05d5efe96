"""Agencies involved with a family: the list, and a form to add one or change the selected."""

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Signal
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

from familyworker.domain.agency import AgencyInvolvement
from familyworker.views.family.agencies_table_model import AgenciesTableModel
from familyworker.views.shared.qt_dates import to_qdate
from familyworker.views.shared.record_table_view import record_table_view


def optional_date(name: str, label: str) -> tuple[QCheckBox, QDateEdit, QHBoxLayout]:
    """A date that may be unknown: a 'Known' tick beside a date edit it enables."""
    check = QCheckBox("Known")
    check.setObjectName(f"{name}_check")
    check.setAccessibleName(f"{label} known")
    edit = QDateEdit(QDate.currentDate())
    edit.setObjectName(f"{name}_edit")
    edit.setAccessibleName(label)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setCalendarPopup(True)
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    row = QHBoxLayout()
    row.addWidget(check)
    row.addWidget(edit, 1)
    return check, edit, row


class AgenciesPanel(QGroupBox):
    add_requested = Signal(object)  # dict of fields
    update_requested = Signal(str, object)  # (agency involvement id, dict of fields)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Agencies involved", parent)
        self.setObjectName("agencies_panel")
        self.setAccessibleName("Agencies involved")
        self._editing: AgencyInvolvement | None = None
        self.model = AgenciesTableModel(self)
        self.table = record_table_view(self.model, object_name="agencies_table",
                                       accessible_name="Agencies involved with the family",
                                       stretch_column=5, widths=(125, 100, 150, 85, 85))
        self.agency_edit = QLineEdit()
        self.agency_edit.setObjectName("agency_edit")
        self.agency_edit.setAccessibleName("Agency")
        self.agency_edit.setPlaceholderText("e.g. School, Health visiting, Housing")
        self.contact_edit = QLineEdit()
        self.contact_edit.setObjectName("contact_edit")
        self.contact_edit.setAccessibleName("Agency contact")
        self.contact_edit.setPlaceholderText("Name, phone or email of the contact")
        self.role_edit = QLineEdit()
        self.role_edit.setObjectName("role_edit")
        self.role_edit.setAccessibleName("Agency's role")
        self.role_edit.setPlaceholderText("What they do with the family")
        self.from_check, self.from_edit, from_row = optional_date("from", "Involved from")
        self.to_check, self.to_edit, to_row = optional_date("to", "Involved until")
        self.add_button = QPushButton("Add a&gency")
        self.add_button.setObjectName("add_agency_button")
        self.add_button.setAccessibleName("Add agency")
        self.update_button = QPushButton("Save changes to selecte&d agency")
        self.update_button.setObjectName("update_agency_button")
        self.update_button.setAccessibleName("Save changes to the selected agency")
        self.update_button.setEnabled(False)
        self.message_label = QLabel("")
        self.message_label.setObjectName("agency_message_label")
        self.message_label.setAccessibleName("Agencies message")
        self.message_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Agenc&y:", self.agency_edit)
        form.addRow("Con&tact:", self.contact_edit)
        form.addRow("Ro&le:", self.role_edit)
        form.addRow("From:", from_row)
        form.addRow("To:", to_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.update_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.fields()))
        self.update_button.clicked.connect(self._update)

    def show_agencies(self, agencies: tuple[AgencyInvolvement, ...]) -> None:
        self.model.set_rows(sorted(agencies, key=lambda a: (a.to_date is not None,
                                                            a.agency.lower())))

    def clear(self) -> None:
        self.model.set_rows(())
        self.clear_form()
        self.message_label.clear()

    def clear_form(self) -> None:
        self._editing = None
        for edit in (self.agency_edit, self.contact_edit, self.role_edit):
            edit.clear()
        self.from_check.setChecked(False)
        self.to_check.setChecked(False)
        self.update_button.setEnabled(False)

    def fields(self) -> dict[str, Any]:
        def day(check: QCheckBox, edit: QDateEdit) -> date | None:
            value = edit.date().toPython()
            return value if check.isChecked() and isinstance(value, date) else None
        return {"agency": self.agency_edit.text(), "contact": self.contact_edit.text(),
                "role": self.role_edit.text(), "from_date": day(self.from_check, self.from_edit),
                "to_date": day(self.to_check, self.to_edit)}

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        item = self.model.row_at(current.row())
        self._editing = item
        self.agency_edit.setText(item.agency)
        self.contact_edit.setText(item.contact)
        self.role_edit.setText(item.role)
        for check, edit, value in ((self.from_check, self.from_edit, item.from_date),
                                   (self.to_check, self.to_edit, item.to_date)):
            check.setChecked(value is not None)
            if value is not None:
                edit.setDate(to_qdate(value))
        self.update_button.setEnabled(True)

    def _update(self) -> None:
        if self._editing is not None:
            self.update_requested.emit(self._editing.id, self.fields())

    def saved(self, message: str) -> None:
        self.clear_form()
        self.message_label.setText(message)

    # ----- drafts --------------------------------------------------------------------------

    def draft_payload(self) -> dict[str, Any] | None:
        """The half-typed agency, or None when the form is empty."""
        fields = self.fields()
        if not any((fields["agency"].strip(), fields["contact"].strip(), fields["role"].strip(),
                    fields["from_date"], fields["to_date"])):
            return None
        item = self._editing
        if item is not None and fields == {"agency": item.agency, "contact": item.contact,
                                           "role": item.role, "from_date": item.from_date,
                                           "to_date": item.to_date}:
            return None  # only selected, not changed
        return {**{k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()},
                "editing_id": self._editing.id if self._editing else None}

    def restore_draft(self, payload: dict[str, Any]) -> None:
        editing = next((self.model.row_at(r) for r in range(self.model.rowCount())
                        if self.model.row_at(r).id == payload.get("editing_id")), None)
        self._editing = editing
        self.update_button.setEnabled(editing is not None)
        self.agency_edit.setText(str(payload.get("agency") or ""))
        self.contact_edit.setText(str(payload.get("contact") or ""))
        self.role_edit.setText(str(payload.get("role") or ""))
        for check, day_edit, key in ((self.from_check, self.from_edit, "from_date"),
                                     (self.to_check, self.to_edit, "to_date")):
            value = payload.get(key)
            check.setChecked(bool(value))
            if value:
                day_edit.setDate(QDate.fromString(str(value), "yyyy-MM-dd"))
