"""Household members edited with their flags, and Web Stars scored per person, as a worker
would: select, Edit member…, tick, Save; choose whose star, score, see that person's chart."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from familyworker.domain.person import PersonFlag
from familyworker.services import families, household
from familyworker.services.family_file import load_family_file
from familyworker.services.new_family import NewFamily, create_family
from familyworker.services.programme import default_framework
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.app_controller import AppController
from familyworker.views.family_window import FamilyWindow
from familyworker.views.household_page import HouseholdPage
from familyworker.views.member_dialog import MemberDialog

from .conftest import unlock

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def the_store(controller: AppController) -> CaseloadStore:
    assert controller.store is not None
    return controller.store


def open_family(qtbot: QtBot, controller: AppController, family_id: str,
                reference: str) -> FamilyWindow:
    window = controller.open_family(family_id, reference)
    assert window is not None
    qtbot.waitUntil(lambda: window.file is not None, timeout=10_000)
    controller.runner.wait_until_idle()
    return window


def adult_only_family(controller: AppController) -> tuple[str, str]:
    """Enough headline needs but no dependent child: eligible only with an expectant parent."""
    store = the_store(controller)
    family = create_family(store, NewFamily(reference="FAM-0900", household_name="The Test "
                                            "household", postcode="LS1 4AB"))
    families.add_person(store, family.id, name="Robin Test", relationship="mum",
                        date_of_birth=date(1995, 4, 2))
    framework = default_framework()
    keys = [c.key for c in framework.criteria][:framework.eligibility.min_needs]
    household.save_needs(store, family.id, [household.NeedChange(k, True) for k in keys])
    return family.id, family.reference


def click_row(qtbot: QtBot, page: HouseholdPage, row: int) -> None:
    table = page.members_table
    rect = table.visualRect(page.members_model.index(row, 0))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())


def open_editor(qtbot: QtBot, page: HouseholdPage, row: int = 0) -> MemberDialog:
    click_row(qtbot, page, row)
    assert page.edit_button.isEnabled()
    qtbot.mouseClick(page.edit_button, LEFT)
    dialog = page.member_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    return dialog


def test_ticking_expectant_parent_saves_its_date_and_makes_the_family_eligible(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    family_id, reference = adult_only_family(controller)
    window = open_family(qtbot, controller, family_id, reference)
    page = window.household_page
    eligibility = page.criteria_panel.eligibility_label
    assert eligibility.text().startswith("Not yet eligible")
    assert "dependent child or expectant parent: ✘ no" in eligibility.text()
    assert page.members_model.index(0, 4).data() == "—"
    assert not page.edit_button.isEnabled()  # nothing selected yet

    dialog = open_editor(qtbot, page)
    assert dialog.name_edit.text() == "Robin Test"
    row = dialog.flag_rows[PersonFlag.EXPECTANT_PARENT]
    assert row.check.text() == "Expectant parent"
    assert not row.since_check.isEnabled() and not row.since_edit.isEnabled()
    qtbot.keyClick(row.check, Qt.Key.Key_Space)
    assert row.since_check.isEnabled() and not row.since_edit.isEnabled()
    qtbot.keyClick(row.since_check, Qt.Key.Key_Space)
    assert row.since_edit.isEnabled()
    since = date.today() - timedelta(days=40)
    row.since_edit.setDate(QDate(since.year, since.month, since.day))
    dialog.relationship_edit.clear()
    qtbot.keyClicks(dialog.relationship_edit, "Mum")
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)

    assert page.member_dialog is None  # closed on saving
    assert page.message_label.text() == "Saved."
    assert eligibility.text().startswith("Eligible for")
    assert "dependent child or expectant parent: ✔ yes" in eligibility.text()
    assert page.members_model.index(0, 4).data() == (
        f"Expectant parent (since {since.day} {since:%b %Y})")
    assert page.members_model.index(0, 1).data() == "Mum"
    (saved,) = load_family_file(the_store(controller), family_id=family_id).members
    assert saved.flags == (PersonFlag.EXPECTANT_PARENT,)
    assert saved.since(PersonFlag.EXPECTANT_PARENT) == since

    # Unticking takes the flag (and the eligibility) away again; Enter on the row edits it.
    click_row(qtbot, page, 0)
    qtbot.keyClick(page.members_table, Qt.Key.Key_Return)
    again = page.member_dialog
    assert again is not None and again.flag_rows[PersonFlag.EXPECTANT_PARENT].check.isChecked()
    qtbot.keyClick(again.flag_rows[PersonFlag.EXPECTANT_PARENT].check, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(again.save_button, LEFT)
    assert eligibility.text().startswith("Not yet eligible")
    (cleared,) = load_family_file(the_store(controller), family_id=family_id).members
    assert cleared.flags == () and cleared.flag_since == ()


def test_a_refused_edit_stays_open_with_the_reason(qtbot: QtBot,
                                                   controller: AppController) -> None:
    unlock(qtbot, controller)
    family_id, reference = adult_only_family(controller)
    window = open_family(qtbot, controller, family_id, reference)
    page = window.household_page
    dialog = open_editor(qtbot, page)
    dialog.name_edit.clear()
    qtbot.keyClick(dialog.flag_rows[PersonFlag.YOUNG_CARER].check, Qt.Key.Key_Space)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.message_label.text() != "", timeout=5000)
    assert "name" in dialog.message_label.text().lower()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    (unchanged,) = load_family_file(the_store(controller), family_id=family_id).members
    assert unchanged.name == "Robin Test" and unchanged.flags == ()
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    qtbot.waitUntil(lambda: page.member_dialog is None, timeout=5000)


def test_an_unsaved_member_edit_survives_a_lock(qtbot: QtBot,
                                                controller: AppController) -> None:
    unlock(qtbot, controller)
    family_id, reference = adult_only_family(controller)
    window = open_family(qtbot, controller, family_id, reference)
    dialog = open_editor(qtbot, window.household_page)
    qtbot.keyClick(dialog.flag_rows[PersonFlag.CHILD_IN_NEED].check, Qt.Key.Key_Space)
    qtbot.keyClicks(dialog.school_edit, "Example College")
    controller.lock()
    controller.runner.wait_until_idle()
    assert controller.store is None
    unlock(qtbot, controller)
    reopened = controller.open_family(family_id, reference)
    assert reopened is not None
    qtbot.waitUntil(lambda: reopened.household_page.member_dialog is not None, timeout=10_000)
    restored = reopened.household_page.member_dialog
    assert restored is not None
    assert restored.flag_rows[PersonFlag.CHILD_IN_NEED].check.isChecked()
    assert restored.school_edit.text() == "Example College"
    assert "Restored" in restored.message_label.text()
    controller.runner.wait_until_idle()
    (person,) = load_family_file(the_store(controller), family_id=family_id).members
    assert person.flags == ()  # kept as a draft, not saved
