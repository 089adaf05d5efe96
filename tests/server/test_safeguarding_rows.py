"""The server keeps safeguarding concerns and decisions as written: it stores a new one with its
author from the token, and refuses to change, delete or restore one (reason append_only)."""

from typing import Any

from tests.server.test_api import enrol, family_op, pull, push, stamp
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id


def _op(device: str, family: str, row: str, kind: str, counter: int,
        **fields: Any) -> dict[str, Any]:
    return {"op_id": new_id(), "table": "safeguarding_concern", "row_id": row,
            "family_id": family, "kind": kind, "hlc": stamp(device, counter=counter),
            "fields": fields}


def test_a_concern_is_stored_with_its_author_and_never_changed(server: Server) -> None:
    team = server.team("North")
    ann = server.worker("Ann", team)
    device, token = enrol(server, ann)
    family, concern = new_id(), new_id()
    created = push(server, token, device, [
        family_op(device, family),
        _op(device, family, concern, "append", 1, raised_at="2026-12-01T10:00:00+00:00",
            seen_or_heard="Worried about the baby", raised_by="someone-else")]).json()
    assert [r["status"] for r in created["results"]] == ["applied", "applied"]
    [row] = [r for r in pull(server, token).json()["rows"]
             if r["table"] == "safeguarding_concern"]
    assert row["data"]["raised_by"] == ann  # the server's author, not the device's claim

    refused = push(server, token, device, [
        _op(device, family, concern, "update", 2, seen_or_heard="Changed my mind"),
        _op(device, family, concern, "delete", 3),
        _op(device, family, concern, "restore", 4)]).json()
    assert [(r["status"], r["reason"]) for r in refused["results"]] == [
        ("rejected", "append_only")] * 3
    [row] = [r for r in pull(server, token).json()["rows"]
             if r["table"] == "safeguarding_concern"]
    assert row["data"]["seen_or_heard"] == "Worried about the baby"
    assert row["deleted"] is False
