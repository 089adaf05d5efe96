"""The Outcomes tab driven through its real widgets against a real encrypted caseload."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from tests.views.test_accessibility import (
    accessible_name,
    collisions,
    describe,
    focusable,
    label_texts_for,
)

from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.ids import new_id
from familyworker.services import families, outcomes
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import OutcomeRow
from familyworker.views.family.outcomes_page import OutcomesPage
from familyworker.views.shared.task_runner import TaskRunner

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
NEEDS = ("education", "housing", "health")


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.wait_until_idle()


def _family(store: CaseloadStore) -> str:
    family = families.add_family(store, reference="FAM-0777", household_name="Tab household",
                                 postcode="LS1 4AB", referred_on=date(2024, 1, 1))
    families.change_status(store, family.id, FamilyStatus.OPEN, on=date(2024, 1, 5))
    families.add_person(store, family.id, name="Kid", date_of_birth=date.today()
                        - timedelta(days=3000))
    for key in NEEDS:
        families.add_need(store, family.id, criterion_key=key, identified_on=date(2024, 1, 5))
    return family.id


def _page(qtbot: QtBot, store: CaseloadStore, runner: TaskRunner, family_id: str,
          changed: list[int]) -> OutcomesPage:
    page = OutcomesPage(store, runner, family_id=family_id,
                        on_changed=lambda: changed.append(1))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.shown is not None, timeout=5000)
    return page


def test_hand_recorded_outcomes_are_history_that_decides_nothing(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    """An outcome typed in before the outcome plan (or synced from an older device) is shown
    as history; the plan's progress alone says what is met, and there is no form to add more."""
    family_id = _family(store)
    with store.unit_of_work() as uow:
        uow.add(OutcomeRow(id=new_id(), family_id=family_id, criterion_key="education",
                           achieved_on=date(2024, 3, 1), evidence="Attendance 96% <two terms>"))
    changed: list[int] = []
    page = _page(qtbot, store, runner, family_id, changed)
    assert not page.earlier_label.isHidden()
    text = page.earlier_label.text()
    assert "Recorded by hand before the outcome plan" in text
    assert "Getting a good education, 01 Mar 2024: Attendance 96% &lt;two terms&gt;" in text
    # The same problem is still "not met" by the plan: no readings.
    assert "<b>Getting a good education</b>: ✘ not met" in page.progress_label.text()
    assert page.findChild(QWidget, "record_button") is None
    assert page.findChild(QWidget, "outcomes_table") is None
    assert not any("Needs met" in t for t in _texts_on(page))


def test_no_history_box_without_hand_recorded_outcomes(qtbot: QtBot, store: CaseloadStore,
                                                       runner: TaskRunner) -> None:
    family_id = _family(store)
    page = _page(qtbot, store, runner, family_id, [])
    assert page.earlier_label.isHidden()
    assert page.ready_label.text() == "Nothing is ready to claim yet."
    assert not page.claim_button.isEnabled() and page.review_box.isHidden()


def test_sustainability_review_reopens_the_case(qtbot: QtBot, store: CaseloadStore,
                                                runner: TaskRunner) -> None:
    family_id = _family(store)
    families.close_case(store, family_id, reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=date.today() - timedelta(days=200))
    changed: list[int] = []
    page = _page(qtbot, store, runner, family_id, changed)
    assert not page.review_box.isHidden()
    assert page.review_label.text().startswith("Review due ")
    qtbot.mouseClick(page.reopen_button, LEFT)
    qtbot.waitUntil(lambda: page.shown is not None and page.shown.status is FamilyStatus.OPEN,
                    timeout=5000)
    assert page.review_box.isHidden() and changed == [1]
    assert page.message_label.text() == "Review recorded: the case is open again."
    assert outcomes.sustainability_reviews_due(store, date.today() + timedelta(days=400)) == []


def test_family_window_has_the_outcomes_tab(qtbot: QtBot, store: CaseloadStore,
                                            runner: TaskRunner) -> None:
    from familyworker.views.family.family_window import FamilyWindow

    family_id = _family(store)
    window = FamilyWindow(store, runner, family_id=family_id, reference="FAM-0777")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.outcomes_page.shown is not None, timeout=5000)
    labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "&Outcomes" in labels
    window.tabs.setCurrentWidget(window.outcomes_page)
    assert collisions(window) == []  # the Claims box's Alt+letters clash with nothing
    window.close()


def test_progress_in_words_and_recording_a_reading_in_the_dialog(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    family_id = _family(store)  # education, housing, health identified; no readings
    changed: list[int] = []
    page = _page(qtbot, store, runner, family_id, changed)
    progress = page.progress_label.text()
    assert "<b>Secure housing</b>: ✘ not met. No readings of “Tenancy held for 6 months" \
        in progress
    qtbot.mouseClick(page.reading_button, LEFT)
    dialog = page.reading_dialog
    assert dialog is not None and dialog.isVisible()
    # The same accessibility rules as every other dialog: names and distinct Alt+letters.
    buddies = label_texts_for(dialog)
    assert [describe(w) for w in focusable(dialog) if not accessible_name(w, buddies)] == []
    assert collisions(dialog) == []
    # The family's own problems' measures come first; the plan fills in source and verifier.
    dialog.measure_combo.setCurrentIndex(dialog.measure_combo.findData("tenancy-held"))
    assert dialog.source_edit.text() == "Landlord rent account"
    assert dialog.verified_edit.text() == "Housing officer"
    dialog.end_edit.setDate(QDate(2024, 2, 1))
    qtbot.keyClicks(dialog.value_edit, "yes")
    qtbot.keyClicks(dialog.reference_edit, "Rent account 40721")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, LEFT)
    # Refused: the dialog stays open with the reason, and what was typed is kept.
    qtbot.waitUntil(lambda: "not a number" in dialog.error_label.text(), timeout=5000)
    assert dialog.isVisible() and dialog.reference_edit.text() == "Rent account 40721"
    assert changed == []
    dialog.value_edit.setText("1")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(save, LEFT)
    # Held from 1 February 2024: six months reached on 31 July 2024 only if a later reading
    # confirms it; one confirmation is not yet.
    qtbot.waitUntil(lambda: "◔ not yet (due 31 Jul 2024)" in page.progress_label.text(),
                    timeout=5000)
    assert page.message_label.text() == "Reading recorded." and changed == [1]


def _texts_on(page: OutcomesPage) -> list[str]:
    """Every text a person can read on the tab: labels, box titles, table cells, buttons."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTableWidget

    texts = [w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(page)]
    texts += [w.title() for w in page.findChildren(QGroupBox) if w.isVisibleTo(page)]
    texts += [w.text() for w in page.findChildren(QAbstractButton) if w.isVisibleTo(page)]
    for table in page.findChildren(QTableWidget):
        if not table.isVisibleTo(page):
            continue
        for row in range(table.rowCount()):
            for column in range(table.columnCount()):
                item = table.item(row, column)
                texts.append(item.text() if item is not None else "")
    return texts


def test_demo_family_tab_and_programme_report_tell_one_story(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    """FAM-0021 of the demo: the outcome plan is met. The tab said so at the top and then
    "Needs met: 0 of 3" under the claims, and the programme report followed the second."""
    from familyworker.domain.outcome_progress import ProgressState
    from familyworker.domain.programme_figures import ReportPeriod
    from familyworker.services.case_status import family_id_of
    from familyworker.services.demo import import_demo
    from familyworker.services.outcome_evidence import family_progress
    from familyworker.services.programme_report import build_programme_report

    today = date.today()
    import_demo(store, today=today)
    family_id = family_id_of(store, "FAM-0021")
    progress = family_progress(store, family_id, on=today)
    assert progress.plan_met_on is not None  # the demo's story: met, then claimed
    page = OutcomesPage(store, runner, family_id=family_id)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=5000)

    texts = _texts_on(page)
    assert any("The outcome plan is met" in t for t in texts)
    assert not any("Needs met" in t or "0 of 3" in t for t in texts), texts
    met = [p for p in progress.problems if p.state is ProgressState.MET]
    assert len(met) == 3

    figures = build_programme_report(store, ReportPeriod(today - timedelta(days=365), today),
                                     today=today)
    line = next(line for line in figures.lines if line.reference == "FAM-0021")
    assert line.plan_met_on == progress.plan_met_on
    assert sorted(line.met_problems) == sorted(p.problem for p in met)
    assert line.claim_state == "claimed"
