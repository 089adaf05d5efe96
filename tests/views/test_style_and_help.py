"""The optional style sheet, and Help › Keyboard shortcuts."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyworker.resources import ui_dir
from familyworker.views.app_controller import AppController
from familyworker.views.shared.shortcuts_dialog import ShortcutsDialog
from familyworker.views.shared.style import apply_style

from .conftest import unlock

pytestmark = pytest.mark.gui


def test_style_sheet_is_applied_and_scales_with_the_system_font(
        controller: AppController) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet = (ui_dir() / "style.qss").read_text(encoding="utf-8")
    assert app.styleSheet() == sheet
    assert "px;" not in sheet.replace("2px solid", "").replace("1px solid", "")\
        .replace("3px", "")  # sizes in em: text follows the system font
    assert "font-size" not in sheet


def test_missing_style_sheet_is_harmless(qtbot: QtBot, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    assert not apply_style(app, tmp_path / "nope.qss")
    assert app.styleSheet() == before


def test_f1_lists_the_shortcuts(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = controller.main_window
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    keys = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert {"Ctrl+F", "Ctrl+Shift+N", "Ctrl+L", "Ctrl+N"} <= set(keys)
    actions = [window.find_action, window.add_family_action, window.lock_action,
               window.import_action, window.quit_action]
    listed = " ".join(keys)
    assert all(a.shortcut().toString() and a.shortcut().toString() in listed for a in actions)
    dialog.reject()


def test_f1_and_ctrl_q_work_in_a_family_window_too(qtbot: QtBot,
                                                   controller: AppController) -> None:
    """Help says they work anywhere; in the family window they used to do nothing."""
    from .test_app_flows import open_first_family

    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    with qtbot.waitSignal(controller.main_window.close_requested, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_the_menus_run_file_view_sync_team_help(controller: AppController) -> None:
    titles = [action.text() for action in controller.main_window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Sync", "&Team", "&Help"]


def test_window_titles_end_with_the_app_name_once(qtbot: QtBot,
                                                  controller: AppController) -> None:
    """Qt appends the display name to a title that does not already end with it: the
    caseload's "FamilyWorker — Caseload" showed as "FamilyWorker — Caseload — FamilyWorker"."""
    from .test_app_flows import open_first_family

    unlock(qtbot, controller)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    name = app.applicationDisplayName()
    family = open_first_family(qtbot, controller)
    for window in (controller.main_window, family):
        title = window.windowTitle()
        assert title.endswith(f" — {name}") and title.count(name) == 1, title
