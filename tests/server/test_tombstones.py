"""Tombstone GC (SYNC §4.8): old deletion records are purged, the horizon rises, and a cursor
from before it is answered 410 resync_scope; on SQLite and PostgreSQL."""

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.server.test_api import enrol, pull, push, stamp
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server import cli, db, models
from familyworker_server.tombstones import purge_tombstones

DAY_MS = 86_400_000


def server_rows(server: Server) -> dict[str, tuple[int, bool]]:
    c = models.sync_row.c
    with server.engine.connect() as conn:
        return {r.row_id: (r.server_seq, r.deleted)
                for r in conn.execute(select(c.row_id, c.server_seq, c.deleted))}


def test_old_tombstones_are_purged_and_older_cursors_must_resync(server: Server) -> None:
    ann = server.worker("Ann", server.team("North"))
    device, token = enrol(server, ann)
    now = time.time_ns() // 1_000_000
    old, recent = now - 200 * DAY_MS, now - 10 * DAY_MS
    family = new_id()

    def op(table: str, row: str, kind: str, ms: int, counter: int, **fields: Any
           ) -> dict[str, Any]:
        return {"op_id": new_id(), "table": table, "row_id": row, "family_id": family,
                "kind": kind, "hlc": stamp(device, ms, counter), "fields": fields}

    gone, gone_lately, edited_lately, live = (new_id() for _ in range(4))
    created = [op("family", family, "insert", old, 0, reference="FAM-1", household_name="Ng")]
    created += [op("person", row, "insert", old, i + 1, name=f"Person {i}")
                for i, row in enumerate((gone, gone_lately, edited_lately, live))]
    assert push(server, token, device, created).status_code == 200
    first = pull(server, token)
    cursor_before_deletions = first.json()["next_cursor"]
    deletions = [op("person", gone, "delete", old + 1, 0),
                 op("person", gone_lately, "delete", recent, 0),
                 op("person", edited_lately, "delete", old + 2, 0),
                 # An edit that met the deletion recently: kept for now with its tombstone.
                 op("person", edited_lately, "update", recent, 1, name="Renamed")]
    assert push(server, token, device, deletions).status_code == 200
    latest = pull(server, token, cursor_before_deletions).json()["next_cursor"]
    gone_seq = server_rows(server)[gone][0]

    result = purge_tombstones(server.engine, older_than_days=180)

    assert (result.removed, result.horizon) == (1, gone_seq)
    rows = server_rows(server)
    assert gone not in rows
    assert rows[gone_lately][1] and rows[edited_lately][1] and not rows[live][1]
    refused = pull(server, token, cursor_before_deletions)
    assert refused.status_code == 410
    assert refused.json()["code"] == "resync_scope"
    assert "download its caseload again" in refused.json()["message"]
    _, second_laptop = enrol(server, ann)  # (a device is not sent back its own rows)
    first_sync = pull(server, second_laptop, 0)
    assert first_sync.status_code == 200
    assert {r["row_id"] for r in first_sync.json()["rows"]
            if r["table"] in ("family", "person")} == {family, live}
    assert pull(server, token, latest).status_code == 200
    # Again: nothing more is old enough; the horizon never goes back.
    assert purge_tombstones(server.engine, older_than_days=180).removed == 0
    assert purge_tombstones(server.engine, older_than_days=365).horizon == gone_seq


def test_purge_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    assert cli.main(["purge-tombstones", "--data", str(data)]) == 0
    assert "Removed 0 deletion records older than 180 days" in capsys.readouterr().out
    assert cli.main(["purge-tombstones", "--data", str(data), "--older-than-days", "-1"]) == 2
    assert "must not be negative" in capsys.readouterr().err
    engine = db.make_engine(f"sqlite:///{data / 'familyworker-server.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(models.sync_counter.c.tombstone_horizon)).scalar_one() == 0
    engine.dispose()
