"""The family file's header line for the next visit: when it is booked, Book visit… and Cancel.

Writes go through the visits service on the task runner's writer (never the GUI thread).
"""

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from familyworker.domain.family import Family, FamilyStatus
from familyworker.services import visits
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.family.book_visit_dialog import BookVisitDialog
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner


def visit_text(family: Family | None) -> str:
    if family is None:
        return ""
    if family.booked_visit is not None:
        at = family.booked_visit.at.astimezone()
        where = f", {family.booked_visit.where}" if family.booked_visit.where else ""
        return f"Next visit: booked for {at:%a %d %b %Y at %H:%M}{where}"
    if family.status is FamilyStatus.CLOSED:
        return "Next visit: none (the case is closed)"
    return "Next visit: not booked"



class VisitBar(QWidget):
    dialog_opened = Signal(object)  # the Book visit dialog, once shown
    changed = Signal()  # after a visit is booked or cancelled

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 reference: str, on_changed: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visit_bar")
        self.store, self.runner = store, runner
        self.family_id, self.reference = family_id, reference
        self._on_changed = on_changed
        self.family: Family | None = None
        self.dialog: BookVisitDialog | None = None
        self.visit_label = QLabel("")
        self.visit_label.setObjectName("visit_label")
        self.visit_label.setAccessibleName("Next visit")
        self.visit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.visit_label.setWordWrap(True)  # wraps rather than widen a small window
        # No Alt+letter: every letter is taken by a tab or a page (Ctrl+B books instead).
        self.book_button = QPushButton("Book visit…")
        self.book_button.setObjectName("open_book_visit_button")
        self.book_button.setAccessibleName("Book the next visit")
        self.book_button.setToolTip("Book the next visit: day, time and where (Ctrl+B)")
        self.cancel_button = QPushButton("Cancel visit")
        self.cancel_button.setObjectName("cancel_visit_button")
        self.cancel_button.setAccessibleName("Cancel the booked visit")
        self.cancel_button.hide()
        self.message_label = QLabel("")
        self.message_label.setObjectName("visit_message_label")
        self.message_label.setAccessibleName("Visit booking message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.visit_label, 2)  # room to say it on one line when there is room
        layout.addWidget(self.book_button)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.message_label, 1)
        self.book_button.clicked.connect(self.open_dialog)
        self.cancel_button.clicked.connect(self.cancel_visit)
        self.book_button.setEnabled(False)

    def show_family(self, family: Family) -> None:
        self.family = family
        self.visit_label.setText(visit_text(family))
        self.book_button.setEnabled(family.status is not FamilyStatus.CLOSED)
        self.cancel_button.setVisible(family.booked_visit is not None)

    def clear(self) -> None:
        self.family = None
        self.visit_label.clear()
        self.message_label.clear()
        if self.dialog is not None:
            self.dialog.reject()

    def open_dialog(self) -> BookVisitDialog | None:
        if self.family is None or not self.book_button.isEnabled():
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        dialog = BookVisitDialog(self.reference, self.family.booked_visit, parent=self)
        dialog.submitted.connect(self._book)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _forget(self, dialog: BookVisitDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _book(self, at: datetime, where: str) -> None:
        store, family_id, dialog = self.store, self.family_id, self.dialog

        def done(family: Family) -> None:
            if dialog is not None and self.dialog is dialog:
                dialog.booked()
            self.show_family(family)
            self.message_label.setText("Visit booked.")
            self._after()

        def failed(error: Exception) -> None:
            if dialog is not None and self.dialog is dialog:
                dialog.show_error(plain_message(error))

        self.runner.run_write(lambda: visits.book_visit(store, family_id, at=at, where=where),
                              done, failed)

    def cancel_visit(self) -> None:
        store, family_id = self.store, self.family_id

        def done(family: Family) -> None:
            self.show_family(family)
            self.message_label.setText("Visit cancelled.")
            self._after()

        self.runner.run_write(lambda: visits.cancel_visit(store, family_id), done,
                              lambda e: self.message_label.setText(plain_message(e)))

    def _after(self) -> None:
        self.changed.emit()
        if self._on_changed is not None:
            self._on_changed()
