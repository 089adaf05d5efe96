"""Clock-skew guard: a device whose clock (or stamps) run ahead of the server's is refused with a
plain sentence, nothing is written, and the same changes go once the clock is right."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import select as sqlmodel_select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.domain.ids import new_id
from familyworker.store.tables import OutboxRow
from familyworker.sync import protocol
from familyworker.sync.client import ClockAhead
from familyworker.sync.engine import SETTING_ACCESS_TOKEN
from familyworker_server import apply, models


def server_rows(server: Server) -> int:
    with server.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(models.sync_row)).scalar_one())


def test_device_clock_hours_ahead_is_refused_then_syncs_once_right(
        sqlite_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    fid = add_family(store, "FAM-1")
    add_note(store, fid, "Visit")
    before = server_rows(server)  # the team and worker records
    # The server's clock reads two hours earlier than the device's: the device is ahead.
    monkeypatch.setattr(apply, "now", lambda: datetime.now(UTC) - timedelta(hours=2))
    with pytest.raises(ClockAhead) as refused:
        sync(store, server)
    assert "about 120 minutes ahead" in str(refused.value)
    assert "Nothing was sent" in str(refused.value)
    assert server_rows(server) == before
    with store.read() as session:
        assert len(session.exec(sqlmodel_select(OutboxRow)).all()) >= 2  # all kept
    monkeypatch.undo()
    report = sync(store, server)
    assert report.rejected == 0 and server_rows(server) == before + 2
    store.lock()


def test_a_stamp_from_the_future_refuses_the_whole_batch(sqlite_server: Server,
                                                         tmp_path: Path) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    fid = add_family(store, "FAM-1")
    sync(store, server)
    before = server_rows(server)
    ahead_ms = int((time.time() + protocol.MAX_CLOCK_AHEAD_S + 3600) * 1000)
    body = {"protocol": protocol.PROTOCOL_VERSION, "schema_version": protocol.SCHEMA_VERSION,
            "device_id": store.device_id, "batch_id": new_id(),
            "client_time": datetime.now(UTC).isoformat(),
            "ops": [{"op_id": new_id(), "table": "contact_note", "row_id": new_id(),
                     "family_id": fid, "kind": "insert",
                     "hlc": f"{ahead_ms:012x}-0000-{store.device_id}",
                     "fields": {"narrative": "from the future"}}]}
    answer = server.client.post("/sync/v1/push", json=body, headers={
        "Authorization": f"Bearer {store.setting(SETTING_ACCESS_TOKEN)}"})
    assert (answer.status_code, answer.json()["code"]) == (409, "clock_ahead")
    assert server_rows(server) == before
    store.lock()
