"""A bad op is refused on its own, with a reason in words, and nothing of it is stored
(issue: "Sync that never stops and never drops"). SQLite and PostgreSQL."""

from typing import Any

import pytest
from sqlalchemy import func, select
from tests.server.test_api import NOTE, V, enrol, family_op, push, stamp
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server import models
from familyworker_server.quarantine_list import list_quarantine


@pytest.fixture
def ann(server: Server) -> dict[str, Any]:
    north = server.team("North")
    ann = server.worker("Ann", north)
    device, token = enrol(server, ann)
    family = new_id()
    answer = push(server, token, device, [family_op(device, family)])
    assert answer.json()["results"][0]["status"] == "applied"
    return {"device": device, "token": token, "family": family, "worker": ann}


def _update(device: str, family: str, counter: int, **fields: Any) -> dict[str, Any]:
    return {"op_id": new_id(), "table": "family", "row_id": family, "family_id": family,
            "kind": "update", "hlc": stamp(device, counter=counter), "fields": fields}


def _note(device: str, family: str, counter: int, **fields: Any) -> dict[str, Any]:
    return {"op_id": new_id(), "table": "contact_note", "row_id": new_id(),
            "family_id": family, "kind": "insert", "hlc": stamp(device, counter=counter),
            "fields": fields}


def _pulled(server: Server, token: str) -> dict[str, Any]:
    """Every row of the scope by id, this device's own included."""
    answer = server.client.get("/sync/v1/pull", params={**V, "cursor": 0, "include_own": True},
                               headers={"Authorization": f"Bearer {token}"})
    return {r["row_id"]: r for r in answer.json()["rows"]}


def _stored(server: Server) -> list[tuple[str, str, str]]:
    r = models.sync_row.c
    with server.engine.connect() as conn:
        return sorted((row.table_name, row.row_id, row.data) for row in conn.execute(
            select(r.table_name, r.row_id, r.data)))


POISON: list[tuple[str, Any, str]] = [
    ("update", {"next_visit_due": {"not": "a date"}},
     "invalid_field: next_visit_due is not a date"),
    ("update", {"nonexistent_field": "x"}, "unknown_field: nonexistent_field"),
    ("update", {"server_seq": 99}, "unknown_field: server_seq"),
    ("update", {"household_name": {"an": "object"}}, "invalid_field: household_name is not text"),
    ("update", {"status": "vanished"},
     "invalid_field: status is not one of the allowed values"),
    ("note", {"kind": "phone"}, "missing_field: occurred_at"),
    ("note", {**NOTE, "duration_minutes": 2 ** 70},
     "invalid_field: duration_minutes is out of range"),
    ("note", {**NOTE, "present": [{"name": "x"}]}, "invalid_field: present is not a list of text"),
    ("note", {**NOTE, "family_id": "another-family"}, "family_mismatch"),
]


@pytest.mark.parametrize(("kind", "fields", "reason"), POISON,
                         ids=[p[2].split(":")[0] + "-" + str(i) for i, p in enumerate(POISON)])
def test_each_poison_op_is_refused_with_its_reason_and_nothing_stored(
        server: Server, ann: dict[str, Any], kind: str, fields: dict[str, Any],
        reason: str) -> None:
    device, token, family = ann["device"], ann["token"], ann["family"]
    before = _stored(server)
    make = _update if kind == "update" else _note
    bad = make(device, family, 5, **fields)
    answer = push(server, token, device, [bad])
    assert answer.status_code == 200, answer.text
    [result] = answer.json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", reason)
    assert _stored(server) == before
    refused = list_quarantine(server.engine)
    assert [(q["op_id"], q["reason"]) for q in refused] == [(bad["op_id"], reason)]


def test_one_bad_op_does_not_stop_the_good_ones_in_its_batch(
        server: Server, ann: dict[str, Any]) -> None:
    device, token, family = ann["device"], ann["token"], ann["family"]
    good_note = _note(device, family, 1, **NOTE, narrative="seen at home")
    bad = _update(device, family, 2, next_visit_due={"not": "a date"})
    good_update = _update(device, family, 3, next_visit_due="2027-01-05")
    answer = push(server, token, device, [good_note, bad, good_update]).json()
    assert [r["status"] for r in answer["results"]] == ["applied", "rejected", "applied"]
    rows = _pulled(server, token)
    assert rows[family]["data"]["next_visit_due"] == "2027-01-05"
    assert rows[good_note["row_id"]]["data"]["narrative"] == "seen at home"
    assert rows[good_note["row_id"]]["data"]["family_id"] == family


def test_a_new_row_without_family_id_in_its_fields_is_stored_whole(
        server: Server, ann: dict[str, Any]) -> None:
    device, token, family = ann["device"], ann["token"], ann["family"]
    note = _note(device, family, 1, **NOTE)
    assert push(server, token, device, [note]).json()["results"][0]["status"] == "applied"
    rows = _pulled(server, token)
    assert rows[note["row_id"]]["data"]["family_id"] == family


def test_an_update_that_would_create_an_incomplete_row_is_refused(
        server: Server, ann: dict[str, Any]) -> None:
    device, token, family = ann["device"], ann["token"], ann["family"]
    ghost = {**_note(device, family, 1, narrative="only a narrative"), "kind": "update"}
    [result] = push(server, token, device, [ghost]).json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "missing_field: kind")
    deletion = {**_note(device, family, 2), "kind": "delete"}
    [result] = push(server, token, device, [deletion]).json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "not_found")


def test_a_foreign_device_learns_nothing_from_validation(server: Server,
                                                         ann: dict[str, Any]) -> None:
    """Refused as forbidden whether the fields are good or bad and the row exists or not."""
    south = server.team("South")
    zed_device, zed_token = enrol(server, server.worker("Zed", south))
    family = ann["family"]
    ops = [_update(zed_device, family, 1, next_visit_due={"bad": 1}),
           _note(zed_device, family, 2, narrative="x"),
           _note(zed_device, family, 3, **NOTE)]
    answer = push(server, zed_token, zed_device, ops).json()
    assert {(r["status"], r["reason"]) for r in answer["results"]} == {("rejected", "forbidden")}


def test_refused_reasons_fit_the_quarantine_column(server: Server, ann: dict[str, Any]) -> None:
    device, token, family = ann["device"], ann["token"], ann["family"]
    long_name = "x" * 64
    answer = push(server, token, device, [_update(device, family, 1, **{long_name: 1})])
    assert answer.json()["results"][0]["reason"] == f"unknown_field: {long_name}"
    with server.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(models.quarantine)).scalar_one()
    assert count == 1
