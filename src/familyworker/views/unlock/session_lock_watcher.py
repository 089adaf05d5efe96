"""Locks the app when the computer goes to sleep, the session is locked or the screen locks (B1).

Listens on D-Bus where there is one: logind's PrepareForSleep (system bus), logind's Lock for
this session (system bus), and the freedesktop/GNOME screen savers' ActiveChanged (session
bus). With no bus (Windows, macOS, a container) it connects nothing and stays quiet; the idle
lock still applies.
"""

import logging
import os

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

LOGIND = "org.freedesktop.login1"
LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"
LOGIND_SESSION = "org.freedesktop.login1.Session"
SCREEN_SAVERS = (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                 ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"))


def session_path(session_id: str | None) -> str:
    """logind's object path for a session id ("" matches any session: lock rather than not)."""
    if not session_id:
        return ""
    # logind escapes every byte outside [A-Za-z0-9] as _xx.
    escaped = "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):02x}" for c in session_id)
    return f"{LOGIND_PATH}/session/{escaped}"


class SessionLockWatcher(QObject):
    """Emits `lock_now` with a short reason (never personal data) when the app must lock."""

    lock_now = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connected: list[str] = []

    def connect_buses(self, *, system_address: str | None = None,
                      session_address: str | None = None) -> list[str]:
        """Subscribe to whatever buses exist; addresses are for tests. Returns what connected."""
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # a Qt build without D-Bus
            return self.connected
        # Named connections are reused by name, so each address gets its own name.
        system = (QDBusConnection.connectToBus(system_address, f"fw-system:{system_address}")
                  if system_address else QDBusConnection.systemBus())
        session = (QDBusConnection.connectToBus(session_address, f"fw-session:{session_address}")
                   if session_address else QDBusConnection.sessionBus())
        if system.isConnected():
            self._subscribe(system, LOGIND, LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep",
                            "on_prepare_for_sleep(bool)")
            self._subscribe(system, LOGIND, session_path(os.environ.get("XDG_SESSION_ID")),
                            LOGIND_SESSION, "Lock", "on_session_lock()")
        if session.isConnected():
            for interface, path in SCREEN_SAVERS:
                self._subscribe(session, "", path, interface, "ActiveChanged",
                                "on_screen_saver(bool)")
        if not self.connected:
            log.info("No desktop bus: locking on sleep or screen lock is not available")
        return self.connected

    def _subscribe(self, bus: object, service: str, path: str, interface: str, name: str,
                   slot: str) -> None:
        try:
            ok = bus.connect(service, path, interface, name,  # type: ignore[attr-defined]
                             self, f"1{slot}")  # "1" is Qt's SLOT() prefix
        except (RuntimeError, TypeError) as error:
            log.info("Could not listen for %s (%s)", name, type(error).__name__)
            return
        if ok:
            self.connected.append(f"{interface}.{name}")

    @Slot(bool)
    def on_prepare_for_sleep(self, starting: bool) -> None:
        if starting:
            self.lock_now.emit("suspend")

    @Slot()
    def on_session_lock(self) -> None:
        self.lock_now.emit("session locked")

    @Slot(bool)
    def on_screen_saver(self, active: bool) -> None:
        if active:
            self.lock_now.emit("screen locked")
