"""E1 on the server: refresh-token rotation, reuse detection, the lost-answer grace rule,
short-lived access tokens, legacy device tokens, and hashes only at rest (SQLite and PostgreSQL)."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, select, text, update
from tests.server.test_api import V
from tests.sync.helpers import SERVER_URL, Server, pg_available, pg_schema

from familyworker.domain.ids import new_id
from familyworker_server import accounts, db, models
from familyworker_server.config import ServerSettings
from familyworker_server.main import create_app

STATUS = "/sync/v1/status"
TOKEN = "/sync/v1/token"


class Device:
    """One enrolled device talking raw HTTP; remembers every token it was ever given."""

    def __init__(self, server: Server, worker: str) -> None:
        self.server = server
        self.id = new_id()
        answer = server.client.post("/sync/v1/enrol", json={
            **V, "code": server.code(worker), "device_id": self.id})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert 0 < body["expires_in"] <= 15 * 60
        self.access, self.refresh = body["access_token"], body["refresh_token"]
        self.seen = [self.access, self.refresh]

    def status(self, token: str | None = None) -> Any:
        return self.server.client.get(
            STATUS, headers={"Authorization": f"Bearer {token or self.access}"})

    def exchange(self, refresh: str | None = None) -> Any:
        """POST /token; on success the device adopts the new pair."""
        answer = self.server.client.post(TOKEN, json={
            **V, "device_id": self.id, "refresh_token": refresh or self.refresh})
        if answer.status_code == 200:
            body = answer.json()
            self.access, self.refresh = body["access_token"], body["refresh_token"]
            self.seen += [self.access, self.refresh]
        return answer


def code(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json().get("code", "")


def device_row(server: Server, device_id: str) -> Any:
    with server.engine.connect() as conn:
        return conn.execute(select(models.device).where(models.device.c.id == device_id)).one()


def audit_actions(server: Server, device_id: str) -> list[str]:
    c = models.audit_log.c
    with server.engine.connect() as conn:
        return list(conn.execute(select(c.action).where(c.entity_id == device_id)
                                 .order_by(c.at)).scalars())


@pytest.fixture
def ann(server: Server) -> str:
    return server.worker("Ann", server.team("North"))


def test_refresh_rotates_the_pair(server: Server, ann: str) -> None:
    device = Device(server, ann)
    assert code(device.status()) == (200, "")
    old_access, old_refresh = device.access, device.refresh
    answer = device.exchange()
    assert answer.status_code == 200, answer.text
    assert {device.access, device.refresh}.isdisjoint({old_access, old_refresh})
    assert answer.json()["expires_in"] == 15 * 60
    assert code(device.status()) == (200, "")
    # A refresh token is not a bearer, and an access token cannot be exchanged.
    assert code(device.status(device.refresh)) == (401, "invalid_token")
    assert code(device.exchange(device.access)) == (401, "invalid_token")
    # Another device's id with this token is refused too (the token names its own device).
    stranger = server.client.post(TOKEN, json={**V, "device_id": new_id(),
                                                "refresh_token": device.refresh})
    assert code(stranger) == (401, "invalid_token")


def test_reused_refresh_token_stops_the_whole_family(server: Server, ann: str) -> None:
    device = Device(server, ann)
    first_refresh = device.refresh
    device.exchange()
    assert code(device.status()) == (200, "")  # the new pair is in use: no grace any more
    current_access, current_refresh = device.access, device.refresh

    assert code(device.exchange(first_refresh)) == (401, "token_reused")
    # The family is gone: the newest pair and every older token are refused with the same code.
    assert code(device.status(current_access)) == (401, "token_reused")
    assert code(device.exchange(current_refresh)) == (401, "token_reused")
    assert code(device.exchange(first_refresh)) == (401, "token_reused")
    row = device_row(server, device.id)
    assert row.revoked_at is None and row.tokens_revoked_reason == "reused"  # not an admin wipe
    assert "token-reuse" in audit_actions(server, device.id)

    # Reconnecting: a new code for the same worker re-binds the same device with a new family.
    again = server.client.post("/sync/v1/enrol", json={
        **V, "code": server.code(ann), "device_id": device.id})
    assert again.status_code == 200, again.text
    assert code(device.status(again.json()["access_token"])) == (200, "")
    assert code(device.status(current_access)) == (401, "invalid_token")
    assert "re-enrol" in audit_actions(server, device.id)
    # ...but only for a stopped family and only for its own worker.
    bob = server.worker("Bob", server.team("South"))
    for worker in (ann, bob):
        refused = server.client.post("/sync/v1/enrol", json={
            **V, "code": server.code(worker), "device_id": device.id})
        assert code(refused) == (409, "device_exists")


def test_lost_refresh_answer_is_accepted_again_within_the_grace_rule(
        server: Server, ann: str) -> None:
    device = Device(server, ann)
    previous = device.refresh
    lost = server.client.post(TOKEN, json={**V, "device_id": device.id,
                                            "refresh_token": previous})
    assert lost.status_code == 200  # the server rotated; the device never heard
    lost_access = lost.json()["access_token"]

    assert device.exchange(previous).status_code == 200  # the same token again: a fresh pair
    assert code(device.status()) == (200, "")
    assert device_row(server, device.id).tokens_revoked_at is None
    assert "token-retry" in audit_actions(server, device.id)
    # The pair the device never received was voided; anyone showing it holds a copy: reuse.
    assert code(device.status(lost_access)) == (401, "token_reused")
    assert code(device.status()) == (401, "token_reused")


def test_grace_ends_when_the_successor_is_used_or_the_window_passes(
        server: Server, ann: str) -> None:
    # Voided successor refresh token presented: reuse.
    device = Device(server, ann)
    previous = device.refresh
    lost = device.exchange()
    assert lost.status_code == 200
    unused_refresh = device.refresh
    assert device.exchange(previous).status_code == 200
    assert code(device.exchange(unused_refresh)) == (401, "token_reused")

    # Outside the window: reuse even though the successor was never used.
    late = Device(server, ann)
    previous = late.refresh
    assert late.exchange().status_code == 200
    with server.engine.begin() as conn:
        conn.execute(update(models.device_token)
                     .where(models.device_token.c.token_hash == accounts.hash_secret(previous))
                     .values(used_at=accounts.now() - timedelta(hours=2)))
    assert code(late.exchange(previous)) == (401, "token_reused")

    # Two generations back is never "the previous token".
    old = Device(server, ann)
    oldest = old.refresh
    old.exchange()
    old.exchange()
    assert code(old.exchange(oldest)) == (401, "token_reused")


def test_expired_access_token_is_refused_with_token_expired(server: Server, ann: str) -> None:
    device = Device(server, ann)
    with server.engine.begin() as conn:
        conn.execute(update(models.device_token).where(models.device_token.c.kind == "access")
                     .values(expires_at=accounts.now() - timedelta(seconds=1)))
    assert code(device.status()) == (401, "token_expired")
    assert device.exchange().status_code == 200
    assert code(device.status()) == (200, "")


def test_access_lifetime_is_a_setting_of_at_most_15_minutes(tmp_path: Path) -> None:
    assert ServerSettings().access_token_seconds == 15 * 60
    with pytest.raises(ValidationError):
        ServerSettings(access_token_seconds=15 * 60 + 1)
    app = create_app(ServerSettings(data_dir=tmp_path, access_token_seconds=60))
    with TestClient(app, base_url=SERVER_URL) as client:
        server = Server(client, app.state.engine)
        device = Device(server, server.worker("Ann", server.team("North")))
        assert device.exchange().json()["expires_in"] == 60
    app.state.engine.dispose()


def test_revoked_device_cannot_refresh(server: Server, ann: str) -> None:
    device = Device(server, ann)
    accounts.revoke_device(server.engine, device_id=device.id)
    assert code(device.exchange()) == (401, "device_revoked")
    assert code(device.status()) == (401, "device_revoked")
    # A disabled worker's devices too (E3).
    other = Device(server, ann)
    with server.engine.begin() as conn:
        conn.execute(update(models.worker).where(models.worker.c.id == ann)
                     .values(disabled_at=accounts.now()))
    assert code(other.exchange()) == (401, "device_revoked")


def token_table_bytes(server: Server) -> bytes:
    """What a dump would show: SQLite's raw file bytes (and WAL), PostgreSQL's rows as text."""
    if server.engine.dialect.name == "sqlite":
        path = Path(str(server.engine.url.database))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    with server.engine.connect() as conn:
        rows = [*conn.execute(text("SELECT * FROM device_token")).all(),
                *conn.execute(text("SELECT * FROM device")).all(),
                *conn.execute(text("SELECT * FROM audit_log")).all()]
    return repr(rows).encode()


def test_a_dump_of_the_token_tables_holds_only_hashes(server: Server, ann: str) -> None:
    devices = [Device(server, ann) for _ in range(2)]
    for device in devices:
        device.exchange()
        device.status()
    devices[1].exchange(devices[1].seen[1])  # reuse: the family is stopped, still only hashes
    dump = token_table_bytes(server)
    tokens = [t for d in devices for t in d.seen]
    assert len(set(tokens)) == len(tokens) == 8
    for token in tokens:
        assert token.encode() not in dump
        assert accounts.hash_secret(token).encode() in dump  # the hashes are what is kept


@pytest.fixture
def old_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database URL at revision 0001 (one device token per device)."""
    if backend == "postgres":
        if not pg_available():
            pytest.skip("PostgreSQL is not reachable")
        with pg_schema() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'old.db'}"


def test_a_device_enrolled_before_rotation_keeps_working(old_database: str) -> None:
    settings = ServerSettings(database_url=old_database)
    engine: Engine = db.make_engine(settings.resolved_url())
    command.upgrade(db.alembic_config(engine), "0001")
    legacy, device_id = "legacy-device-token-" + new_id(), new_id()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO worker (id, name, role, team_id, created_at) VALUES "
                          "('w1', 'Ann', 'admin', NULL, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO device (id, worker_id, name, token_hash, created_at) "
                          "VALUES (:id, 'w1', 'laptop', :hash, CURRENT_TIMESTAMP)"),
                     {"id": device_id, "hash": accounts.hash_secret(legacy)})
    engine.dispose()
    app = create_app(settings)  # migrates to head
    with TestClient(app, base_url=SERVER_URL) as client:
        auth = {"Authorization": f"Bearer {legacy}"}
        assert client.get(STATUS, headers=auth).status_code == 200  # an old client still syncs
        # A new client exchanges it once, like a refresh token; it is then only an old bearer.
        answer = client.post(TOKEN, json={**V, "device_id": device_id, "refresh_token": legacy})
        assert answer.status_code == 200, answer.text
        assert code(client.get(STATUS, headers=auth)) == (401, "token_expired")
        fresh = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        assert client.get(STATUS, headers=fresh).status_code == 200
        # Exchanging it again after the new pair was used is reuse, as for any refresh token.
        again = client.post(TOKEN, json={**V, "device_id": device_id, "refresh_token": legacy})
        assert code(again) == (401, "token_reused")
    app.state.engine.dispose()
