"""The status bar's words for each sync state, read from a real widget."""

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from familyworker.services.sync_status import SyncStatus
from familyworker.views.sync_status_widget import SyncStatusWidget

pytestmark = pytest.mark.gui


def status(*, enrolled: bool, reconnect_needed: bool = False) -> SyncStatus:
    return SyncStatus(enrolled=enrolled, server_url="https://sync.example" if enrolled else "",
                      last_synced_at=datetime.now(UTC), waiting=2, needs_attention=0,
                      open_conflicts=0, interval_minutes=5, reconnect_needed=reconnect_needed)


def test_a_device_whose_tokens_were_stopped_is_asked_to_connect_again(qtbot: QtBot) -> None:
    widget = SyncStatusWidget()
    qtbot.addWidget(widget)
    widget.set_status(status(enrolled=False))
    assert widget.state_label.text() == "Working offline (not connected)"
    widget.set_status(status(enrolled=False, reconnect_needed=True))
    assert widget.state_label.text().startswith("Not connected: connect again")
    assert "Connect to your organisation" in widget.state_label.text()
