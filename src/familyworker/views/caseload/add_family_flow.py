"""Opens the Add family form, saves it off the GUI thread, keeps its text as a draft on lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

if TYPE_CHECKING:
    from familyworker.domain.family import Family
    from familyworker.services.new_family import NewFamily
    from familyworker.views.caseload.add_family_dialog import AddFamilyDialog


DRAFT_KEY = "new-family"  # one form, not tied to a family yet


class AddFamilyFlow(QObject):
    family_added = Signal(str, str)  # (family id, reference)
    lock_requested = Signal()

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._store: CaseloadStore | None = None
        self.dialog: AddFamilyDialog | None = None
        self._closing_for_lock = False

    def open(self, store: CaseloadStore, parent: QWidget | None = None) -> AddFamilyDialog:
        from familyworker.views.caseload.add_family_dialog import AddFamilyDialog

        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self._store = store
        dialog = AddFamilyDialog(parent)
        dialog.save_requested.connect(self._save)
        dialog.rejected.connect(self._cancelled)
        dialog.lock_requested.connect(self.lock_requested)
        self.dialog = dialog
        from familyworker.services import drafts

        self._runner.run(lambda: drafts.load_form_draft(store, DRAFT_KEY), self._restore,
                         lambda _e: None)
        dialog.show()
        dialog.reference_edit.setFocus()
        return dialog

    def _restore(self, payload: dict[str, Any] | None) -> None:
        if payload is not None and self.dialog is not None:
            self.dialog.restore_draft(payload)

    def _save(self, new: NewFamily) -> None:
        from familyworker.services import drafts
        from familyworker.services.new_family import create_family

        store = self._store
        if store is None:
            return

        def work() -> Family:
            family = create_family(store, new)
            drafts.discard_form_draft(store, DRAFT_KEY)
            return family

        self._runner.run_write(work, self._saved, self._failed)

    def _saved(self, family: Family) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.blockSignals(True)  # accepted, not cancelled: the draft is already gone
            dialog.accept()
            dialog.deleteLater()
        self.family_added.emit(family.id, family.reference)

    def _failed(self, error: Exception) -> None:
        from familyworker.services.new_family import FamilyFieldErrors

        if self.dialog is None:
            return
        if isinstance(error, FamilyFieldErrors):
            self.dialog.show_errors(error.errors)
        else:
            self.dialog.show_message(plain_message(error))

    def _cancelled(self) -> None:
        dialog, self.dialog = self.dialog, None
        store = self._store
        if dialog is None or self._closing_for_lock:
            return
        dialog.deleteLater()
        if store is not None:  # the person threw the text away
            from familyworker.services import drafts

            self._runner.run_write(lambda: drafts.discard_form_draft(store, DRAFT_KEY),
                                   lambda _r: None, lambda _e: None)

    def close_for_lock(self) -> dict[str, tuple[str | None, dict[str, Any]]]:
        """Take the unsaved text and close the form; the caller saves it as a draft."""
        dialog = self.dialog
        if dialog is None:
            return {}
        payload = dialog.draft_payload()
        self._closing_for_lock = True
        try:
            dialog.reject()
        finally:
            self._closing_for_lock = False
        self.dialog = None
        self._store = None
        dialog.deleteLater()
        return {DRAFT_KEY: (None, payload)} if payload is not None else {}
