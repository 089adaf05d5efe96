"""The Household tab: agencies and programme criteria edited as a worker would."""

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from familyworker.services.family_file import load_family_file
from familyworker.services.programme import default_framework
from familyworker.views.app_controller import AppController
from familyworker.views.family.family_window import FamilyWindow

from .conftest import unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def click_and_reload(qtbot: QtBot, window: FamilyWindow, button: object) -> None:
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(button, LEFT)  # type: ignore[arg-type]


def test_add_then_end_an_agency(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    panel = window.household_page.agencies_panel
    before = panel.model.rowCount()
    qtbot.keyClicks(panel.agency_edit, "Example Primary School")
    qtbot.keyClicks(panel.contact_edit, "Head of year, 0113 000 0000")
    qtbot.keyClicks(panel.role_edit, "Attendance support")
    qtbot.mouseClick(panel.from_check, LEFT)
    panel.from_edit.setDate(QDate(2026, 9, 1))
    click_and_reload(qtbot, window, panel.add_button)
    assert panel.model.rowCount() == before + 1
    assert panel.message_label.text() == "Agency saved."
    assert panel.agency_edit.text() == ""
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.row_at(r).agency == "Example Primary School")
    added = panel.model.row_at(row)
    assert (added.contact, added.role, str(added.from_date)) == (
        "Head of year, 0113 000 0000", "Attendance support", "2026-09-01")
    assert panel.model.index(row, 5).data() == "involved"

    panel.table.setCurrentIndex(panel.model.index(row, 0))
    assert panel.agency_edit.text() == "Example Primary School"
    assert panel.update_button.isEnabled()
    qtbot.mouseClick(panel.to_check, LEFT)
    panel.to_edit.setDate(QDate(2026, 10, 1))
    click_and_reload(qtbot, window, panel.update_button)
    store = controller.store
    assert store is not None
    saved = next(a for a in load_family_file(store, family_id=window.family_id).agencies
                 if a.agency == "Example Primary School")
    assert str(saved.to_date) == "2026-10-01"
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.row_at(r).agency == "Example Primary School")
    assert panel.model.index(row, 5).data() == "ended"


def test_agency_errors_are_plain_and_nothing_is_added(qtbot: QtBot,
                                                      controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    panel = window.household_page.agencies_panel
    before = panel.model.rowCount()
    qtbot.keyClicks(panel.contact_edit, "someone")
    qtbot.mouseClick(panel.add_button, LEFT)
    qtbot.waitUntil(lambda: panel.message_label.text() != "", timeout=5000)
    assert panel.message_label.text() == "The agency cannot be empty."
    qtbot.keyClicks(panel.agency_edit, "Housing")
    qtbot.mouseClick(panel.from_check, LEFT)
    qtbot.mouseClick(panel.to_check, LEFT)
    panel.from_edit.setDate(QDate(2026, 5, 1))
    panel.to_edit.setDate(QDate(2026, 4, 1))
    panel.message_label.clear()
    qtbot.mouseClick(panel.add_button, LEFT)
    qtbot.waitUntil(lambda: panel.message_label.text() != "", timeout=5000)
    assert "cannot end before it starts" in panel.message_label.text()
    controller.runner.wait_until_idle()
    assert panel.model.rowCount() == before
    assert panel.agency_edit.text() == "Housing"  # the typing is kept to fix


def test_tick_criteria_with_evidence_and_see_eligibility(qtbot: QtBot,
                                                         controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    panel = window.household_page.criteria_panel
    framework = default_framework()
    assert window.file is not None
    recorded = {n.criterion_key for n in window.file.needs}
    new_key = next(c.key for c in framework.criteria if c.key not in recorded)
    row = panel.rows[new_key]
    assert not row.evidence.isEnabled()
    qtbot.keyClick(row.check, Qt.Key.Key_Space)  # as a keyboard user ticks it
    assert row.evidence.isEnabled()
    qtbot.keyClicks(row.evidence, "Rent arrears letter seen at visit")
    row.identified.setDate(QDate(2026, 1, 15))
    removed = next(iter(recorded)) if recorded else None
    if removed is not None:
        qtbot.keyClick(panel.rows[removed].check, Qt.Key.Key_Space)
        assert not panel.rows[removed].check.isChecked()
    click_and_reload(qtbot, window, panel.save_button)
    assert panel.message_label.text() == "Criteria saved."
    store = controller.store
    assert store is not None
    needs = {n.criterion_key: n for n in load_family_file(
        store, family_id=window.family_id).needs}
    assert needs[new_key].evidence == "Rent arrears letter seen at visit"
    assert str(needs[new_key].identified_on) == "2026-01-15"
    assert removed is None or removed not in needs
    assert panel.rows[new_key].check.isChecked()
    text = panel.eligibility_label.text()
    assert f"{len(needs)} headline need" in text
    assert ("Eligible for" in text) or ("Not yet eligible" in text)
    assert "✔" in text or "✘" in text
    assert "Criteria:" in window.header_label.text()
    click_and_reload(qtbot, window, panel.save_button)
    assert panel.message_label.text() == "Nothing had changed."


def test_household_controls_are_named(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.household_page
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QLineEdit
    controls = [w for kind in (QLineEdit, QAbstractButton, QAbstractSpinBox)
                for w in page.findChildren(kind)
                if w.isVisibleTo(page) and not w.objectName().startswith("qt_")]  # Qt's parts
    assert controls and all(w.accessibleName() for w in controls), \
        [w.objectName() for w in controls if not w.accessibleName()]


def test_half_typed_household_forms_survive_a_lock(qtbot: QtBot,
                                                   controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    family_id, reference = window.family_id, window.reference
    page = window.household_page
    qtbot.keyClicks(page.name_edit, "New baby")
    qtbot.keyClicks(page.agencies_panel.agency_edit, "Health visiting")
    assert window.file is not None
    recorded = {n.criterion_key for n in window.file.needs}
    key = next(c.key for c in default_framework().criteria if c.key not in recorded)
    qtbot.keyClick(page.criteria_panel.rows[key].check, Qt.Key.Key_Space)
    qtbot.keyClicks(page.criteria_panel.rows[key].evidence, "Seen at the visit")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    controller.runner.wait_until_idle()
    assert controller.store is None
    unlock(qtbot, controller)
    reopened = controller.open_family(family_id, reference)
    assert reopened is not None
    qtbot.waitUntil(lambda: reopened.household_page.name_edit.text() == "New baby",
                    timeout=10_000)
    restored = reopened.household_page
    assert restored.agencies_panel.agency_edit.text() == "Health visiting"
    assert restored.criteria_panel.rows[key].check.isChecked()
    assert restored.criteria_panel.rows[key].evidence.text() == "Seen at the visit"
    assert "Restored" in restored.message_label.text()
    controller.runner.wait_until_idle()
    store = controller.store
    assert store is not None
    from familyworker.services.drafts import load_form_draft
    assert load_form_draft(store, f"household:{family_id}") is None  # back in the form only


def test_selecting_without_changing_keeps_no_draft(qtbot: QtBot,
                                                   controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.household_page
    page.members_table.setCurrentIndex(page.members_model.index(0, 0))
    qtbot.mouseClick(page.edit_button, LEFT)
    dialog = page.member_dialog
    assert dialog is not None and dialog.name_edit.text() != ""
    assert page.draft_payload() is None
    qtbot.keyClicks(dialog.school_edit, " (changed)")
    payload = page.draft_payload()
    assert payload is not None
    assert payload["edit_member"]["editing_id"] == page.members_model.row_at(0).id
