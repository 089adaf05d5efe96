"""Copying from the app marks the clipboard private and clears it later, or on lock (C1)."""

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QClipboard, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from familyworker.views.app_controller import AppController
from familyworker.views.shared.clipboard_guard import (
    KDE_HINT_FORMAT,
    WINDOWS_CLOUD_FORMAT,
    WINDOWS_EXCLUDE_FORMAT,
    WINDOWS_HISTORY_FORMAT,
    ClipboardGuard,
)

from .conftest import unlock

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def one_guard_only() -> None:
    """Controllers from earlier tests live on under the QApplication; only one app runs."""
    app = QApplication.instance()
    assert app is not None
    for guard in app.findChildren(ClipboardGuard):
        guard.detach()


@pytest.fixture
def clipboard() -> QClipboard:
    board = QGuiApplication.clipboard()
    board.clear()
    return board


@pytest.fixture
def field(qtbot: QtBot) -> QLineEdit:
    edit = QLineEdit("Jordan Example, 12 Any Street")
    qtbot.addWidget(edit)
    edit.show()
    edit.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None, timeout=3000)
    return edit


def copy_all(qtbot: QtBot, edit: QLineEdit) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keySequence(edit, QKeySequence.StandardKey.Copy)


def test_copy_is_marked_private_and_cleared_after_timeout(
        qtbot: QtBot, clipboard: QClipboard, field: QLineEdit) -> None:
    guard = ClipboardGuard(clipboard, clear_after_ms=200)
    with qtbot.waitSignal(guard.marked, timeout=2000):
        copy_all(qtbot, field)
    data = clipboard.mimeData()
    assert data is not None
    assert data.text() == "Jordan Example, 12 Any Street"
    assert bytes(data.data(KDE_HINT_FORMAT).data()) == b"secret"
    assert data.hasFormat(WINDOWS_EXCLUDE_FORMAT)
    assert bytes(data.data(WINDOWS_HISTORY_FORMAT).data()) == b"\0\0\0\0"
    assert bytes(data.data(WINDOWS_CLOUD_FORMAT).data()) == b"\0\0\0\0"
    with qtbot.waitSignal(guard.cleared, timeout=2000):
        pass
    assert clipboard.text() == ""


def test_later_copy_by_the_person_is_not_cleared(
        qtbot: QtBot, clipboard: QClipboard, field: QLineEdit) -> None:
    guard = ClipboardGuard(clipboard, clear_after_ms=60_000)
    with qtbot.waitSignal(guard.marked, timeout=2000):
        copy_all(qtbot, field)
    # Another program takes the clipboard (the guard is not told, as for a foreign copy).
    other = QMimeData()
    other.setText("something from elsewhere")
    clipboard.blockSignals(True)
    clipboard.setMimeData(other)
    clipboard.blockSignals(False)
    guard.clear_if_ours()  # what the timeout or locking does
    assert clipboard.text() == "something from elsewhere"
    assert not clipboard.mimeData().hasFormat(KDE_HINT_FORMAT)


def test_locking_clears_a_copied_name(qtbot: QtBot, controller: AppController,
                                      clipboard: QClipboard) -> None:
    unlock(qtbot, controller)
    window = controller.main_window
    window.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None, timeout=3000)
    table = window.family_table
    table.setFocus()
    table.setCurrentIndex(window.proxy.index(0, 1))
    name = window.proxy.index(0, 1).data()
    with qtbot.waitSignal(controller.clipboard_guard.marked, timeout=2000):
        qtbot.keySequence(table, QKeySequence.StandardKey.Copy)
    assert name and name in clipboard.text()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.store is None
    assert clipboard.text() == ""
