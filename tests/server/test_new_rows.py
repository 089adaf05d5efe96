"""The quick path for records new to the server (PushApplier._new_row) stores exactly what the
full merge stores, and so does its direct write of records no later op touches: the same
batch pushed to three servers (the quick path direct, with a Stored object per record, and
turned off) leaves the same rows (data compared as JSON values), stamps, sequence numbers,
scope, answers and conflicts."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.server.test_api import NOTE, enrol, push, stamp
from tests.sync.helpers import Server, make_server

from familyworker_server import models
from familyworker_server.apply import PushApplier

server_of = make_server  # already a context manager
SERVER_STAMP = re.compile(r'"[0-9a-f]{12}-0000-server"')


def op(table: str, row: str, family: str | None, device: str, n: int, op_kind: str = "insert",
       **fields: Any) -> dict[str, Any]:
    return {"op_id": f"op-{n}", "table": table, "row_id": row, "family_id": family,
            "kind": op_kind, "hlc": stamp(device, counter=n), "fields": fields}


def scenario(server: Server) -> tuple[dict[str, str], list[Any]]:
    """Set up Ann (two devices) and Bob, then push one varied batch from Ann's first device;
    return the names to hide (ids that differ between servers) and what is to compare."""
    team = server.team("North")
    ann, bob = server.worker("Ann", team), server.worker("Bob", team)
    device, token = enrol(server, ann)
    device2, token2 = enrol(server, ann)
    bob_device, bob_token = enrol(server, bob)
    person = {"name": "P"}
    note = {**NOTE, "narrative": "n"}
    assert push(server, bob_token, bob_device, [
        op("family", "fb", "fb", bob_device, 1, reference="B", household_name="B")]).is_success
    assert push(server, token, device, [
        op("family", "f3", "f3", device, 1, reference="C", household_name="C")]).is_success
    assert push(server, token2, device2, [
        {**op("family", "f3", "f3", device2, 2, op_kind="delete"), "base_server_seq": 0}]
    ).is_success
    ops = [
        op("family", "f1", "f1", device, 10, reference="A", household_name="A",
           family_id="f1", team_id=team, lead_worker_id=ann),
        op("family", "f2", "f2", device, 11, reference="B", household_name="B"),
        op("person", "p1", "f1", device, 12, **person),
        op("person", "p2", "f1", device, 13, family_id="f1", **person),
        op("person", "p3", "f1", device, 14, family_id="f2", **person),
        op("contact_note", "n1", "f1", device, 15, author_id=ann,
           **{**note, "narrative": "Zoë ✓ \"q\" \\ \u2028 😀"}),
        op("contact_note", "n2", "f1", device, 16, author_id=bob, **note),
        op("contact_note", "n3", "f1", device, 17, author_id=None, **note),
        {**op("contact_note", "n4", "f1", device, 18, **note),
         "field_hlc": {"kind": stamp(device, counter=5)}},
        op("person", "p1", "f1", device, 19, op_kind="update", name="Q"),
        op("person", "p4", "f1", device, 20, op_kind="update", **person),
        op("person", "p5", "f1", device, 21, relationship="x"),
        op("person", "p6", "fb", device, 22, **person),
        op("person", "p7", "f3", device, 23, **person),
        op("star_assessment", "s1", "f2", device, 24, assessed_on="2026-01-01",
           template_key="t", template_version=1, completed_by=ann),
        op("audit_event", "a1", "f1", device, 25, at="2026-01-01T00:00:00+00:00",
           action="view", entity="family"),
        op("person", "p8", "f1", device, 26, nonexistent="x", **person),
        op("person", "p9", None, device, 27, **person),
        op("person", "p10", "f1", device2, 28, **person),
        op("family", "f4", "f4", device, 29, op_kind="update", reference="D",
           household_name="D", family_id="f4", team_id=team, lead_worker_id=ann),
        op("family", "f5", "f5", device, 30, op_kind="append", reference="E",
           household_name="E", family_id="f5", team_id=team, lead_worker_id=ann),
    ]
    answer = push(server, token, device, ops)
    assert answer.status_code == 200, answer.text
    results = [(r["op_id"], r["status"], r["reason"], r["server_seq"])
               for r in answer.json()["results"]]
    s = models.family_scope.c
    with server.engine.connect() as conn:
        rows = [
            (row.table_name, row.row_id if row.table_name != "sync_conflict" else "",
             row.family_id, row.team_id, json.loads(re.sub(r'"detected_at":"[^"]*"',
                                                           '"detected_at":""',
                                                           SERVER_STAMP.sub('"S"', row.data))),
             SERVER_STAMP.sub('"S"', row.field_hlc), json.loads(row.field_seq),
             row.server_seq, row.deleted, row.deleted_hlc, row.sole_device)
            for row in conn.execute(select(models.sync_row))]
        rows.sort(key=lambda r: json.dumps(r, sort_keys=True, default=str))
        scope = sorted(tuple(x) for x in conn.execute(select(s.family_id, s.team_id,
                                                             s.lead_worker_id)))
        quarantine = sorted((q.op_id, q.reason) for q in conn.execute(
            select(models.quarantine)))
    assert any(result[1] == "applied" for result in results)
    assert any(result[1] == "rejected" for result in results)
    hide = {team: "TEAM", ann: "ANN", bob: "BOB", device: "DEV", device2: "DEV2",
            bob_device: "BOBDEV"}
    return hide, [results, rows, scope, quarantine]


def normalised(hide: dict[str, str], value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    for real, name in hide.items():
        text = text.replace(real, name)
    return text


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_new_records_are_stored_as_the_full_merge_stores_them(
        backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    direct: list[int] = []
    quick, write = PushApplier._new_row, PushApplier._write

    def counted(self: PushApplier, *args: Any) -> bool:
        taken = quick(self, *args)
        calls.append(taken)
        return taken

    def counted_write(self: PushApplier, *args: Any) -> None:
        direct.append(len(self.direct_rows))
        write(self, *args)

    monkeypatch.setattr(PushApplier, "_new_row", counted)
    monkeypatch.setattr(PushApplier, "_write", counted_write)
    # The quick path, records no later op touches written straight from their op...
    with server_of(backend, tmp_path / "set") as server:
        hide, with_set = scenario(server)
    assert sum(calls) >= 6  # the quick path did take the plain new records
    # and wrote those no later op touches without a Stored object (f2, n1, n3, s1, ...)
    assert direct[-1] >= 4
    # ...the quick path with a Stored object per record...
    monkeypatch.setattr(PushApplier, "direct_new_rows", False)
    direct.clear()
    with server_of(backend, tmp_path / "quick") as server:
        hide_quick, with_quick = scenario(server)
    assert direct and not any(direct)
    # ...and the full merge for every op.
    monkeypatch.setattr(PushApplier, "_new_row", lambda *_args: False)
    with server_of(backend, tmp_path / "full") as server:
        hide_full, with_full = scenario(server)
    assert normalised(hide_full, with_full) == normalised(hide_quick, with_quick)
    assert normalised(hide_full, with_full) == normalised(hide, with_set)
