"""Failed unlocks are remembered across restarts of the app (B2)."""

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from pytestqt.qtbot import QtBot

from familyworker.views.app_controller import AppController
from familyworker.views.shared.task_runner import TaskRunner

from .conftest import TEST_PASSPHRASE, close_down

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def second_failure_waits(failures: int) -> float:
    return 0.0 if failures < 2 else 30.0


def start_app(qtbot: QtBot, data_dir: Path, settings: QSettings) -> AppController:
    """A fresh controller on the same data directory: what restarting the app amounts to."""
    runner = TaskRunner(QThreadPool.globalInstance(), QThreadPool())
    controller = AppController(data_dir, runner, settings=settings,
                               backoff=second_failure_waits)
    qtbot.addWidget(controller.main_window)
    qtbot.addWidget(controller.unlock_dialog)
    controller.start()
    return controller


def type_and_unlock(qtbot: QtBot, controller: AppController, passphrase: str) -> str:
    dialog = controller.unlock_dialog
    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, passphrase)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        qtbot.mouseClick(dialog.unlock_button, LEFT)
    return str(failed.args[0])


def test_restart_does_not_reset_the_delay(qtbot: QtBot, demo_dir: Path,
                                          settings: QSettings) -> None:
    first = start_app(qtbot, demo_dir, settings)
    type_and_unlock(qtbot, first, "wrong guess one")
    message = type_and_unlock(qtbot, first, "wrong guess two")
    assert "try again in 30 seconds" in message
    assert first.unlock_dialog.waiting
    close_down(first)
    first.unlock_dialog.close()

    restarted = start_app(qtbot, demo_dir, settings)
    dialog = restarted.unlock_dialog
    assert dialog.failures == 2
    assert dialog.waiting
    assert not dialog.unlock_button.isEnabled()
    assert not dialog.passphrase_edit.isEnabled()
    assert "You can try again in" in dialog.message_label.text()
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert restarted.store is None
    close_down(restarted)


def test_right_passphrase_clears_the_count(qtbot: QtBot, demo_dir: Path,
                                           settings: QSettings) -> None:
    first = start_app(qtbot, demo_dir, settings)
    type_and_unlock(qtbot, first, "wrong guess one")
    assert first.unlock_attempts.read().failures == 1
    qtbot.keyClicks(first.unlock_dialog.passphrase_edit, TEST_PASSPHRASE)
    with qtbot.waitSignal(first.caseload_loaded, timeout=10_000):
        qtbot.mouseClick(first.unlock_dialog.unlock_button, LEFT)
    assert first.unlock_attempts.read().failures == 0
    close_down(first)

    restarted = start_app(qtbot, demo_dir, settings)
    assert restarted.unlock_dialog.failures == 0
    assert restarted.unlock_dialog.unlock_button.isEnabled()
    close_down(restarted)


def test_a_damaged_caseload_is_recovered_from_the_unlock_window(
        qtbot: QtBot, demo_dir: Path, settings: QSettings) -> None:
    from tests.store.test_damaged_caseload import _damage_page_of

    _damage_page_of(demo_dir, "ix_family_reference")
    controller = start_app(qtbot, demo_dir, settings)
    dialog = controller.unlock_dialog
    assert dialog.recover_button.isHidden()
    message = type_and_unlock(qtbot, controller, TEST_PASSPHRASE)
    assert "damaged and has been set aside" in message
    assert "Recover caseload below" in message and "familyworker recover" not in message
    assert dialog.recover_button.isVisible()
    with qtbot.waitSignal(dialog.recovered, timeout=30_000) as recovered:
        qtbot.mouseClick(dialog.recover_button, LEFT)
    words = str(recovered.args[0])
    assert words.startswith("Recovered: ")
    rebuilt = re.search(r"(\d+) records rebuilt", words)
    assert rebuilt is not None and int(rebuilt.group(1)) > 100  # the demo's families and notes
    assert controller.store is not None
    assert controller.main_window.statusBar().currentMessage() == recovered.args[0]
    close_down(controller)
