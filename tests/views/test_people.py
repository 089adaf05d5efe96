"""Household members edited with their flags, and Web Stars scored per person, as a worker
would: select, Edit member…, tick, Save; choose whose star, score, see that person's chart."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from familyworker.domain.person import PersonFlag
from familyworker.services import families, household, stars
from familyworker.services.family_file import load_family_file
from familyworker.services.new_family import NewFamily, create_family
from familyworker.services.programme import default_framework, default_star_template
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.app_controller import AppController
from familyworker.views.family.family_window import FamilyWindow
from familyworker.views.family.household_page import HouseholdPage
from familyworker.views.family.member_dialog import MemberDialog

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


def family_with_stars(controller: AppController) -> tuple[str, str, str]:
    """Two whole-family stars; Robin has none of their own yet."""
    family_id, reference = adult_only_family(controller)
    store = the_store(controller)
    keys = default_star_template().domain_keys()
    for value, days_ago in ((3, 90), (5, 30)):
        stars.score_star(store, family_id=family_id, scores=dict.fromkeys(keys, value),
                         assessed_on=date.today() - timedelta(days=days_ago))
    families.add_person(store, family_id, name="Alex Test", date_of_birth=date(2012, 3, 4))
    robin = next(p for p in load_family_file(store, family_id=family_id).members
                 if p.name == "Robin Test")
    return family_id, reference, robin.id


def score_every_domain(qtbot: QtBot, window: FamilyWindow, score: int) -> None:
    page = window.star_page
    for position in range(len(page.template.domains)):
        assert page.position == position
        qtbot.mouseClick(page.score_buttons[score - 1], LEFT)
        if position < len(page.template.domains) - 1:
            qtbot.mouseClick(page.next_button, LEFT)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(page.save_button, LEFT)


def people_rows(window: FamilyWindow) -> list[list[str]]:
    model = window.star_page.people_model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_a_star_for_one_member_shows_only_their_stars(qtbot: QtBot,
                                                      controller: AppController) -> None:
    unlock(qtbot, controller)
    family_id, reference, robin_id = family_with_stars(controller)
    window = open_family(qtbot, controller, family_id, reference)
    page = window.star_page
    window.tabs.setCurrentWidget(page)
    combo = page.subject_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Whole family (2 stars)", "Robin Test (0 stars)", "Alex Test (0 stars)"]
    assert page.person_id() is None and page.compare_list.count() == 2
    assert len(page.chart.series()) == 2
    assert page.scoring_box.title() == "Score a new star with the family"
    assert page.last_time_label.text().startswith("Last time: 5 (")
    assert people_rows(window)[1][1:] == ["0", "no stars yet", "—", "—"]

    qtbot.keyClick(combo, Qt.Key.Key_Down)  # Whose star: Robin Test
    assert page.person_id() == robin_id
    assert page.compare_list.count() == 0 and page.chart.series() == []
    assert page.distance_model.rowCount() == 0
    assert page.distance_label.text() == (
        "Distance travelled: no star for Robin Test yet; score one on the right")
    assert page.scoring_box.title() == "Score a new star for Robin Test"
    assert page.last_time_label.text() == ""  # Robin has no last time

    score_every_domain(qtbot, window, 2)
    assert page.person_id() == robin_id  # still Robin's view after the reload
    assert page.compare_list.count() == 1
    assert [s.scores for s in page.chart.series()] == [(2,) * len(page.template.domains)]
    score_every_domain(qtbot, window, 6)
    assert page.compare_list.count() == 2
    assert [s.scores[0] for s in page.chart.series()] == [2, 6]
    assert {page.distance_model.index(r, 3).data()
            for r in range(page.distance_model.rowCount())} == {"▲ +4"}
    robin_row = people_rows(window)[1]
    assert robin_row[:2] == ["Robin Test", "2"] and robin_row[4] == "▲ +4.0"
    assert people_rows(window)[0][1] == "2" and people_rows(window)[0][4] == "▲ +2.0"

    saved = load_family_file(the_store(controller), family_id=family_id).stars
    assert sorted((s.person_id is None, s.as_mapping()[page.template.domains[0].key])
                  for s in saved) == [(False, 2), (False, 6), (True, 3), (True, 5)]
    assert {s.person_id for s in saved if s.person_id} == {robin_id}

    # The whole family's chart and table are as they were.
    combo.setCurrentIndex(0)
    assert page.compare_list.count() == 2
    assert [s.scores[0] for s in page.chart.series()] == [3, 5]
    assert {page.distance_model.index(r, 3).data()
            for r in range(page.distance_model.rowCount())} == {"▲ +2"}
    assert combo.itemText(1) == "Robin Test (2 stars)"


def test_whose_star_is_kept_with_a_half_scored_star(qtbot: QtBot,
                                                    controller: AppController) -> None:
    unlock(qtbot, controller)
    family_id, reference, robin_id = family_with_stars(controller)
    window = open_family(qtbot, controller, family_id, reference)
    page = window.star_page
    page.subject_combo.setCurrentIndex(page.subject_combo.findData(robin_id))
    qtbot.mouseClick(page.score_buttons[6], LEFT)
    controller.lock()
    controller.runner.wait_until_idle()
    unlock(qtbot, controller)
    reopened = controller.open_family(family_id, reference)
    assert reopened is not None
    qtbot.waitUntil(lambda: reopened.star_page.draft_payload() is not None, timeout=10_000)
    assert reopened.star_page.person_id() == robin_id
    assert reopened.star_page.scoring_box.title() == "Score a new star for Robin Test"
