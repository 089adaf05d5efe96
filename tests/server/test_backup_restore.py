"""Backup while devices push, restore into an empty folder, and devices sync on without loss:
every change acknowledged before the backup began is in it, and devices whose cursor is ahead
of the restored server notice (its epoch changed), re-send their own changes and download
again, so nothing is lost or duplicated."""

import shutil
import threading
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from tests.server.serve_process import serving
from tests.sync.helpers import PG_URL, add_family, add_note, new_store, pg_available, pg_schema

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.engine import SETTING_SERVER_URL, SyncEngine, SyncReport, enrol
from familyworker_server import accounts, cli, db, instance
from familyworker_server.config import ServerSettings


def _sync(store: CaseloadStore) -> SyncReport:
    engine = SyncEngine(store)
    try:
        return engine.sync()
    finally:
        engine.close()


def _local_notes(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {str(i) for i in session.execute(text(
            "SELECT id FROM contact_note WHERE deleted_at IS NULL")).scalars()}


def _server_notes(data: Path) -> list[str]:
    engine = db.make_engine(f"sqlite:///{data / 'familyworker-server.db'}")
    try:
        with engine.connect() as conn:
            return [str(i) for i in conn.execute(text(
                "SELECT row_id FROM sync_row WHERE table_name = 'contact_note'")).scalars()]
    finally:
        engine.dispose()


def test_backup_under_pushes_then_restore_loses_and_duplicates_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live, restored, backup_file = tmp_path / "live", tmp_path / "restored", tmp_path / "fw.bak"
    engine = db.make_engine(f"sqlite:///{live / 'familyworker-server.db'}")
    db.migrate(engine)
    ann = accounts.add_worker(engine, name="Ann", role="worker",
                              team=accounts.add_team(engine, name="North"))
    a, b = new_store(tmp_path / "a"), new_store(tmp_path / "b")
    acked: list[str] = []
    with serving("--data", str(live)) as url:
        for store in (a, b):
            enrol(store, server_url=url, code=accounts.new_enrolment_code(engine, worker=ann),
                  http=httpx.Client())
        family = add_family(a, "FAM-1", "Smith")
        _sync(a)
        pushing, backed_up, stop = threading.Event(), threading.Event(), threading.Event()
        after_backup = 0
        failures: list[BaseException] = []

        def push_notes() -> None:
            nonlocal after_backup
            try:
                while not (stop.is_set() and after_backup >= 2):
                    note = add_note(a, family, f"visit {len(acked)}")
                    _sync(a)
                    acked.append(note)  # acknowledged: the sync returned
                    if backed_up.is_set():
                        after_backup += 1
                    if len(acked) >= 3:
                        pushing.set()
            except BaseException as error:  # surfaced in the test thread below
                failures.append(error)
                pushing.set()

        pusher = threading.Thread(target=push_notes)
        pusher.start()
        pushing.wait(timeout=300)
        before_backup = set(acked)  # all acknowledged before the backup began
        assert cli.main(["backup", "--data", str(live), "--out", str(backup_file)]) == 0
        backed_up.set()
        stop.set()
        pusher.join(timeout=300)
        assert not failures, failures
        _sync(b)  # b's cursor is now past everything in the backup
        engine.dispose()
    assert backup_file.stat().st_mode & 0o077 == 0
    after = set(acked) - before_backup
    assert after, "pushes ran on after the backup"

    # Restore refuses a folder that already holds a database, then restores into an empty one.
    assert cli.main(["restore", str(backup_file), "--data", str(live)]) == 2
    assert "already holds a database" in capsys.readouterr().err
    assert cli.main(["restore", str(backup_file), "--data", str(restored)]) == 0
    in_backup = set(_server_notes(restored))
    assert before_backup <= in_backup
    assert not after <= in_backup  # the later ones are gone from the server, for now

    with serving("--data", str(restored)) as url:
        for store in (a, b):
            store.set_setting(SETTING_SERVER_URL, url)  # IT pointed the name at the new host
        assert _sync(a).resynced  # a re-sends what the server lost
        report = _sync(b)
        assert report.resynced
        # b's cursor was ahead of the restored server's numbering: a note made now gets a
        # number b would have skipped without the epoch.
        late = add_note(a, family, "after the restore")
        _sync(a)
        _sync(b)
    everything = set(acked) | {late}
    server = _server_notes(restored)
    assert sorted(server) == sorted(everything)  # nothing lost, nothing twice
    assert _local_notes(a) == _local_notes(b) == everything


@pytest.mark.postgres
def test_postgresql_backup_and_restore_into_an_empty_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not pg_available():
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not on PATH")
    database = "fw_restore_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with pg_schema() as source_url:
        source = db.make_engine(ServerSettings(database_url=source_url).resolved_url())
        db.migrate(source)
        team = accounts.add_team(source, name="North")
        with source.connect() as conn:
            source_epoch = instance.read_epoch(conn)
        source.dispose()
        out = tmp_path / "fw.dump"
        assert cli.main(["backup", "--database-url", source_url, "--out", str(out)]) == 0
        assert out.read_bytes().startswith(b"PGDMP") and out.stat().st_mode & 0o077 == 0
        # Restore refuses the database it came from (not empty) ...
        assert cli.main(["restore", str(out), "--database-url", source_url]) == 2
        assert "already holds tables" in capsys.readouterr().err
        # ... and restores into a new, empty one.
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {database}"))
        try:
            base, _, query = source_url.partition("?")
            target_url = f"{base.rsplit('/', 1)[0]}/{database}?{query}"
            assert cli.main(["restore", str(out), "--database-url", target_url]) == 0
            target = db.make_engine(ServerSettings(database_url=target_url).resolved_url())
            with target.connect() as conn:
                assert conn.execute(text("SELECT id FROM team")).scalars().all() == [team]
                assert instance.read_epoch(conn) not in (None, source_epoch)
            target.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE {database} WITH (FORCE)"))
    admin.dispose()
