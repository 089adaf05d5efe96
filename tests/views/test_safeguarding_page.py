"""The Safeguarding tab, driven as a person would (offscreen): Ctrl+Shift+G raises a concern,
it shows in the tab awaiting decision and tops My week; Record decision… sets its state."""

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from familyworker.domain.person import PersonFlag
from familyworker.domain.safeguarding import Concern, ConcernOutcome, Decision, history_of
from familyworker.services.my_week import WeekItemKind
from familyworker.services.team_review import (
    Attention,
    AttentionItem,
    TeamOverview,
    Thresholds,
)
from familyworker.views.app_controller import AppController
from familyworker.views.family.concern_dialog import ConcernDialog, DecisionDialog
from familyworker.views.team.team_view import TeamWindow

from .conftest import unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui


def test_a_concern_raised_by_shortcut_shows_in_the_tab_and_tops_my_week(
        qtbot: QtBot, controller: AppController) -> None:
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000):
        unlock(qtbot, controller)
    controller.runner.wait_until_idle()
    window = open_first_family(qtbot, controller)
    page = window.safeguarding_page
    assert page.empty_label.text().startswith("No safeguarding concerns")
    window.activateWindow()
    with qtbot.waitSignal(page.dialog_opened, timeout=5_000) as opened:
        qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, ConcernDialog)
    assert window.tabs.currentWidget() is page
    child = window.file.members[0]  # type: ignore[union-attr]
    dialog.about_combo.setCurrentIndex(dialog.about_combo.findData(child.id))
    qtbot.keyClicks(dialog.seen_edit, "Said they were left alone overnight")
    qtbot.keyClicks(dialog.action_edit, "Told the designated lead by phone")
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000), \
            qtbot.waitSignal(page.loaded, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    controller.runner.wait_until_idle()
    assert not dialog.isVisible()
    assert page.message_label.text() == "Concern raised: it is awaiting a decision."
    assert page.concern_list.count() == 1
    line = page.concern_list.item(0).text()
    assert f"about {child.name}" in line and line.endswith("Awaiting decision")
    assert "left alone overnight" in page.detail.toPlainText()
    first = controller.my_week.page.model.items_shown()[0]
    assert (first.kind, first.reference, first.day) == (WeekItemKind.CONCERN,
                                                        window.reference, date.today())
    # My week's item opens the family at its Safeguarding tab.
    window.tabs.setCurrentWidget(window.household_page)
    controller.my_week.page.family_requested.emit(first.family_id, first.reference, first.tab)
    assert window.tabs.currentWidget() is page

    # Record decision…: a referral with an outcome; the child's flag follows.
    decision = page.open_decision_dialog()
    assert isinstance(decision, DecisionDialog)
    decision.decision_combo.setCurrentIndex(
        decision.decision_combo.findData(Decision.REFERRAL_TO_SOCIAL_CARE.value))
    qtbot.keyClicks(decision.referral_to_edit, "MASH")
    decision.outcome_combo.setCurrentIndex(
        decision.outcome_combo.findData(ConcernOutcome.CHILD_IN_NEED.value))
    assert decision.flag_label.text() == "Saving sets the child's flag: Child in need."
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        decision.buttons.button(decision.buttons.StandardButton.Save).click()
    controller.runner.wait_until_idle()
    assert page.concern_list.item(0).text().endswith(
        "Referral to children's social care (MASH) — Child in need")
    member = next(m for m in window.file.members if m.id == child.id)  # type: ignore[union-attr]
    assert PersonFlag.CHILD_IN_NEED in member.flags
    assert WeekItemKind.CONCERN not in {
        i.kind for i in controller.my_week.page.model.items_shown()}


def test_the_dialogs_stay_open_and_say_what_is_missing(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    dialog = window.safeguarding_page.open_raise_dialog()
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.error_label.text() == "Write what was seen or heard first."
    assert dialog.isVisible()
    dialog.reject()
    concern = Concern(id="c1", family_id="f1", raised_at=datetime.now(UTC),
                      seen_or_heard="Worried")
    decision = DecisionDialog("FAM-0001", history_of(concern, []))
    qtbot.addWidget(decision)
    decision.show()
    assert not decision.referral_to_edit.isEnabled()
    decision.decision_combo.setCurrentIndex(
        decision.decision_combo.findData(Decision.REFERRAL_TO_SOCIAL_CARE.value))
    assert decision.referral_to_edit.isEnabled()
    decision.buttons.button(decision.buttons.StandardButton.Save).click()
    assert decision.error_label.text().startswith("Say who the referral went to")
    assert decision.isVisible() and decision.flag_label.text() == ""


def test_concerns_are_the_team_views_first_list(qtbot: QtBot) -> None:
    window = TeamWindow()
    qtbot.addWidget(window)
    item = AttentionItem(Attention.CONCERN, "f1", "FAM-0001", "The Example family",
                         "Kerry Ashdown", date(2024, 6, 1), "raised 2 days ago, awaiting decision")
    window.set_overview(TeamOverview(today=date(2024, 6, 3), thresholds=Thresholds(),
                                     workers=(), items={Attention.CONCERN: (item,)}))
    assert window.tabs.widget(1) is window.attention_tabs[Attention.CONCERN]
    assert window.tabs.tabText(1) == "Concerns (1)"
    assert window.attention_models[Attention.CONCERN].rowCount() == 1
