"""E1 on the client: transparent refresh, a lost refresh answer, reuse without a wipe, the
revoked-device wipe on refresh, a caseload enrolled before rotation, and no tokens in logs."""

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import select as sqlmodel_select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.services.sync_outcome import SyncState
from familyworker.services.sync_session import sync_pass
from familyworker.services.sync_status import read_sync_status
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow, OutboxRow
from familyworker.sync import credentials
from familyworker.sync.client import DeviceRevoked, ReconnectRequired, ServerUnreachable
from familyworker.sync.engine import SETTING_TOKEN, SyncEngine, enrol, is_enrolled
from familyworker.sync.protocol import PROTOCOL_VERSION, SCHEMA_VERSION
from familyworker_server import accounts, models

V = {"protocol": PROTOCOL_VERSION, "schema_version": SCHEMA_VERSION}


class Recorder:
    """Passes requests to the test client; records (path, status, code) and can lose the
    answer to the n-th token exchange after the server has done the work."""

    def __init__(self, inner: httpx.Client) -> None:
        self.inner = inner
        self.seen: list[tuple[str, int, str]] = []
        self.lose_token_answers = 0

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = self.inner.request(method, url, **kwargs)
        path = url.removeprefix(str(self.inner.base_url)).split("?")[0]
        code = response.json().get("code", "") if response.status_code >= 400 else ""
        self.seen.append((path, response.status_code, code))
        if path.endswith("/token") and self.lose_token_answers:
            self.lose_token_answers -= 1
            raise httpx.ReadError("connection reset")
        return response

    def close(self) -> None:
        pass

    def paths(self) -> list[str]:
        return [p.rsplit("/", 1)[-1] for p, _, _ in self.seen]


def expire_on_server(server: Server) -> None:
    with server.engine.begin() as conn:
        conn.execute(update(models.device_token).where(models.device_token.c.kind == "access")
                     .values(expires_at=accounts.now() - timedelta(seconds=1)))


def expire_on_client(store: CaseloadStore) -> None:
    store.set_setting(credentials.SETTING_ACCESS_EXPIRES,
                      (datetime.now(UTC) - timedelta(minutes=1)).isoformat())


def tokens_of(store: CaseloadStore) -> set[str]:
    held = credentials.load(store)
    assert held is not None
    return {held.refresh_token, held.access_token or ""} - {""}


def outbox_size(store: CaseloadStore) -> int:
    with store.read() as session:
        return len(session.exec(sqlmodel_select(OutboxRow)).all())


def sync_with(store: CaseloadStore, http: Recorder) -> Any:
    engine = SyncEngine(store, http=http)  # type: ignore[arg-type]
    try:
        return engine.sync()
    finally:
        engine.close()


def test_expired_access_token_is_refreshed_and_the_sync_completes(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    add_family(store, "FAM-1")
    before = tokens_of(store)
    # The server says expired while the device still thinks the token is good (clock skew):
    # one 401 token_expired, one exchange, the same request again - then the whole pass.
    expire_on_server(server)
    http = Recorder(server.client)
    report = sync_with(store, http)
    assert report.pushed >= 1 and outbox_size(store) == 0
    assert http.seen[:3] == [("/sync/v1/push", 401, "token_expired"),
                             ("/sync/v1/token", 200, ""), ("/sync/v1/push", 200, "")]
    after = tokens_of(store)
    assert after.isdisjoint(before) and store.setting(SETTING_TOKEN) is None
    # Expired by the device's own clock: refreshed before asking, no 401 at all.
    expire_on_client(store)
    http = Recorder(server.client)
    sync_with(store, http)
    assert http.paths()[0] == "token" and all(status < 400 for _, status, _ in http.seen)
    assert tokens_of(store).isdisjoint(after)
    store.lock()


def test_token_expiring_in_the_middle_of_a_pass_is_refreshed_from_the_pull_thread(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    writer = enrolled(server, tmp_path / "a", ann)
    for i in range(6):
        add_family(writer, f"FAM-{i}")
    sync(writer, server)
    reader = enrolled(server, tmp_path / "b", ann)

    class ExpiresAfterFirstPage(Recorder):
        def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
            if "/pull" in url and sum(p == "pull" for p in self.paths()) == 1:
                expire_on_server(server)
            return super().request(method, url, **kwargs)

    http = ExpiresAfterFirstPage(server.client)
    engine = SyncEngine(reader, http=http, page_rows=2)  # type: ignore[arg-type]
    report = engine.sync()
    engine.close()
    assert ("/sync/v1/pull", 401, "token_expired") in http.seen
    assert report.pulled >= 6
    with reader.read() as session:
        assert len(session.exec(sqlmodel_select(FamilyRow)).all()) == 6
    writer.lock()
    reader.lock()


def test_lost_refresh_answer_neither_locks_out_nor_wipes(
        server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    fid = add_family(store, "FAM-1")
    add_note(store, fid, "visit")
    held = tokens_of(store)
    # 1. The server rotates, the answer is lost on the way back.
    expire_on_client(store)
    http = Recorder(server.client)
    http.lose_token_answers = 1
    with pytest.raises(ServerUnreachable):
        sync_with(store, http)
    assert tokens_of(store) == held and outbox_size(store) > 0
    # 2. The answer arrives but the app dies before saving it.
    real_save = credentials.save

    def crash(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(credentials, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        sync_with(store, Recorder(server.client))
    monkeypatch.setattr(credentials, "save", real_save)
    assert tokens_of(store) == held
    # The next pass presents the same refresh token again and simply goes on.
    report = sync_with(store, Recorder(server.client))
    assert report.pushed >= 2 and outbox_size(store) == 0
    assert tokens_of(store).isdisjoint(held) and is_enrolled(store)
    assert store.paths.key_file.exists()
    with server.engine.connect() as conn:
        row = conn.execute(models.device.select().where(
            models.device.c.id == store.device_id)).one()
    assert row.tokens_revoked_at is None and row.revoked_at is None
    store.lock()


def test_reuse_stops_the_tokens_but_keeps_the_caseload(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    fid = add_family(store, "FAM-1", "ZEBEDEE-CANARY-7731")
    copied = credentials.load(store)  # e.g. a copy of the caseload, or a stolen token
    assert copied is not None
    expire_on_client(store)
    sync(store, server)  # rotates and uses the new pair
    # The copy exchanges the old refresh token: reuse, the device's token family stops.
    stolen = server.client.post("/sync/v1/token", json={
        **V, "device_id": store.device_id, "refresh_token": copied.refresh_token})
    assert (stolen.status_code, stolen.json()["code"]) == (401, "token_reused")

    add_note(store, fid, "unsynced work")
    waiting = outbox_size(store)
    with pytest.raises(ReconnectRequired) as raised:
        sync(store, server)
    assert "connect again" in str(raised.value) and "deleted" in str(raised.value)
    # Not wiped: the key, the files, the family and the unsent change are all still here.
    assert store.paths.key_file.exists() and outbox_size(store) == waiting
    with store.read() as session:
        assert session.exec(sqlmodel_select(FamilyRow)).one().household_name == \
            "ZEBEDEE-CANARY-7731"
    assert not is_enrolled(store)
    assert credentials.reconnect_reason(store) == "token_reused"
    assert read_sync_status(store).reconnect_needed  # the status bar says: connect again
    outcome = sync_pass(store, http=server.client)
    assert outcome.state is SyncState.NOT_CONNECTED and not outcome.wiped

    # Reconnecting with a new code keeps the caseload and sends what was waiting.
    enrol(store, server_url="http://testserver", code=server.code(ann), http=server.client)
    assert credentials.reconnect_reason(store) is None
    assert not read_sync_status(store).reconnect_needed
    report = sync(store, server)
    assert report.pushed >= waiting and outbox_size(store) == 0  # + the reconnect audit row
    store.lock()


def test_reuse_reported_by_a_pass_is_a_plain_refusal_not_a_wipe(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    copied = credentials.load(store)
    assert copied is not None
    expire_on_client(store)
    sync(store, server)
    server.client.post("/sync/v1/token", json={
        **V, "device_id": store.device_id, "refresh_token": copied.refresh_token})
    outcome = sync_pass(store, http=server.client)
    assert outcome.state is SyncState.REFUSED and not outcome.wiped
    assert "connect again" in outcome.message
    assert store.paths.key_file.exists()
    store.lock()


def test_revoked_device_is_refused_a_refresh_and_wipes(server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    add_family(store, "FAM-1")
    accounts.revoke_device(server.engine, device_id=store.device_id)
    expire_on_client(store)
    http = Recorder(server.client)
    paths = store.paths
    with pytest.raises(DeviceRevoked):
        sync_with(store, http)
    assert http.seen == [("/sync/v1/token", 401, "device_revoked")]
    assert not paths.key_file.exists()


def make_legacy(server: Server, store: CaseloadStore) -> str:
    """Turn an enrolled pair back into what a caseload enrolled before rotation holds: one
    device token, under sync_token, and on the server the row migration 0002 makes of it."""
    legacy = "legacy-" + accounts.new_id()
    t = models.device_token.c
    with server.engine.begin() as conn:
        conn.execute(models.device_token.delete().where(t.device_id == store.device_id))
        conn.execute(models.device_token.insert().values(
            token_hash=accounts.hash_secret(legacy), device_id=store.device_id, kind="legacy",
            generation=0, issued_at=accounts.now()))
        conn.execute(update(models.device).where(models.device.c.id == store.device_id)
                     .values(token_generation=0))
    credentials.forget(store, "test")
    store.set_setting(credentials.SETTING_RECONNECT, None)
    store.set_setting(SETTING_TOKEN, legacy)
    return legacy


def test_a_caseload_enrolled_before_rotation_upgrades_on_its_first_sync(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    legacy = make_legacy(server, store)
    assert is_enrolled(store)
    add_family(store, "FAM-1")
    http = Recorder(server.client)
    report = sync_with(store, http)
    assert report.pushed >= 1 and http.paths()[0] == "token"
    assert store.setting(SETTING_TOKEN) is None and legacy not in tokens_of(store)
    gone = server.client.get("/sync/v1/status", headers={"Authorization": f"Bearer {legacy}"})
    assert gone.json()["code"] == "token_expired"
    store.lock()


def test_an_older_server_without_rotation_keeps_the_legacy_token(
        server: Server, tmp_path: Path) -> None:
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    legacy = make_legacy(server, store)

    class OldServer(Recorder):
        def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
            if url.endswith("/token"):
                return httpx.Response(404, json={"code": "not_found", "message": "Not Found"})
            return super().request(method, url, **kwargs)

    add_family(store, "FAM-1")
    assert sync_with(store, OldServer(server.client)).pushed >= 1
    assert store.setting(SETTING_TOKEN) == legacy
    store.lock()


def test_tokens_never_reach_the_logs(server: Server, tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    seen = tokens_of(store)
    copied = credentials.load(store)
    assert copied is not None
    add_family(store, "FAM-1")
    expire_on_server(server)
    sync(store, server)  # 401 token_expired, exchange, retry
    seen |= tokens_of(store)
    expire_on_client(store)
    sync(store, server)
    seen |= tokens_of(store)
    server.client.post("/sync/v1/token", json={  # reuse
        **V, "device_id": store.device_id, "refresh_token": copied.refresh_token})
    with pytest.raises(ReconnectRequired) as raised:
        sync(store, server)
    assert len(seen) == 6
    assert "Credentials(" in repr(copied) and copied.refresh_token not in repr(copied)
    text = caplog.text + str(raised.value) + repr(raised.value)
    # The flows above did log, server and client side, about the very events involving tokens.
    assert "token reuse" in caplog.text and "reconnect needed" in caplog.text
    for token in seen:
        assert token not in text
    store.lock()
