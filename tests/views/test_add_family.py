"""Adding a family from the caseload window, as a worker would."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from familyworker.services.drafts import load_form_draft
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.views.app_controller import AppController
from familyworker.views.caseload.add_family_dialog import AddFamilyDialog
from familyworker.views.caseload.add_family_flow import DRAFT_KEY

from .conftest import TEST_PASSPHRASE, close_down, make_controller, unlock

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_dialog(qtbot: QtBot, controller: AppController) -> AddFamilyDialog:
    qtbot.keyClick(controller.main_window, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = controller.add_family_flow.dialog
    assert dialog is not None and dialog.isVisible()
    controller.runner.wait_until_idle()  # any kept draft has been restored
    return dialog


def save(qtbot: QtBot, controller: AppController, dialog: AddFamilyDialog) -> None:
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: controller.add_family_flow.dialog is None
                    or dialog.save_button.isEnabled(), timeout=10_000)


def test_bad_fields_explained_then_family_saved_and_opened(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    before = controller.main_window.caseload_model.rowCount()
    dialog = open_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.reference_edit, "fam-7001")
    qtbot.keyClicks(dialog.postcode_edit, "nowhere")
    save(qtbot, controller, dialog)
    assert controller.add_family_flow.dialog is dialog  # still open, nothing saved
    assert dialog.error_labels["postcode"].isVisibleTo(dialog)
    assert "not a UK postcode" in dialog.error_labels["postcode"].text()
    assert "household name cannot be empty" in dialog.error_labels["household_name"].text()
    assert not dialog.error_labels["reference"].isVisibleTo(dialog)
    assert "Nothing was saved" in dialog.message_label.text()
    assert dialog.household_edit.hasFocus() or dialog.focusWidget() is dialog.household_edit

    qtbot.keyClicks(dialog.household_edit, "The Example household")
    dialog.postcode_edit.clear()
    qtbot.keyClicks(dialog.postcode_edit, "ls1 4ab")
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findText("Open"))
    dialog.member_box.setChecked(True)
    qtbot.keyClicks(dialog.member_name_edit, "Alex Example")
    qtbot.keyClicks(dialog.member_relationship_edit, "dad")
    with qtbot.waitSignal(controller.caseload_loaded, timeout=10_000):
        save(qtbot, controller, dialog)
    assert controller.add_family_flow.dialog is None
    assert controller.main_window.caseload_model.rowCount() == before + 1
    assert "FAM-7001" in controller.main_window.visible_references()
    window = next(w for w in controller.family_windows.values() if w.reference == "FAM-7001")
    qtbot.waitUntil(lambda: window.file is not None, timeout=5000)
    assert window.file is not None
    assert window.file.family.status.value == "open"
    assert [m.name for m in window.file.members] == ["Alex Example"]


def test_duplicate_reference_is_refused_plainly(qtbot: QtBot,
                                                controller: AppController) -> None:
    unlock(qtbot, controller)
    taken = controller.main_window.caseload_model.rows[0].reference
    before = controller.main_window.caseload_model.rowCount()
    dialog = open_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.reference_edit, taken.lower())
    qtbot.keyClicks(dialog.household_edit, "Another household")
    qtbot.keyClicks(dialog.postcode_edit, "LS1 4AB")
    save(qtbot, controller, dialog)
    assert dialog.error_labels["reference"].text() == \
        f"⚠ The reference {taken} is already in this caseload."
    assert controller.main_window.caseload_model.rowCount() == before
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), LEFT)
    assert controller.add_family_flow.dialog is None


def test_locking_keeps_the_typed_family_as_a_draft(qtbot: QtBot,
                                                   controller: AppController) -> None:
    unlock(qtbot, controller)
    dialog = open_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.reference_edit, "FAM-8800")
    qtbot.keyClicks(dialog.household_edit, "Half-typed household")
    store = controller.store
    assert store is not None
    qtbot.keyClick(dialog.household_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.store is None
    assert controller.add_family_flow.dialog is None
    assert not dialog.isVisible()
    controller.runner.wait_until_idle()
    kept = CaseloadStore.unlock(controller.data_dir, TEST_PASSPHRASE)
    try:
        payload = load_form_draft(kept, DRAFT_KEY)
    finally:
        kept.lock()
    assert payload is not None and payload["household_name"] == "Half-typed household"

    dialog_again_before = controller.main_window.caseload_model.rowCount()
    qtbot.keyClicks(controller.unlock_dialog.passphrase_edit, TEST_PASSPHRASE)
    with qtbot.waitSignal(controller.caseload_loaded, timeout=10_000):
        qtbot.keyClick(controller.unlock_dialog.passphrase_edit, Qt.Key.Key_Return)
    assert controller.main_window.caseload_model.rowCount() > dialog_again_before
    again = open_dialog(qtbot, controller)
    assert again.reference_edit.text() == "FAM-8800"
    assert again.household_edit.text() == "Half-typed household"
    assert "Restored" in again.message_label.text()


def test_empty_caseload_offers_add_family(qtbot: QtBot, tmp_path: Path,
                                          settings: QSettings) -> None:
    data_dir = tmp_path / "empty"
    CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    made = make_controller(qtbot, data_dir, settings)
    unlock(qtbot, made)
    window = made.main_window
    assert window.stack.currentWidget() is window.empty_label
    assert "add a family" in window.empty_label.text()
    window.empty_label.linkActivated.emit("add-family")
    assert made.add_family_flow.dialog is not None
    made.add_family_flow.dialog.reject()
    qtbot.mouseClick(window.add_family_button, LEFT)
    dialog = made.add_family_flow.dialog
    assert dialog is not None
    assert all(w.accessibleName() for w in (
        dialog.reference_edit, dialog.household_edit, dialog.address_edit,
        dialog.postcode_edit, dialog.status_combo, dialog.member_name_edit,
        dialog.member_relationship_edit, dialog.member_dob_edit, dialog.save_button))
    dialog.reject()
    close_down(made)
