"""Faults: dropped connections mid-push and mid-pull, replays, a crash before a page is saved,
and a revoked device wiping itself."""

import gzip
import json
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import select as sqlmodel_select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.store.tables import ContactNoteRow, FamilyRow, OutboxRow
from familyworker.sync import engine as engine_module
from familyworker.sync.client import DeviceRevoked, ServerUnreachable
from familyworker.sync.engine import SyncEngine
from familyworker_server import accounts, models


class Flaky:
    """Passes requests to the real client; can drop the request or lose the answer."""

    def __init__(self, inner: httpx.Client) -> None:
        self.inner = inner
        self.drop_before: set[int] = set()
        self.drop_after: set[int] = set()
        self.calls = 0
        self.batches: list[str] = []  # batch ids of the pushes sent, in order

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.calls += 1
        if url.endswith("/push"):
            self.batches.append(json.loads(gzip.decompress(kwargs["content"]))["batch_id"])
        if self.calls in self.drop_before:
            raise httpx.ConnectError("dropped")
        response = self.inner.request(method, url, **kwargs)
        if self.calls in self.drop_after:
            raise httpx.ReadError("connection reset")  # the server did the work
        return response

    def close(self) -> None:
        pass


def server_rows(server: Server, table: str) -> int:
    c = models.sync_row.c
    with server.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(models.sync_row)
                                .where(c.table_name == table)).scalar_one())


def test_lost_push_answer_is_retried_as_the_same_batch(sqlite_server: Server,
                                                      tmp_path: Path) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    fid = add_family(store, "FAM-1")
    for i in range(5):
        add_note(store, fid, f"note {i}")
    flaky = Flaky(server.client)
    flaky.drop_after = {1}
    engine = SyncEngine(store, http=cast(httpx.Client, flaky), batch_ops=4)
    with pytest.raises(ServerUnreachable):
        engine.sync()
    with store.read() as session:
        batch_ids = {r.batch_id for r in session.exec(sqlmodel_select(OutboxRow)).all()}
    assert flaky.batches[0] in batch_ids  # the batch id was kept for the retry
    flaky.drop_before = {2}
    with pytest.raises(ServerUnreachable):
        engine.sync()
    engine.sync()
    # The lost batch went again under its own id, first, before the batches cut after it.
    assert flaky.batches[:3] == [flaky.batches[0]] * 3
    rest = flaky.batches[3:]  # each later batch sent once, in the order they were cut
    assert rest and len(set(rest)) == len(rest) and flaky.batches == sorted(flaky.batches)
    assert server_rows(server, "contact_note") == 5 and server_rows(server, "family") == 1
    with store.read() as session:
        assert session.exec(sqlmodel_select(OutboxRow)).all() == []
    store.lock()


def test_dropped_pull_and_crash_before_saving_a_page_resume_exactly(
        sqlite_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    a = enrolled(server, tmp_path / "a", ann)
    for i in range(6):
        fid = add_family(a, f"FAM-{i}")
        add_note(a, fid, f"note {i}")
    sync(a, server)
    b = enrolled(server, tmp_path / "b", ann)
    flaky = Flaky(server.client)
    flaky.drop_after = {3}  # push(none), pull page 1, pull page 2 lost
    engine = SyncEngine(b, http=cast(httpx.Client, flaky), page_rows=4)
    with pytest.raises(ServerUnreachable):
        engine.sync()
    real = engine_module.apply_received
    pages = {"n": 0}

    def crash_on_second_page(*args: Any, **kwargs: Any) -> Any:
        pages["n"] += 1
        if pages["n"] == 2:
            raise KeyboardInterrupt  # killed after receiving, before committing
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_module, "apply_received", crash_on_second_page)
    with pytest.raises(KeyboardInterrupt):
        SyncEngine(b, http=server.client, page_rows=4).sync()
    monkeypatch.setattr(engine_module, "apply_received", real)
    SyncEngine(b, http=server.client, page_rows=4).sync()
    with b.read() as session:
        assert len(session.exec(sqlmodel_select(FamilyRow)).all()) == 6
        assert len(session.exec(sqlmodel_select(ContactNoteRow)).all()) == 6
    a.lock()
    b.lock()


def test_revoked_device_is_wiped_key_first(sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    ann = server.worker("Ann", server.team("North"))
    store = enrolled(server, tmp_path / "a", ann)
    add_family(store, "FAM-1", "ZEBEDEE-CANARY-7731")
    accounts.revoke_device(server.engine, device_id=store.device_id)
    paths = store.paths
    with pytest.raises(DeviceRevoked):
        sync(store, server)
    assert not paths.key_file.exists()
    assert not any(f.exists() for f in paths.database_files())
    assert server_rows(server, "family") == 0  # a revoked device may not upload
