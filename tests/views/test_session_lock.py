"""Sleep, session lock and screen lock lock the app (B1)."""

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from familyworker.views.app_controller import AppController
from familyworker.views.unlock.session_lock_watcher import (
    LOGIND,
    LOGIND_MANAGER,
    LOGIND_PATH,
    LOGIND_SESSION,
    SessionLockWatcher,
    session_path,
)

from .conftest import unlock

pytestmark = pytest.mark.gui


def test_slots_ask_to_lock_only_when_going_down(qtbot: QtBot) -> None:
    watcher = SessionLockWatcher()
    reasons: list[str] = []
    watcher.lock_now.connect(reasons.append)
    watcher.on_prepare_for_sleep(False)  # waking up: nothing to do
    watcher.on_screen_saver(False)
    watcher.on_prepare_for_sleep(True)
    watcher.on_session_lock()
    watcher.on_screen_saver(True)
    assert reasons == ["suspend", "session locked", "screen locked"]


def test_session_path_escapes_like_logind() -> None:
    assert session_path("c2") == "/org/freedesktop/login1/session/c2"
    assert session_path("3-x") == "/org/freedesktop/login1/session/3_2dx"
    assert session_path(None) == ""


def test_no_bus_connects_nothing_quietly(qtbot: QtBot) -> None:
    watcher = SessionLockWatcher()
    assert watcher.connect_buses(system_address="unix:path=/nonexistent/bus",
                                 session_address="unix:path=/nonexistent/bus") == []


def test_sleep_locks_the_app(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    assert controller.main_window.caseload_model.rowCount() > 0
    with qtbot.waitSignal(controller.locked, timeout=3000):
        controller.session_lock_watcher.on_prepare_for_sleep(True)
    assert controller.store is None
    assert controller.main_window.caseload_model.rowCount() == 0
    assert not controller.main_window.isVisible()
    assert controller.unlock_dialog.isVisible()
    qtbot.keyClick(controller.unlock_dialog, Qt.Key.Key_Escape)  # nothing else happens


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A throwaway D-Bus daemon standing in for both the system and the session bus."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed")
    process = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    try:
        yield address
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_real_bus_signals_reach_the_watcher(qtbot: QtBot, private_bus: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtDBus import QDBusConnection, QDBusMessage

    monkeypatch.setenv("XDG_SESSION_ID", "7")
    watcher = SessionLockWatcher()
    connected = watcher.connect_buses(system_address=private_bus, session_address=private_bus)
    assert f"{LOGIND_MANAGER}.PrepareForSleep" in connected
    assert "org.freedesktop.ScreenSaver.ActiveChanged" in connected
    logind = QDBusConnection.connectToBus(private_bus, "fake-logind")
    assert logind.registerService(LOGIND)

    def emit(path: str, interface: str, name: str, *args: object) -> None:
        message = QDBusMessage.createSignal(path, interface, name)
        message.setArguments(list(args))
        assert logind.send(message)

    with qtbot.waitSignal(watcher.lock_now, timeout=3000) as sleep:
        emit(LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep", True)
    assert sleep.args == ["suspend"]
    with qtbot.waitSignal(watcher.lock_now, timeout=3000) as session:
        emit(session_path("7"), LOGIND_SESSION, "Lock")
    assert session.args == ["session locked"]
    with qtbot.waitSignal(watcher.lock_now, timeout=3000) as screen:
        emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged",
             True)
    assert screen.args == ["screen locked"]
    QDBusConnection.disconnectFromBus("fake-logind")
    QDBusConnection.disconnectFromBus(f"fw-system:{private_bus}")
    QDBusConnection.disconnectFromBus(f"fw-session:{private_bus}")
