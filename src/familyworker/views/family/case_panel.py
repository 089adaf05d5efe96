"""Under the family header: lone-working safety first, then phone, language and interpreter,
the lead professional, and the buttons that change the status and the household details.

Every save runs on the task runner's writer (never the GUI thread); the dialog stays open with
the problem in words when a save is refused, and closes when it is done.
"""

import logging
from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.services.case_status import StatusChanged, set_status
from familyworker.services.family_file import FamilyFile
from familyworker.services.household_details import HouseholdDetails, update_household_details
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.family.case_status_dialog import CaseStatusDialog
from familyworker.views.family.household_details_dialog import HouseholdDetailsDialog
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

log = logging.getLogger(__name__)

# Every Alt+letter in "Change status" and "Edit details" is already a tab's or a page's in the
# family window, so these two are keyboard shortcuts (and listed in Help › Keyboard shortcuts).
STATUS_KEYS = "Ctrl+Shift+S"
DETAILS_KEYS = "Ctrl+Shift+D"



def details_html(file: FamilyFile) -> str:
    """Phone, language and interpreter, lead professional: the parts that are set."""
    family = file.family
    parts = []
    if family.phone:
        parts.append(f"<b>Phone:</b> {escape(family.phone)}")
    if family.preferred_language or family.interpreter_needed:
        language = escape(family.preferred_language) or "language not recorded"
        need = "interpreter needed" if family.interpreter_needed else "no interpreter needed"
        parts.append(f"<b>Language:</b> {language} ({need})")
    lead = family.lead_professional
    if lead is not None:
        text = escape(lead.name) + (f", {escape(lead.agency)}" if lead.agency else "")
        text += f" ({escape(lead.contact)})" if lead.contact else ""
        parts.append(f"<b>Lead professional:</b> {text}")
    return " &nbsp;·&nbsp; ".join(parts)


class CasePanel(QWidget):
    status_dialog_opened = Signal(object)  # the CaseStatusDialog, once shown
    details_dialog_opened = Signal(object)  # the HouseholdDetailsDialog, once shown

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 on_changed: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_panel")
        self.store, self.runner, self.family_id = store, runner, family_id
        self._on_changed = on_changed
        self.file: FamilyFile | None = None
        self.status_dialog: CaseStatusDialog | None = None
        self.details_dialog: HouseholdDetailsDialog | None = None

        self.safety_label = QLabel("")
        self.safety_label.setObjectName("safety_label")
        self.safety_label.setAccessibleName("Lone-working safety information")
        self.safety_label.setWordWrap(True)
        self.safety_label.setTextFormat(Qt.TextFormat.PlainText)
        self.safety_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.safety_label.font()
        font.setBold(True)
        self.safety_label.setFont(font)
        self.safety_label.hide()
        self.details_label = QLabel("")
        self.details_label.setObjectName("contact_details_label")
        self.details_label.setAccessibleName("Phone, language and lead professional")
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.hide()
        self.status_button = QPushButton("Change status…")
        self.status_button.setObjectName("change_status_button")
        self.status_button.setAccessibleName("Change status")
        self.status_button.setToolTip(f"Change the case status ({STATUS_KEYS})")
        self.details_button = QPushButton("Edit details…")
        self.details_button.setObjectName("edit_details_button")
        self.details_button.setAccessibleName("Edit household details")
        self.details_button.setToolTip(
            f"Address, phone, language, safety information, lead professional ({DETAILS_KEYS})")
        for button in (self.status_button, self.details_button):
            button.setEnabled(False)  # until the file has loaded
        self.status_button.clicked.connect(self.open_status_dialog)
        self.details_button.clicked.connect(self.open_details_dialog)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_button)
        buttons.addWidget(self.details_button)
        self._button_row = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.safety_label)
        layout.addWidget(self.details_label)
        layout.addLayout(buttons)

    def end_button_row(self, widget: QWidget) -> None:
        """Put ``widget`` (the visit bar) beside the two buttons: one row of the header fewer."""
        self._button_row.addSpacing(24)
        self._button_row.addWidget(widget, 1)

    def add_shortcuts(self, window: QWidget) -> None:
        """The two shortcuts, live anywhere in the family window."""
        for keys, slot in ((STATUS_KEYS, self.open_status_dialog),
                           (DETAILS_KEYS, self.open_details_dialog)):
            shortcut = QShortcut(QKeySequence(keys), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def show_file(self, file: FamilyFile) -> None:
        self.file = file
        safety = file.family.safety_information
        # Plain text with a warning sign and words: never colour alone.
        self.safety_label.setText(f"⚠ Safety: {' '.join(safety.split())}" if safety else "")
        self.safety_label.setVisible(bool(safety))
        details = details_html(file)
        self.details_label.setText(details)
        self.details_label.setVisible(bool(details))
        for button in (self.status_button, self.details_button):
            button.setEnabled(True)

    def clear(self) -> None:
        """At lock: nothing of the family stays on screen, and an open dialog closes."""
        self.file = None
        for dialog in (self.status_dialog, self.details_dialog):
            if dialog is not None:
                dialog.reject()
        self.safety_label.clear()
        self.details_label.clear()
        for button in (self.status_button, self.details_button):
            button.setEnabled(False)

    # ----- status --------------------------------------------------------------------------

    def open_status_dialog(self) -> CaseStatusDialog | None:
        if self.file is None:
            return None
        if self.status_dialog is not None:
            self.status_dialog.raise_()
            return self.status_dialog
        dialog = CaseStatusDialog(self.file.family, self.file.sustainability_review_due,
                                  self.window())
        dialog.submitted.connect(self._save_status)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.status_dialog = dialog
        dialog.open()
        self.status_dialog_opened.emit(dialog)
        return dialog

    def _save_status(self, target: FamilyStatus, on: date, reason: ClosureReason | None,
                     note: str) -> None:
        store, family_id, dialog = self.store, self.family_id, self.status_dialog

        def done(_changed: StatusChanged) -> None:
            if dialog is not None and self.status_dialog is dialog:
                dialog.saved()
            self._on_changed()

        def failed(error: Exception) -> None:
            if dialog is not None and self.status_dialog is dialog:
                dialog.show_error(plain_message(error))

        self.runner.run_write(lambda: set_status(store, family_id, target, on=on,
                                                 reason=reason, note=note), done, failed)

    # ----- household details ---------------------------------------------------------------

    def open_details_dialog(self) -> HouseholdDetailsDialog | None:
        if self.file is None:
            return None
        if self.details_dialog is not None:
            self.details_dialog.raise_()
            return self.details_dialog
        dialog = HouseholdDetailsDialog(self.file.family, self.window())
        dialog.submitted.connect(self._save_details)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.details_dialog = dialog
        dialog.open()
        self.details_dialog_opened.emit(dialog)
        return dialog

    def _save_details(self, details: HouseholdDetails) -> None:
        store, family_id, dialog = self.store, self.family_id, self.details_dialog

        def done(_family: object) -> None:
            if dialog is not None and self.details_dialog is dialog:
                dialog.saved()
            self._on_changed()

        def failed(error: Exception) -> None:
            if dialog is not None and self.details_dialog is dialog:
                dialog.show_error(plain_message(error))

        self.runner.run_write(lambda: update_household_details(store, family_id, details),
                              done, failed)

    def _forget(self, dialog: CaseStatusDialog | HouseholdDetailsDialog) -> None:
        if self.status_dialog is dialog:
            self.status_dialog = None
        if self.details_dialog is dialog:
            self.details_dialog = None
        dialog.deleteLater()
