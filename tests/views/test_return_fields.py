"""Sex (Edit member…) and intervention level (Edit details…, Ctrl+Shift+D), the two things
the quarterly return counts that a worker records, driven through the real dialogs."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyworker.domain.family import FamilyStatus, InterventionLevel
from familyworker.domain.person import Sex
from familyworker.services import families
from familyworker.services.family_file import load_family_file
from familyworker.services.new_family import NewFamily, create_family
from familyworker.views.app_controller import AppController

from .conftest import unlock
from .test_case_status import choose, open_details_dialog, open_family_with_status
from .test_people import open_editor, open_family, the_store

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def test_a_members_sex_is_chosen_saved_and_shown_again(qtbot: QtBot,
                                                        controller: AppController) -> None:
    unlock(qtbot, controller)
    store = the_store(controller)
    family = create_family(store, NewFamily(reference="FAM-0901", household_name="The Sex "
                                            "test household", postcode="LS1 4AB"))
    families.add_person(store, family.id, name="Robin Test", date_of_birth=date(1995, 4, 2))
    window = open_family(qtbot, controller, family.id, family.reference)
    page = window.household_page
    dialog = open_editor(qtbot, page)
    combo = dialog.sex_combo
    assert combo.currentText() == "Not recorded"
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Not recorded", "Female", "Male", "Other", "Not known"]
    assert not dialog.is_changed()
    choose(qtbot, combo, "Female")
    assert dialog.is_changed()
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    (saved,) = load_family_file(store, family_id=family.id).members
    assert saved.sex is Sex.FEMALE

    again = open_editor(qtbot, page)
    assert again.sex_combo.currentText() == "Female"
    choose(qtbot, again.sex_combo, "Not recorded")
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(again.save_button, LEFT)
    (cleared,) = load_family_file(store, family_id=family.id).members
    assert cleared.sex is None


def test_a_draft_keeps_the_chosen_sex(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    store = the_store(controller)
    family = create_family(store, NewFamily(reference="FAM-0902", household_name="Draft test",
                                            postcode="LS1 4AB"))
    families.add_person(store, family.id, name="Sam Test")
    window = open_family(qtbot, controller, family.id, family.reference)
    dialog = open_editor(qtbot, window.household_page)
    choose(qtbot, dialog.sex_combo, "Male")
    payload = dialog.draft_payload()
    assert payload["sex"] == "male"
    choose(qtbot, dialog.sex_combo, "Not recorded")
    dialog.restore_draft(payload)
    assert dialog.sex_combo.currentText() == "Male"
    dialog.restore_draft({**payload, "sex": "tampered"})
    assert dialog.sex_combo.currentText() == "Not recorded"


def test_the_intervention_level_is_chosen_in_edit_details(qtbot: QtBot,
                                                          controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_status(qtbot, controller, FamilyStatus.OPEN)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    assert controller.store is not None
    before = load_family_file(controller.store, family_id=window.family_id).family
    dialog = open_details_dialog(qtbot, window)
    combo = dialog.level_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Not assessed yet", "High", "Medium", "Low"]
    assert combo.currentText() == (before.intervention_level.label
                                   if before.intervention_level else "Not assessed yet")
    target = "Low" if before.intervention_level is not InterventionLevel.LOW else "High"
    choose(qtbot, combo, target)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    after = load_family_file(controller.store, family_id=window.family_id).family
    assert after.intervention_level is InterventionLevel(target.lower())
    assert after.household_name == before.household_name  # nothing else changed

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    reopened = open_details_dialog(qtbot, window)
    assert reopened.level_combo.currentText() == target
    choose(qtbot, reopened.level_combo, "Not assessed yet")
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(reopened.save_button, LEFT)
    cleared = load_family_file(controller.store, family_id=window.family_id).family
    assert cleared.intervention_level is None
