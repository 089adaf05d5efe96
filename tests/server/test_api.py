"""Server API: authorisation on every endpoint, revocation, idempotency, limits, bad input."""

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic_core import to_json
from sqlalchemy import func, select
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker.sync import protocol
from familyworker_server import accounts, models

V = {"protocol": protocol.PROTOCOL_VERSION, "schema_version": protocol.SCHEMA_VERSION}


def enrol(server: Server, worker: str) -> tuple[str, str]:
    device = new_id()
    answer = server.client.post("/sync/v1/enrol", json={
        **V, "code": server.code(worker), "device_id": device})
    assert answer.status_code == 200, answer.text
    return device, answer.json()["access_token"]


def stamp(device: str, ms: int = 1_700_000_000_000, counter: int = 0) -> str:
    return f"{ms:012x}-{counter:04x}-{device}"


# A contact note's required columns (row_schema): the rest take their defaults.
NOTE = {"kind": "home-visit", "occurred_at": "2026-12-01T10:00:00+00:00"}


def family_op(device: str, family_id: str, **fields: Any) -> dict[str, Any]:
    return {"op_id": new_id(), "table": "family", "row_id": family_id, "family_id": family_id,
            "kind": "insert", "hlc": stamp(device),
            "fields": {"reference": "FAM-1", "household_name": "Smith", **fields}}


def push(server: Server, token: str, device: str, ops: list[dict[str, Any]],
         batch_id: str | None = None, **extra: Any) -> Any:
    body = {**V, "device_id": device, "batch_id": batch_id or new_id(),
            "client_time": datetime.now(UTC).isoformat(), "ops": ops, **extra}
    return server.client.post("/sync/v1/push", json=body,
                              headers={"Authorization": f"Bearer {token}"})


def pull(server: Server, token: str, cursor: int = 0) -> Any:
    return server.client.get("/sync/v1/pull", params={**V, "cursor": cursor},
                             headers={"Authorization": f"Bearer {token}"})


def row_count(server: Server) -> int:
    with server.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(models.sync_row)).scalar_one())


@pytest.fixture
def two_teams(server: Server) -> dict[str, Any]:
    north, south = server.team("North"), server.team("South")
    ids = {"ann": server.worker("Ann", north), "bob": server.worker("Bob", north),
           "sue": server.worker("Sue", north, "supervisor"), "zed": server.worker("Zed", south),
           "sam": server.worker("Sam", south, "supervisor")}
    devices = {name: enrol(server, wid) for name, wid in ids.items()}
    family = new_id()
    device, token = devices["ann"]
    answer = push(server, token, device, [family_op(device, family)])
    assert answer.json()["results"][0]["status"] == "applied"
    return {"ids": ids, "devices": devices, "family": family, "north": north}


def pulled_families(server: Server, token: str) -> set[str]:
    rows = pull(server, token).json()["rows"]
    return {r["row_id"] for r in rows if r["table"] == "family"}


def test_authorisation_matrix_for_pull(server: Server, two_teams: dict[str, Any]) -> None:
    family = two_teams["family"]
    sees = {name: family in pulled_families(server, token)
            for name, (_, token) in two_teams["devices"].items()}
    assert sees == {"ann": True, "bob": False, "sue": True, "zed": False, "sam": False}


def test_foreign_push_is_rejected_per_item_and_writes_nothing(
        server: Server, two_teams: dict[str, Any]) -> None:
    family = two_teams["family"]
    before = row_count(server)
    for name in ("bob", "zed", "sam"):
        device, token = two_teams["devices"][name]
        op = {"op_id": new_id(), "table": "family", "row_id": family, "family_id": family,
              "kind": "update", "hlc": stamp(device, counter=5),
              "fields": {"household_name": "Hijacked"}}
        note = {"op_id": new_id(), "table": "contact_note", "row_id": new_id(),
                "family_id": family, "kind": "insert", "hlc": stamp(device),
                "fields": {"narrative": "x"}}
        answer = push(server, token, device, [op, note]).json()
        assert [r["status"] for r in answer["results"]] == ["rejected", "rejected"]
        assert {r["reason"] for r in answer["results"]} == {"forbidden"}
    # A family that does not exist answers the same as one that does (no existence leak).
    device, token = two_teams["devices"]["zed"]
    ghost = new_id()
    answer = push(server, token, device, [{
        "op_id": new_id(), "table": "contact_note", "row_id": new_id(), "family_id": ghost,
        "kind": "insert", "hlc": stamp(device), "fields": {}}]).json()
    assert answer["results"][0]["reason"] == "forbidden"
    assert row_count(server) == before


def test_forged_author_and_assignment_fields_are_overridden(
        server: Server, two_teams: dict[str, Any]) -> None:
    device, token = two_teams["devices"]["ann"]
    family = two_teams["family"]
    note = new_id()
    push(server, token, device, [
        {"op_id": new_id(), "table": "contact_note", "row_id": note, "family_id": family,
         "kind": "insert", "hlc": stamp(device, counter=1),
         "fields": {**NOTE, "narrative": "n", "author_id": two_teams["ids"]["bob"]}},
        {"op_id": new_id(), "table": "family", "row_id": family, "family_id": family,
         "kind": "update", "hlc": stamp(device, counter=2),
         "fields": {"lead_worker_id": two_teams["ids"]["zed"]}}])
    rows = {r["row_id"]: r for r in pull(server, token).json()["rows"]}
    assert rows[note]["data"]["author_id"] == two_teams["ids"]["ann"]
    assert rows[family]["data"]["lead_worker_id"] == two_teams["ids"]["ann"]
    assert rows[family]["data"]["team_id"] == two_teams["north"]


def test_every_endpoint_refuses_missing_bad_and_revoked_tokens(
        server: Server, two_teams: dict[str, Any]) -> None:
    device, token = two_teams["devices"]["ann"]
    accounts.revoke_device(server.engine, device_id=device)
    calls = {
        "push": lambda h: server.client.post("/sync/v1/push", headers=h, json={
            **V, "device_id": device, "batch_id": new_id(), "client_time": "2024-01-01T00:00:00",
            "ops": []}),
        "pull": lambda h: server.client.get("/sync/v1/pull", headers=h, params=V),
        "scope": lambda h: server.client.get("/sync/v1/scope", headers=h),
        "status": lambda h: server.client.get("/sync/v1/status", headers=h),
    }
    for name, call in calls.items():
        assert call({}).json()["code"] == "invalid_token", name
        bad = call({"Authorization": "Bearer nonsense"})
        assert (bad.status_code, bad.json()["code"]) == (401, "invalid_token"), name
        revoked = call({"Authorization": f"Bearer {token}"})
        assert (revoked.status_code, revoked.json()["code"]) == (401, "device_revoked"), name


def test_enrolment_codes_are_single_use_and_expire(server: Server) -> None:
    team = server.team("North")
    worker = server.worker("Ann", team)
    code = server.code(worker)
    first = server.client.post("/sync/v1/enrol", json={**V, "code": code, "device_id": new_id()})
    assert first.status_code == 200
    again = server.client.post("/sync/v1/enrol", json={**V, "code": code, "device_id": new_id()})
    assert again.json()["code"] == "enrolment_code_invalid"
    expired = accounts.new_enrolment_code(server.engine, worker=worker, hours=-1)
    late = server.client.post("/sync/v1/enrol", json={**V, "code": expired,
                                                       "device_id": new_id()})
    assert (late.status_code, late.json()["code"]) == (400, "enrolment_code_expired")
    with server.engine.connect() as conn:
        hashes = conn.execute(select(models.device_token.c.token_hash)).scalars().all()
    for kind in ("access_token", "refresh_token"):  # only hashes are stored
        assert first.json()[kind] not in hashes


def test_replayed_batch_returns_the_same_answer_and_no_duplicates(
        server: Server, two_teams: dict[str, Any]) -> None:
    device, token = two_teams["devices"]["ann"]
    family = two_teams["family"]
    batch = new_id()
    ops = [{"op_id": new_id(), "table": "contact_note", "row_id": new_id(), "family_id": family,
            "kind": "insert", "hlc": stamp(device, counter=9), "fields": {"narrative": "x"}}]
    first = push(server, token, device, ops, batch_id=batch).json()
    count = row_count(server)
    second = push(server, token, device, ops, batch_id=batch).json()
    assert first == second and row_count(server) == count
    reused = push(server, token, device, ops[:0], batch_id=batch)
    assert (reused.status_code, reused.json()["code"]) == (422, "batch_reused")
    # Re-cut batch (new id, same op ids): the op ids catch it.
    recut = push(server, token, device, ops).json()
    assert recut["results"][0]["status"] == "duplicate" and row_count(server) == count


def test_the_same_batch_in_other_bytes_is_still_the_same_batch(
        server: Server, two_teams: dict[str, Any]) -> None:
    """A client upgraded between a lost answer and its retry may send the same ops as other
    bytes (spacing, escapes, a new client_time): still a replay, not a reused batch id."""
    device, token = two_teams["devices"]["ann"]
    ops = [{"op_id": new_id(), "table": "contact_note", "row_id": new_id(),
            "family_id": two_teams["family"], "kind": "insert", "hlc": stamp(device, counter=7),
            "fields": {"narrative": "Café visit — both children there"}}]
    envelope = {**V, "device_id": device, "batch_id": new_id(), "ops": ops}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(body: bytes) -> Any:
        return server.client.post("/sync/v1/push", content=body, headers=headers)

    compact = to_json({**envelope, "client_time": datetime.now(UTC).isoformat()})
    first = send(compact).json()
    count = row_count(server)
    spaced = json.dumps({**envelope, "client_time": datetime.now(UTC).isoformat()},
                        ensure_ascii=True, indent=1).encode()
    assert spaced != compact
    second = send(spaced)
    assert second.status_code == 200 and second.json() == first and row_count(server) == count


BAD_BODIES: list[tuple[str, bytes, dict[str, str], int, str]] = [
    ("malformed json", b'{"protocol": 1,', {}, 422, "invalid_json"),
    ("not gzip", b"plain", {"Content-Encoding": "gzip"}, 400, "invalid_json"),
    ("unknown encoding", b"{}", {"Content-Encoding": "br"}, 415, "unsupported_encoding"),
]


def test_bad_input_is_a_clear_4xx_and_writes_nothing(
        server: Server, two_teams: dict[str, Any]) -> None:
    device, token = two_teams["devices"]["ann"]
    family = two_teams["family"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    before = row_count(server)
    for label, body, headers, status, code in BAD_BODIES:
        answer = server.client.post("/sync/v1/push", content=body, headers={**auth, **headers})
        assert (answer.status_code, answer.json()["code"]) == (status, code), label
    good = family_op(device, family)
    cases: dict[str, tuple[dict[str, Any], int, str]] = {
        "unknown field": ({"surprise": 1}, 422, "invalid_request"),
        "wrong type": ({"ops": "many"}, 422, "invalid_request"),
        "bad kind": ({"ops": [{**good, "kind": "explode"}]}, 422, "invalid_request"),
        "unknown op field": ({"ops": [{**good, "extra": 1}]}, 422, "invalid_request"),
        "too many ops": ({"ops": [good] * (protocol.MAX_BATCH_OPS + 1)}, 422,
                         "invalid_request"),
        "field too long": ({"ops": [{**good, "fields": {"narrative": "x" * 1_000_001}}]},
                           422, "invalid_request"),
        "quoted field too long": (
            {"ops": [{**good, "fields": {"narrative": '"x' * 60_000}}]}, 422,
            "invalid_request"),
        "list too long": ({"ops": [{**good, "fields": {"attendees": ["a"] * 1_001}}]}, 422,
                          "invalid_request"),
        "long text in a list": (
            {"ops": [{**good, "fields": {"attendees": [{"name": "x" * 100_001}]}}]}, 422,
            "invalid_request"),
        "future schema": ({"schema_version": protocol.SCHEMA_VERSION + 1}, 409,
                          "client_too_new"),
        "old protocol": ({"protocol": 0}, 426, "client_too_old"),
    }
    for label, (change, status, code) in cases.items():
        body = {**V, "device_id": device, "batch_id": new_id(),
                "client_time": "2024-01-01T00:00:00+00:00", "ops": [good], **change}
        answer = server.client.post("/sync/v1/push", json=body, headers=auth)
        assert (answer.status_code, answer.json()["code"]) == (status, code), label
        assert "Traceback" not in answer.text
    old = server.client.post("/sync/v1/push", headers=auth, json={
        **V, "protocol": 0, "device_id": device, "batch_id": new_id(),
        "client_time": "2024-01-01T00:00:00+00:00", "ops": []})
    assert old.json()["min_client_version"] == protocol.MIN_CLIENT_VERSION
    assert row_count(server) == before


def test_huge_bodies_get_413(server: Server, two_teams: dict[str, Any]) -> None:
    _device, token = two_teams["devices"]["ann"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    huge = b"x" * (protocol.MAX_BODY_BYTES + 10)
    assert server.client.post("/sync/v1/push", content=huge, headers=auth).status_code == 413
    bomb = gzip.compress(b" " * (protocol.MAX_BODY_BYTES + 10))
    answer = server.client.post("/sync/v1/push", content=bomb,
                                headers={**auth, "Content-Encoding": "gzip"})
    assert (answer.status_code, answer.json()["code"]) == (413, "body_too_large")


def test_pull_query_validation_and_openapi(server: Server, two_teams: dict[str, Any]) -> None:
    _, token = two_teams["devices"]["ann"]
    auth = {"Authorization": f"Bearer {token}"}
    for params in ({**V, "cursor": -1}, {**V, "limit": 10**9}, {"protocol": "x"},
                   {**V, "schema_version": 99}):
        answer = server.client.get("/sync/v1/pull", params=params, headers=auth)
        assert 400 <= answer.status_code < 500, params
    spec = server.client.get("/openapi.json").json()
    assert {"/sync/v1/push", "/sync/v1/pull", "/sync/v1/enrol", "/sync/v1/scope"} <= set(
        spec["paths"])
    _ = json
