"""The status bar's sync part: online/offline, last synced, changes waiting, conflicts (a button
that opens the conflicts view), changes needing attention and records from the server this
version could not show. Words, never colour alone."""

from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from familyworker.services.sync_status import (
    SET_ASIDE_TOOLTIP,
    SyncStatus,
    attention_text,
    conflicts_text,
    relative_time,
    set_aside_text,
    waiting_text,
)


class SyncStatusWidget(QWidget):
    """Shows what the controller hands it; keeps "last synced" fresh with a minute tick."""

    conflicts_requested = Signal()
    attention_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_status")
        self.setAccessibleName("Sync status")
        self._status: SyncStatus | None = None
        self._online: bool | None = None
        self._syncing = False
        self.state_label = self._label("sync_state_label", "Connection")
        self.last_label = self._label("sync_last_label", "Last synced")
        self.waiting_label = self._label("sync_waiting_label", "Changes waiting")
        self.attention_label = self._label("sync_attention_label", "Changes needing attention")
        self.set_aside_label = self._label("sync_set_aside_label",
                                           "Records from the server that could not be shown")
        self.set_aside_label.setToolTip(SET_ASIDE_TOOLTIP)
        self.set_aside_label.setAccessibleDescription(SET_ASIDE_TOOLTIP)
        self.conflicts_button = QPushButton("")
        self.conflicts_button.setObjectName("sync_conflicts_button")
        self.conflicts_button.setAccessibleName("Conflicts to resolve")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        self.attention_button = QPushButton("Review…")
        self.attention_button.setObjectName("sync_attention_button")
        self.attention_button.setAccessibleName("Review the changes needing attention")
        self.attention_button.setFlat(True)
        self.attention_button.clicked.connect(self.attention_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state_label, self.last_label, self.waiting_label,
                       self.attention_label, self.attention_button, self.conflicts_button,
                       self.set_aside_label):
            layout.addWidget(widget)
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self._render)
        self._tick.start()
        self._render()

    @staticmethod
    def _label(name: str, accessible: str) -> QLabel:
        label = QLabel("")
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        return label

    # ----- data in -------------------------------------------------------------------------

    def set_status(self, status: SyncStatus | None) -> None:
        self._status = status
        self._render()

    def set_online(self, online: bool | None) -> None:
        """True after a good sync, False when the server could not be reached, None unknown."""
        self._online = online
        self._render()

    def set_syncing(self, syncing: bool) -> None:
        self._syncing = syncing
        self._render()

    def clear(self) -> None:
        """Locked or wiped: nothing about the caseload stays on screen."""
        self._status, self._online, self._syncing = None, None, False
        self._render()

    # ----- text ----------------------------------------------------------------------------

    def state_text(self) -> str:
        status = self._status
        if status is None:
            return ""
        if status.reconnect_needed:
            return "Not connected: connect again (Sync › Connect to your organisation…)"
        if not status.enrolled:
            return "Working offline (not connected)"
        if self._syncing:
            return "Syncing…"
        if self._online is None:
            return "Connecting…"
        return "Online" if self._online else "Offline"

    def _render(self) -> None:
        status = self._status
        self.state_label.setText(self.state_text())
        shown = status is not None
        enrolled = status is not None and status.enrolled
        self.last_label.setVisible(enrolled)
        self.waiting_label.setVisible(shown)
        if status is None:
            for label in (self.last_label, self.waiting_label, self.attention_label,
                          self.set_aside_label):
                label.setText("")
            self.attention_label.hide()
            self.set_aside_label.hide()
            self.attention_button.hide()
            self.conflicts_button.hide()
            self.conflicts_button.setText("")
            self._name_by_content()
            return
        self.last_label.setText(
            f"· last synced {relative_time(status.last_synced_at, datetime.now(UTC))}")
        self.waiting_label.setText(f"· {waiting_text(status)}")
        self.attention_label.setText(f"· {attention_text(status)}")
        self.attention_label.setVisible(status.needs_attention > 0)
        self.attention_button.setVisible(status.needs_attention > 0)
        self.conflicts_button.setText(f"⚠ {conflicts_text(status)}…")
        self.conflicts_button.setVisible(status.open_conflicts > 0)
        self.set_aside_label.setText(f"· {set_aside_text(status.rows_set_aside)}")
        self.set_aside_label.setVisible(status.rows_set_aside > 0)
        self._name_by_content()

    def _name_by_content(self) -> None:
        """Screen readers announce the accessible name, so it carries the value too."""
        state = self.state_label.text()
        self.state_label.setAccessibleName(f"Connection: {state}" if state else "Connection")
        for label in (self.last_label, self.waiting_label, self.attention_label,
                      self.set_aside_label):
            text = label.text().lstrip("· ")
            label.setAccessibleName(text[:1].upper() + text[1:])
        conflicts = self.conflicts_button.text().lstrip("⚠ ").rstrip("…")
        self.conflicts_button.setAccessibleName(
            f"{conflicts}: open the conflicts view" if conflicts else "Conflicts to resolve")

    def summary(self) -> str:
        """Everything shown, as one sentence (tests and screen readers)."""
        parts = [self.state_label.text()]
        for widget in (self.last_label, self.waiting_label, self.attention_label):
            if widget.isVisibleTo(self) and widget.text():
                parts.append(widget.text().lstrip("· "))
        if self.conflicts_button.isVisibleTo(self):
            parts.append(self.conflicts_button.text().lstrip("⚠ ").rstrip("…"))
        if self.set_aside_label.isVisibleTo(self) and self.set_aside_label.text():
            parts.append(self.set_aside_label.text().lstrip("· "))
        return " · ".join(p for p in parts if p)
