"""The status bar's words for each sync state, read from a real widget."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from familyworker.services.sync_status import SyncStatus
from familyworker.views.sync.sync_status_widget import SyncStatusWidget

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


def test_records_set_aside_are_counted_only_when_there_are_some(qtbot: QtBot) -> None:
    widget = SyncStatusWidget()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_online(True)
    widget.set_status(status(enrolled=True))
    assert not widget.set_aside_label.isVisible()
    assert "could not be shown" not in widget.summary()
    widget.set_status(replace(status(enrolled=True), rows_set_aside=2))
    assert widget.set_aside_label.isVisible()
    assert widget.set_aside_label.text() == "· 2 records from the server could not be shown"
    assert widget.summary().endswith("2 records from the server could not be shown")
    assert widget.set_aside_label.accessibleName() == \
        "2 records from the server could not be shown"
    tip = widget.set_aside_label.toolTip()
    assert "app update may be needed" in tip and "kept on this laptop" in tip
    assert "nothing is lost" in tip
    widget.set_status(replace(status(enrolled=True), rows_set_aside=1))
    assert widget.set_aside_label.text() == "· 1 record from the server could not be shown"
    widget.clear()
    assert not widget.set_aside_label.isVisible() and widget.set_aside_label.text() == ""
