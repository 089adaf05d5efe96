"""Copies out of the app are marked private for clipboard managers and cleared later (C1).

Qt's own copy (Ctrl+C in any field or table) puts plain mime data on the clipboard, so the
guard watches `dataChanged`: when the app copied (it owns the clipboard, or one of its windows
is active), the same data is put back with the "do not keep" markers that KDE's Klipper and
Windows' clipboard history and cloud clipboard honour, plus a private token. After the timeout,
or when the app locks, the clipboard is cleared only if it still holds that token, so whatever
the person copied later, from anywhere, is left alone.
"""

import secrets

from PySide6.QtCore import QByteArray, QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

DEFAULT_CLEAR_MS = 60_000

TOKEN_FORMAT = "application/x-familyworker-copy"
KDE_HINT_FORMAT = "x-kde-passwordManagerHint"
# Windows clipboard formats travel through Qt under this mime wrapping.
_WINDOWS = 'application/x-qt-windows-mime;value="{}"'
WINDOWS_EXCLUDE_FORMAT = _WINDOWS.format("ExcludeClipboardContentFromMonitorProcessing")
WINDOWS_HISTORY_FORMAT = _WINDOWS.format("CanIncludeInClipboardHistory")
WINDOWS_CLOUD_FORMAT = _WINDOWS.format("CanUploadToCloudClipboard")
_DWORD_ZERO = b"\x00\x00\x00\x00"

MARKERS: dict[str, bytes] = {
    KDE_HINT_FORMAT: b"secret",
    WINDOWS_EXCLUDE_FORMAT: b"",
    WINDOWS_HISTORY_FORMAT: _DWORD_ZERO,
    WINDOWS_CLOUD_FORMAT: _DWORD_ZERO,
}


class ClipboardGuard(QObject):
    """One per app; `clear_if_ours()` is what locking calls."""

    marked = Signal()  # a copy from the app was marked and the clear timer started
    cleared = Signal()  # the app's copy was taken off the clipboard

    def __init__(self, clipboard: QClipboard | None = None, *,
                 clear_after_ms: int = DEFAULT_CLEAR_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._token = b""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear_if_ours)
        self._clipboard.dataChanged.connect(self._on_changed)
        self._attached = True

    @property
    def clear_after_ms(self) -> int:
        return self._timer.interval()

    def holds_our_copy(self) -> bool:
        data = self._clipboard.mimeData(QClipboard.Mode.Clipboard)
        return bool(self._token) and data is not None and data.hasFormat(TOKEN_FORMAT) \
            and bytes(data.data(TOKEN_FORMAT).data()) == self._token

    def clear_if_ours(self) -> None:
        self._timer.stop()
        if self.holds_our_copy():
            self._clipboard.clear(QClipboard.Mode.Clipboard)
            self.cleared.emit()
        self._token = b""

    def detach(self) -> None:
        """Stop watching (a controller being thrown away); the current copy is left as it is."""
        self._timer.stop()
        if self._attached:
            self._attached = False
            self._clipboard.dataChanged.disconnect(self._on_changed)

    def _on_changed(self) -> None:
        data = self._clipboard.mimeData(QClipboard.Mode.Clipboard)
        if data is None or data.hasFormat(TOKEN_FORMAT) or not data.formats():
            return  # our own marked copy coming back round, or an empty clipboard
        if not (self._clipboard.ownsClipboard() or QGuiApplication.focusWindow() is not None):
            return  # another program's copy: not ours to mark or clear
        self._token = secrets.token_hex(16).encode()
        self._clipboard.setMimeData(_marked_copy(data, self._token), QClipboard.Mode.Clipboard)
        self._timer.start()
        self.marked.emit()


def _marked_copy(source: QMimeData, token: bytes) -> QMimeData:
    copy = QMimeData()
    for name in source.formats():
        copy.setData(name, source.data(name))
    for name, value in MARKERS.items():
        copy.setData(name, QByteArray(value))
    copy.setData(TOKEN_FORMAT, QByteArray(token))
    return copy
