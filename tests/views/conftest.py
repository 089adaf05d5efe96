"""GUI fixtures: a prebuilt demo caseload copied per test, and the app wired to it."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from familyworker.app import build_app
from familyworker.services.demo import import_demo
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.views.app_controller import AppController

TEST_PASSPHRASE = "a long test passphrase"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo caseload built once; each test gets its own copy (import takes ~0.6 s)."""
    data_dir = tmp_path_factory.mktemp("demo-template") / "caseload"
    store = CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    try:
        import_demo(store)
    finally:
        store.lock()
    return data_dir


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "caseload"
    shutil.copytree(demo_template, target,
                    ignore=shutil.ignore_patterns(".caseload.lock", "*-shm", "*-wal"))
    return target


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat)


def make_controller(qtbot: QtBot, data_dir: Path, settings: QSettings,
                    idle_ms: int | None = None) -> AppController:
    _app, controller = build_app(data_dir, idle_ms=idle_ms, settings=settings)
    controller.unlock_dialog.setParent(None)
    qtbot.addWidget(controller.main_window)
    qtbot.addWidget(controller.unlock_dialog)
    return controller


@pytest.fixture
def controller(qtbot: QtBot, demo_dir: Path, settings: QSettings) -> Iterator[AppController]:
    made = make_controller(qtbot, demo_dir, settings)
    yield made
    close_down(made)


def close_down(controller: AppController) -> None:
    for window in list(controller.family_windows.values()):
        window.close()
    controller.runner.wait_until_idle()
    if controller.store is not None:
        controller.store.lock()
        controller.store = None
    controller.idle_watcher.stop()
    controller.runner.wait_until_idle()


def unlock(qtbot: QtBot, controller: AppController,
           passphrase: str = TEST_PASSPHRASE) -> None:
    """Type the passphrase and press Enter, as a person would; wait for the caseload."""
    controller.start()
    dialog = controller.unlock_dialog
    qtbot.keyClicks(dialog.passphrase_edit, passphrase)
    with qtbot.waitSignal(controller.caseload_loaded, timeout=10_000):
        qtbot.keyClick(dialog.passphrase_edit, "\r")


def confirm(qtbot: QtBot, page: Any) -> None:
    """Answer the page's "cannot be undone" question by clicking its confirm button."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    box = page.confirm_box
    qtbot.waitUntil(lambda: box.isVisible(), timeout=5000)
    button = box.findChild(QPushButton, "confirm_button")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
