"""Change status… and Edit details… in the family file, driven as a worker would."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.reports.text import uk_date
from familyworker.services.case_status import review_booked_for
from familyworker.services.family_file import load_family_file
from familyworker.views.app_controller import AppController
from familyworker.views.caseload.caseload_table_model import CaseloadTableModel
from familyworker.views.family.case_panel import DETAILS_KEYS, STATUS_KEYS
from familyworker.views.family.case_status_dialog import CaseStatusDialog
from familyworker.views.family.family_window import FamilyWindow
from familyworker.views.family.household_details_dialog import HouseholdDetailsDialog
from familyworker.views.shared.shortcuts_dialog import SHORTCUTS

from .conftest import unlock

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def open_family_with_status(qtbot: QtBot, controller: AppController,
                            status: FamilyStatus) -> FamilyWindow:
    proxy = controller.main_window.proxy
    index = next(proxy.index(row, 0) for row in range(proxy.rowCount())
                 if proxy.index(row, 0).data(CaseloadTableModel.FamilyRole).status is status)
    table = controller.main_window.family_table
    table.setCurrentIndex(index)
    family_id = index.data(CaseloadTableModel.FamilyRole).id
    qtbot.keyClick(table, Qt.Key.Key_Return)
    window = controller.family_windows[family_id]
    qtbot.waitUntil(lambda: window.file is not None, timeout=5000)
    controller.runner.wait_until_idle()
    return window


def open_status_dialog(qtbot: QtBot, window: FamilyWindow) -> CaseStatusDialog:
    with qtbot.waitSignal(window.case_panel.status_dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(window.case_panel.status_button, LEFT)
    dialog = opened.args[0]
    assert isinstance(dialog, CaseStatusDialog) and dialog.isVisible()
    return dialog


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick an entry by its words with the keyboard, as a person would."""
    combo.setFocus()
    index = combo.findText(text)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    while combo.currentIndex() != index:
        key = Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def save_and_wait(qtbot: QtBot, window: FamilyWindow, dialog: CaseStatusDialog) -> None:
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert window.case_panel.status_dialog is None  # closed and let go


def caseload_status(controller: AppController, family_id: str) -> FamilyStatus:
    model = controller.main_window.caseload_model
    return next(model.index(r, 0).data(CaseloadTableModel.FamilyRole).status
                for r in range(model.rowCount())
                if model.index(r, 0).data(CaseloadTableModel.FamilyRole).id == family_id)


def test_open_step_down_close_and_reopen(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_status(qtbot, controller, FamilyStatus.OPEN)
    today = date.today()

    dialog = open_status_dialog(qtbot, window)
    moves = [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())]
    assert moves == ["Choose…", "Step down", "Step up to children's social care",
                     "Close the case"]
    assert not dialog.save_button.isEnabled()
    choose(qtbot, dialog.target_combo, "Step down")
    assert dialog.to_whom_edit.isVisible() and not dialog.reason_combo.isVisible()
    assert not dialog.why_edit.isVisible()
    assert dialog.date_edit.date().toPython() == today
    # Saving without saying to whom: the problem in words, the dialog stays.
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.error_label.text() == \
        "Say who the case steps down to (for example the school)."
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.to_whom_edit, "School pastoral team")
    assert dialog.error_label.text() == ""
    with qtbot.waitSignal(window.data_changed, timeout=10_000):
        save_and_wait(qtbot, window, dialog)
    header = window.header_label.text()
    assert f"Stepped down to: School pastoral team since {uk_date(today)}" in header

    dialog = open_status_dialog(qtbot, window)
    choose(qtbot, dialog.target_combo, "Close the case")
    assert dialog.reason_combo.isVisible() and dialog.more_edit.isVisible()
    review = uk_date(review_booked_for(today))
    assert dialog.review_label.text() == \
        f"Closing books the 6-month sustainability review for {review}."
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.error_label.text() == "A closed case needs a closure reason."
    choose(qtbot, dialog.reason_combo, ClosureReason.OUTCOMES_ACHIEVED.label)
    save_and_wait(qtbot, window, dialog)
    assert (f"Closed (Outcomes achieved) on {uk_date(today)}; 6-month review due {review}"
            in window.header_label.text())
    qtbot.waitUntil(lambda: caseload_status(controller, window.family_id)
                    is FamilyStatus.CLOSED, timeout=5000)
    assert controller.store is not None
    stored = load_family_file(controller.store, family_id=window.family_id)
    assert stored.sustainability_review_due == review_booked_for(today)

    # A closed case can only reopen; why is asked (optional).
    dialog = open_status_dialog(qtbot, window)
    assert [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())] == \
        ["Choose…", "Reopen the case"]
    choose(qtbot, dialog.target_combo, "Reopen the case")
    assert dialog.why_edit.isVisible() and dialog.review_label.isHidden()
    qtbot.keyClicks(dialog.why_edit, "New concerns from school")
    save_and_wait(qtbot, window, dialog)
    assert (f"Open since {uk_date(today)} (why: New concerns from school)"
            in window.header_label.text())
    qtbot.waitUntil(lambda: caseload_status(controller, window.family_id)
                    is FamilyStatus.OPEN, timeout=5000)


def test_step_up_asks_why(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_status(qtbot, controller, FamilyStatus.OPEN)
    dialog = open_status_dialog(qtbot, window)
    choose(qtbot, dialog.target_combo, "Step up to children's social care")
    assert dialog.why_edit.isVisible() and dialog.why_label.text() == "&Why (needed):"
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.error_label.text() == "A step-up to social care needs the reason."
    qtbot.keyClicks(dialog.why_edit, "Disclosure at school")
    save_and_wait(qtbot, window, dialog)
    assert "Stepped up to social care since" in window.header_label.text()
    assert "(why: Disclosure at school)" in window.header_label.text()


def test_cancel_changes_nothing(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_status(qtbot, controller, FamilyStatus.OPEN)
    before = window.header_label.text()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    # Ctrl+Shift+S opens it from anywhere in the file; Help › Keyboard shortcuts says so.
    assert {STATUS_KEYS, DETAILS_KEYS} <= {keys for _where, keys, _what in SHORTCUTS}
    window.tabs.setCurrentWidget(window.notes_page)
    with qtbot.waitSignal(window.case_panel.status_dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, CaseStatusDialog)
    choose(qtbot, dialog.target_combo, "Step down")
    qtbot.keyClicks(dialog.to_whom_edit, "School")
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    controller.runner.wait_until_idle()
    assert window.header_label.text() == before
    assert window.case_panel.status_dialog is None


def open_details_dialog(qtbot: QtBot, window: FamilyWindow) -> HouseholdDetailsDialog:
    with qtbot.waitSignal(window.case_panel.details_dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(window, Qt.Key.Key_D,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, HouseholdDetailsDialog) and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def test_household_details_edit_persists_and_the_header_shows_safety(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_status(qtbot, controller, FamilyStatus.OPEN)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    panel = window.case_panel
    dialog = open_details_dialog(qtbot, window)
    assert dialog.name_edit.text() == window.file.family.household_name  # type: ignore[union-attr]

    qtbot.mouseClick(dialog.postcode_edit, LEFT)
    dialog.postcode_edit.clear()
    qtbot.keyClicks(dialog.postcode_edit, "ls27 9xy")
    qtbot.keyClick(dialog.postcode_edit, Qt.Key.Key_Tab)  # leaving the box tidies it
    assert dialog.postcode_edit.text() == "LS27 9XY"
    dialog.phone_edit.clear()
    qtbot.keyClicks(dialog.phone_edit, "0113 496 0000")
    dialog.language_edit.clear()
    qtbot.keyClicks(dialog.language_edit, "Polish")
    assert not dialog.interpreter_check.isChecked()
    qtbot.keyClick(dialog.interpreter_check, Qt.Key.Key_Space)
    assert dialog.interpreter_check.isChecked()
    dialog.safety_edit.clear()
    qtbot.keyClicks(dialog.safety_edit, "Dog; ring before visiting")
    dialog.lead_name_edit.clear()
    qtbot.keyClicks(dialog.lead_name_edit, "Sam Okafor")
    qtbot.keyClicks(dialog.lead_agency_edit, "Health visiting")
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert panel.details_dialog is None

    assert panel.safety_label.isVisible()
    assert panel.safety_label.text() == "⚠ Safety: Dog; ring before visiting"
    details = panel.details_label.text()
    assert "0113 496 0000" in details and "Polish (interpreter needed)" in details
    assert "Sam Okafor, Health visiting" in details
    assert controller.store is not None
    family = load_family_file(controller.store, family_id=window.family_id).family
    assert (family.postcode, family.safety_information, family.interpreter_needed) == \
        ("LS27 9XY", "Dog; ring before visiting", True)


def test_a_validation_error_keeps_the_typing(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_status(qtbot, controller, FamilyStatus.OPEN)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    dialog = open_details_dialog(qtbot, window)
    qtbot.keyClicks(dialog.safety_edit, "Do not visit alone")
    dialog.lead_name_edit.clear()
    qtbot.keyClicks(dialog.lead_agency_edit, "School")
    dialog.postcode_edit.clear()
    qtbot.keyClicks(dialog.postcode_edit, "nowhere")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible()
    assert dialog.error_label.text() == \
        "The postcode is not a UK postcode (for example LS1 4AB)."
    assert dialog.safety_edit.toPlainText().endswith("Do not visit alone")
    assert dialog.postcode_edit.text() == "nowhere"  # as typed, to correct
    dialog.postcode_edit.clear()
    qtbot.keyClicks(dialog.postcode_edit, "LS1 4AB")
    assert dialog.error_label.text() == ""
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.error_label.text() == "A lead professional needs a name."
    assert dialog.lead_agency_edit.text() == "School"
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    controller.runner.wait_until_idle()
    assert controller.store is not None
    family = load_family_file(controller.store, family_id=window.family_id).family
    assert "Do not visit alone" not in family.safety_information
