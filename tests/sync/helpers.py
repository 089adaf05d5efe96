"""Shared pieces for sync and server tests: a server per test, devices, PostgreSQL isolation."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from familyworker.domain.contact import NoteKind
from familyworker.services import families, notes
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.sync.engine import SyncEngine, SyncReport, enrol
from familyworker_server import accounts
from familyworker_server.config import ServerSettings
from familyworker_server.main import create_app

PASSPHRASE = "a long test passphrase"
PG_URL = os.environ.get("FAMILYWORKER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SERVER_URL = "http://testserver"


@dataclass
class Server:
    """A server app behind an in-process TestClient (an httpx client)."""

    client: TestClient
    engine: Engine

    def team(self, name: str) -> str:
        return accounts.add_team(self.engine, name=name)

    def worker(self, name: str, team: str | None, role: str = "worker") -> str:
        return accounts.add_worker(self.engine, name=name, role=role, team=team)

    def code(self, worker: str) -> str:
        return accounts.new_enrolment_code(self.engine, worker=worker)


def pg_available() -> bool:
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"),
                               connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def pg_schema() -> Iterator[str]:
    """An isolated schema for one test; the URL pins search_path to it. Dropped afterwards."""
    name = "fw_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        admin.dispose()


@contextmanager
def make_server(backend: str, tmp_path: Path) -> Iterator[Server]:
    if backend == "postgres":
        if not pg_available():
            pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
        with pg_schema() as url:
            app = create_app(ServerSettings(database_url=url))
            with TestClient(app, base_url=SERVER_URL) as client:
                yield Server(client, app.state.engine)
            app.state.engine.dispose()
    else:
        app = create_app(ServerSettings(data_dir=tmp_path))
        with TestClient(app, base_url=SERVER_URL) as client:
            yield Server(client, app.state.engine)
        app.state.engine.dispose()


def new_store(path: Path, *, fast: bool = False) -> CaseloadStore:
    if fast:
        return CaseloadStore.open_unencrypted_for_benchmark(path)
    return CaseloadStore.create(path, PASSPHRASE, kdf=KDF_FLOOR)


def enrolled(server: Server, path: Path, worker: str, *, fast: bool = False) -> CaseloadStore:
    store = new_store(path, fast=fast)
    enrol(store, server_url=SERVER_URL, code=server.code(worker), http=server.client)
    return store


def sync(store: CaseloadStore, server: Server) -> SyncReport:
    engine = SyncEngine(store, http=server.client)
    return engine.sync()


def add_family(store: CaseloadStore, reference: str, name: str = "Household") -> str:
    return families.add_family(store, reference=reference, household_name=name,
                               postcode="AB1 2CD").id


def add_note(store: CaseloadStore, family_id: str, text_: str) -> str:
    return notes.save_note(store, family_id=family_id, kind=NoteKind("home-visit"),
                           occurred_at=datetime.now(UTC), narrative=text_, finalise=True).id


def shared_family(server: Server, tmp_path: Path) -> tuple[CaseloadStore, CaseloadStore, str]:
    """Two devices of one worker, both holding the same synced family."""
    ann = server.worker("Ann", server.team("North"))
    a = enrolled(server, tmp_path / "a", ann)
    b = enrolled(server, tmp_path / "b", ann)
    family_id = add_family(a, "FAM-1", "Smith")
    sync(a, server)
    sync(b, server)
    return a, b, family_id


def worker_and_supervisor(server: Server) -> tuple[str, str]:
    """Team North with a worker, Ann, and her supervisor, Sue: (Ann's id, Sue's id)."""
    team = server.team("North")
    return server.worker("Ann", team), server.worker("Sue", team, role="supervisor")
