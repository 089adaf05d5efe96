"""Watches for keyboard and mouse activity anywhere in the app and signals after idle time."""

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

DEFAULT_IDLE_MS = 5 * 60 * 1000  # the organisation's maximum; a worker may choose less

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride,
})


class IdleWatcher(QObject):
    """An application-wide event filter restarting a single-shot QTimer on any activity."""

    idle = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def time_out(self) -> None:
        """What the countdown does when it runs out, at once (tests drive this rather than
        wait on a short real timer, which a busy machine overtakes)."""
        if self._timer.isActive():
            self._timer.stop()
            self.idle.emit()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._timer.isActive() and event.type() in _ACTIVITY:
            self._timer.start()  # restart the countdown
        return False
