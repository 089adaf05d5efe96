"""File › Delete this family… in the family file, driven as a worker would."""

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import select

from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore
from familyworker.store.tables import AuditEventRow, FamilyRow
from familyworker.views.app_controller import AppController
from familyworker.views.caseload.caseload_table_model import CaseloadTableModel
from familyworker.views.family.delete_family_dialog import DeleteFamilyDialog
from familyworker.views.family.family_window import FamilyWindow

from .conftest import unlock

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
ALT = Qt.KeyboardModifier.AltModifier
NOT_ALLOWED = "Only the family's lead worker or a supervisor can delete a family."


def _store(controller: AppController) -> CaseloadStore:
    assert controller.store is not None
    return controller.store


def open_family(qtbot: QtBot, controller: AppController, *, mine: bool) -> FamilyWindow:
    """Open, from the caseload list, a family I lead (or one a colleague leads)."""
    me = _store(controller).worker_id
    proxy = controller.main_window.proxy
    index = next(proxy.index(row, 0) for row in range(proxy.rowCount())
                 if (proxy.index(row, 0).data(CaseloadTableModel.FamilyRole).lead_worker_id
                     == me) is mine)
    table = controller.main_window.family_table
    table.setCurrentIndex(index)
    family_id = index.data(CaseloadTableModel.FamilyRole).id
    qtbot.keyClick(table, Qt.Key.Key_Return)
    window = controller.family_windows[family_id]
    qtbot.waitUntil(lambda: window.file is not None, timeout=5000)
    return window


def wait_for_permission(qtbot: QtBot, window: FamilyWindow) -> None:
    qtbot.waitUntil(lambda: window.delete_action.toolTip() != "Waiting for the family file "
                                                              "to load", timeout=5000)


def open_dialog_from_menu(qtbot: QtBot, window: FamilyWindow) -> DeleteFamilyDialog:
    """Alt+I opens the File menu; D (its mnemonic) chooses Delete this family…."""
    with qtbot.waitSignal(window.delete_dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(window, Qt.Key.Key_I, ALT)
        qtbot.waitUntil(window.file_menu.isVisible, timeout=5000)
        qtbot.keyClick(window.file_menu, Qt.Key.Key_D)
    dialog = opened.args[0]
    assert isinstance(dialog, DeleteFamilyDialog) and dialog.isVisible()
    return dialog


def test_lead_worker_deletes_a_family_from_the_menu(qtbot: QtBot,
                                                    controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family(qtbot, controller, mine=True)
    family_id, reference = window.family_id, window.reference
    before = controller.main_window.caseload_model.rowCount()
    wait_for_permission(qtbot, window)
    assert window.delete_action.isEnabled()
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert "&Delete this family…" in texts
    mnemonics = [t[t.index("&") + 1].lower() for t in texts]
    assert len(set(mnemonics)) == len(mnemonics)

    # Enter on the dialog is Cancel: nothing is deleted.
    dialog = open_dialog_from_menu(qtbot, window)
    assert "added by mistake" in dialog.explanation_label.text()
    assert "retention period" in dialog.explanation_label.text()
    assert all(w.accessibleName() for w in (
        dialog, dialog.explanation_label, dialog.reason_label, dialog.reason_combo,
        dialog.error_label, dialog.delete_button, dialog.cancel_button))
    assert not dialog.delete_button.isEnabled()
    assert dialog.cancel_button.isDefault() and not dialog.delete_button.isDefault()
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    assert dialog.reason_combo.currentText() == "Added by mistake"
    assert dialog.delete_button.isEnabled()
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Return)
    assert window.delete_dialog is None and window.isVisible()
    assert reference in controller.main_window.visible_references()

    dialog = open_dialog_from_menu(qtbot, window)
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    assert dialog.reason_combo.currentText() == "A duplicate of another family's record"
    with qtbot.waitSignals([dialog.accepted, controller.caseload_loaded], timeout=10_000):
        qtbot.mouseClick(dialog.delete_button, LEFT)

    assert not window.isVisible() and window.delete_dialog is None
    assert family_id not in controller.family_windows
    assert reference not in controller.main_window.visible_references()
    assert controller.main_window.caseload_model.rowCount() == before - 1
    assert controller.main_window.statusBar().currentMessage() == (
        f"Deleted family {reference} (a duplicate of another family's record). It will be "
        "removed from your colleagues' devices at their next sync.")
    with _store(controller).read() as session:
        row = session.get(FamilyRow, family_id)
        assert row is not None and row.deleted_at is not None
        details = session.exec(select(AuditEventRow.detail).where(
            AuditEventRow.action == "delete", AuditEventRow.entity_id == family_id)).all()
    assert details == ["reason=duplicate"]


def test_only_the_lead_worker_or_a_supervisor_can_delete(qtbot: QtBot,
                                                         controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family(qtbot, controller, mine=False)
    wait_for_permission(qtbot, window)
    assert not window.delete_action.isEnabled()
    assert window.delete_action.toolTip() == NOT_ALLOWED
    assert window.file_menu.toolTipsVisible()
    assert window.open_delete_dialog() is None

    # The same family for a supervisor (the role the server gave at enrolment).
    _store(controller).set_setting(SETTING_ROLE, "supervisor")
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.reload()
    qtbot.waitUntil(window.delete_action.isEnabled, timeout=5000)
    dialog = open_dialog_from_menu(qtbot, window)

    # Locking with the dialog open closes it and deletes nothing.
    reference = window.reference
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        controller.lock()
    assert controller.store is None and window.delete_dialog is None
    controller.runner.wait_until_idle()
    kept = CaseloadStore.unlock(controller.data_dir, "a long test passphrase")
    try:
        with kept.read() as session:
            row = session.exec(select(FamilyRow).where(FamilyRow.reference == reference)).one()
        assert row.deleted_at is None
    finally:
        kept.lock()
