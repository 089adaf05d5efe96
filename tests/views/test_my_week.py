"""My week, the Tasks tab and Book visit…, driven as a person would (offscreen)."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from pytestqt.qtbot import QtBot

from familyworker.services.my_week import WeekItem, WeekItemKind
from familyworker.views.app_controller import AppController
from familyworker.views.family.book_visit_dialog import BookVisitDialog
from familyworker.views.family.family_window import FamilyWindow

from .conftest import unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui


def _week_items(controller: AppController) -> list[WeekItem]:
    return controller.my_week.page.model.items_shown()


def _unlocked_with_week(qtbot: QtBot, controller: AppController) -> None:
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000):
        unlock(qtbot, controller)
    controller.runner.wait_until_idle()


def test_my_week_is_shown_first_and_view_menu_switches(qtbot: QtBot,
                                                       controller: AppController) -> None:
    _unlocked_with_week(qtbot, controller)
    main = controller.main_window
    page = controller.my_week.page
    assert main.pages.currentWidget() is page
    assert _week_items(controller), "the demo caseload has something due"
    assert "My week" in page.summary_label.text()
    assert page.offline_label.text().startswith("Before you go offline:")
    # Overdue items are listed under today, before anything else.
    items = _week_items(controller)
    late = [i for i in items if i.overdue]
    assert all(i.day == date.today() for i in late)
    assert items[:len(late)] == late
    controller.my_week.caseload_action.trigger()
    assert main.pages.currentWidget() is main.caseload_page
    controller.my_week.my_week_action.trigger()
    assert main.pages.currentWidget() is page


def _add_task(qtbot: QtBot, controller: AppController, window: FamilyWindow, text: str,
              due: date) -> None:
    window.show_tasks()
    page = window.tasks_page
    assert window.tabs.currentWidget() is page
    qtbot.keyClicks(page.text_edit, text)
    page.due_edit.setDate(QDate(due.year, due.month, due.day))
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    controller.runner.wait_until_idle()


def test_a_task_added_in_the_family_file_appears_in_my_week(qtbot: QtBot,
                                                            controller: AppController) -> None:
    _unlocked_with_week(qtbot, controller)
    window = open_first_family(qtbot, controller)
    tomorrow = date.today() + timedelta(days=1)
    _add_task(qtbot, controller, window, "Ring the school about attendance", tomorrow)
    page = window.tasks_page
    assert page.message_label.text() == "Task added."
    assert page.text_edit.text() == ""
    texts = [page.task_list.item(r).text() for r in range(page.task_list.count())]
    assert any(t.startswith("Ring the school about attendance — due") for t in texts)
    [item] = [i for i in _week_items(controller)
              if i.text == "Ring the school about attendance"]
    assert (item.kind, item.day, item.reference) == (WeekItemKind.TASK, tomorrow,
                                                     window.reference)
    # Ticked done, it leaves My week.
    row = next(r for r in range(page.task_list.count())
               if page.task_list.item(r).text().startswith("Ring the school"))
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000):
        page.task_list.item(row).setCheckState(Qt.CheckState.Checked)
    controller.runner.wait_until_idle()
    assert not [i for i in _week_items(controller) if i.text.startswith("Ring the school")]
    assert page.message_label.text() == "Marked done."


def test_booking_a_visit_shows_in_the_header_and_my_week(qtbot: QtBot,
                                                         controller: AppController) -> None:
    _unlocked_with_week(qtbot, controller)
    window = open_first_family(qtbot, controller)
    bar = window.visit_bar
    with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(bar.book_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert isinstance(dialog, BookVisitDialog)
    day = date.today() + timedelta(days=2)
    dialog.date_edit.setDate(QDate(day.year, day.month, day.day))
    dialog.time_edit.setTime(QTime(14, 30))
    dialog.where_edit.selectAll()  # the demo's booking is filled in: typed over
    qtbot.keyClicks(dialog.where_edit, "Children's centre")
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.book_button, Qt.MouseButton.LeftButton)
    controller.runner.wait_until_idle()
    assert bar.visit_label.text() == (
        f"Next visit: booked for {day:%a %d %b %Y} at 14:30, Children's centre")
    assert bar.cancel_button.isVisible()
    [visit] = [i for i in _week_items(controller)
               if i.reference == window.reference and i.kind is WeekItemKind.VISIT]
    assert (visit.day, visit.text) == (day, "Visit booked 14:30, Children's centre")
    with qtbot.waitSignal(controller.my_week.loaded, timeout=10_000):
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    controller.runner.wait_until_idle()
    assert bar.visit_label.text() == "Next visit: not booked"


def test_a_day_that_has_passed_cannot_be_chosen(qtbot: QtBot) -> None:
    dialog = BookVisitDialog("FAM-0001", today=date(2026, 3, 2))
    qtbot.addWidget(dialog)
    dialog.set_day(date(2026, 3, 1))
    assert dialog.chosen().date() == date(2026, 3, 2)


def test_enter_on_a_my_week_item_opens_the_family_at_its_tab(qtbot: QtBot,
                                                             controller: AppController) -> None:
    _unlocked_with_week(qtbot, controller)
    window = open_first_family(qtbot, controller)
    _add_task(qtbot, controller, window, "Send the referral form", date.today())
    window.close()
    controller.runner.wait_until_idle()
    page = controller.my_week.page
    controller.my_week.my_week_action.trigger()
    tree, model = page.tree, page.model
    target = None
    for row in range(model.rowCount()):
        heading = model.index(row, 0)
        for child in range(model.rowCount(heading)):
            index = model.index(child, 0, heading)
            item = model.item_at(index)
            if item is not None and item.text == "Send the referral form":
                target = index
    assert target is not None
    tree.setCurrentIndex(target)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    item = model.item_at(target)
    assert item is not None
    opened = controller.family_windows[item.family_id]
    qtbot.waitUntil(lambda: opened.file is not None, timeout=5000)
    controller.runner.wait_until_idle()
    assert opened.tabs.currentWidget() is opened.tasks_page


def test_locking_clears_my_week(qtbot: QtBot, controller: AppController) -> None:
    _unlocked_with_week(qtbot, controller)
    controller.lock()
    controller.runner.wait_until_idle()
    assert controller.my_week.page.model.rowCount() == 0
    assert controller.my_week.page.offline_label.text() == ""


def test_a_supervisor_sets_a_task_for_a_worker_of_the_team(qtbot: QtBot,
                                                           controller: AppController) -> None:
    from familyworker.services import tasks
    from familyworker.store.caseload_store import SETTING_ROLE

    _unlocked_with_week(qtbot, controller)
    store = controller.store
    assert store is not None
    store.set_setting(SETTING_ROLE, "supervisor")  # as enrolment records a supervisor's role
    window = open_first_family(qtbot, controller)
    window.show_tasks()
    page = window.tasks_page
    qtbot.waitUntil(lambda: page.assignee_combo.isVisible(), timeout=5000)
    assert page.assignee_combo.itemText(0) == "Me"
    colleague = page.assignee_combo.itemText(1)
    page.assignee_combo.setCurrentIndex(1)
    worker_id = page.assignee_combo.currentData()
    qtbot.keyClicks(page.text_edit, "Ask school for the attendance figures")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    controller.runner.wait_until_idle()
    [task] = [t for t in tasks.family_tasks(store, window.family_id)
              if t.text == "Ask school for the attendance figures"]
    assert task.assigned_to == worker_id and task.created_by == store.worker_id
    texts = [page.task_list.item(r).text() for r in range(page.task_list.count())]
    assert any(t.startswith("Ask school") and t.endswith(f"· for {colleague}") for t in texts)
    assert not [i for i in _week_items(controller) if i.text.startswith("Ask school")]


def test_a_worker_has_no_chooser(qtbot: QtBot, controller: AppController) -> None:
    _unlocked_with_week(qtbot, controller)
    window = open_first_family(qtbot, controller)
    window.show_tasks()
    controller.runner.wait_until_idle()  # the tab has loaded (and would have filled a chooser)
    assert window.tasks_page.shown is not None
    assert not window.tasks_page.assignee_combo.isVisible()


def test_a_tasks_load_finishing_after_the_lock_shows_nothing(qtbot: QtBot,
                                                             controller: AppController) -> None:
    # The load runs off the GUI thread; if the app locks before it lands, its result must not
    # reach for the worker's id behind the lock (it raised "caseload is locked").
    _unlocked_with_week(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.tasks_page
    store = controller.store
    assert store is not None
    shown_before = list(page.shown)
    store.lock()
    page._loaded(([], None))
    assert page.shown == shown_before
