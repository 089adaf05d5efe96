"""Real processes killed with SIGKILL: the server in the middle of a push, and a client between
receiving a pull page and saving it. Afterwards nothing is lost and nothing is doubled."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import select as sqlmodel_select
from tests.sync.helpers import PASSPHRASE, new_store

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow, FamilyRow, OutboxRow, PersonRow
from familyworker.sync.client import SyncError
from familyworker.sync.engine import SETTING_CURSOR, SyncEngine, enrol
from familyworker_server import accounts, db, models
from familyworker_server.background import ServerProcess, spawn_server

pytestmark = pytest.mark.slow
FAMILIES = 600
TABLES = {"family": FamilyRow, "person": PersonRow, "contact_note": ContactNoteRow}


def fill(store: CaseloadStore, lead: str, team: str, families: int) -> None:
    with store.unit_of_work() as uow:
        for i in range(families):
            fid = new_id()
            uow.add(FamilyRow(id=fid, family_id=fid, team_id=team, reference=f"K-{i:04d}",
                              household_name=f"Household {i}", postcode="AB1 2CD",
                              lead_worker_id=lead, referred_on=date(2024, 1, 1)), audit=False)
            uow.add(PersonRow(id=new_id(), family_id=fid, name=f"Child {i}"), audit=False)
            uow.add(ContactNoteRow(id=new_id(), family_id=fid, kind="home-visit",
                                   occurred_at=datetime.now(UTC), narrative=f"Visit {i}. " * 40,
                                   author_id=lead, status="final"), audit=False)


def server_counts(engine: Engine) -> dict[str, int]:
    c = models.sync_row.c
    with engine.connect() as conn:
        return {t: int(conn.execute(select(func.count()).select_from(models.sync_row)
                                    .where(c.table_name == t)).scalar_one()) for t in TABLES}


def local_rows(store: CaseloadStore) -> dict[str, dict[str, str]]:
    """Per table, row id -> the one text field that tells the rows apart."""
    found: dict[str, dict[str, str]] = {}
    with store.read() as session:
        found["family"] = {r.id: r.household_name for r in session.exec(
            sqlmodel_select(FamilyRow)).all()}
        found["person"] = {r.id: r.name for r in session.exec(sqlmodel_select(PersonRow)).all()}
        found["contact_note"] = {r.id: r.narrative for r in session.exec(
            sqlmodel_select(ContactNoteRow)).all()}
    return found


def server_rows(engine: Engine) -> dict[str, dict[str, str]]:
    import json

    field = {"family": "household_name", "person": "name", "contact_note": "narrative"}
    c = models.sync_row.c
    with engine.connect() as conn:
        return {t: {r.row_id: json.loads(r.data)[field[t]] for r in conn.execute(
            select(c.row_id, c.data).where(c.table_name == t))} for t in TABLES}


def test_server_killed_mid_push_loses_nothing_and_applies_each_op_once(tmp_path: Path) -> None:
    server = spawn_server(tmp_path / "server", log_path=tmp_path / "server.log")
    admin = db.make_engine(f"sqlite:///{tmp_path / 'server' / 'familyworker-server.db'}")
    try:
        team = accounts.add_team(admin, name="North")
        ann = accounts.add_worker(admin, name="Ann", role="worker", team=team)
        store = new_store(tmp_path / "client")
        enrol(store, server_url=server.url, code=accounts.new_enrolment_code(admin, worker=ann))
        fill(store, ann, team, FAMILIES)
        with store.read() as session:
            queued = len(session.exec(sqlmodel_select(OutboxRow)).all())
        failure: list[BaseException] = []

        def push() -> None:
            engine = SyncEngine(store, batch_ops=150)
            try:
                engine.push()
            except BaseException as error:
                failure.append(error)
            finally:
                engine.close()

        pusher = threading.Thread(target=push)
        pusher.start()
        deadline = time.monotonic() + 60
        while _batches(admin) < 3:  # some batches are in, more are on their way
            assert time.monotonic() < deadline and pusher.is_alive(), "the push never started"
            time.sleep(0.005)
        server.kill()
        pusher.join(timeout=60)
        assert failure and isinstance(failure[0], SyncError)  # "could not be reached"
        landed = _batches(admin)
        assert 0 < landed < -(-queued // 150)  # killed part-way through the outbox
        with admin.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"

        server = server.restart()
        engine = SyncEngine(store)
        report = engine.sync()
        engine.close()
        assert report.rejected == 0
        with store.read() as session:
            assert session.exec(sqlmodel_select(OutboxRow)).all() == []
        mine = local_rows(store)
        assert {t: len(v) for t, v in mine.items()} == dict.fromkeys(TABLES, FAMILIES)
        assert server_counts(admin) == dict.fromkeys(TABLES, FAMILIES)  # no duplicates
        assert server_rows(admin) == mine  # no loss: every row, with its own text
        with admin.connect() as conn:
            # Every op recorded exactly once, under the batch that carried it.
            ops = conn.execute(select(func.count()).select_from(models.sync_op)).scalar_one()
            distinct = conn.execute(select(func.count(models.sync_op.c.op_id.distinct())))
            assert ops == distinct.scalar_one() >= 3 * FAMILIES
        store.lock()
    finally:
        server.stop()
        admin.dispose()


def _batches(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(models.sync_batch))
                   .scalar_one())


# A client process that dies by SIGKILL inside the second page's transaction, after the page
# arrived and its rows were written but before the commit that also saves the cursor.
KILLED_CLIENT = """
import os, signal, sys
from pathlib import Path
from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync import page_apply
from familyworker.sync.engine import SyncEngine
real = page_apply.put_setting
pages = []
def put_setting(conn, key, value):
    if key == page_apply.SETTING_CURSOR:
        pages.append(value)
        if len(pages) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    real(conn, key, value)
page_apply.put_setting = put_setting
store = CaseloadStore.unlock(Path(sys.argv[1]), sys.stdin.readline().rstrip("\\n"))
SyncEngine(store, page_rows=100).sync()
"""


def test_client_killed_between_receiving_a_page_and_saving_it(tmp_path: Path) -> None:
    server: ServerProcess = spawn_server(tmp_path / "server")
    admin = db.make_engine(f"sqlite:///{tmp_path / 'server' / 'familyworker-server.db'}")
    try:
        team = accounts.add_team(admin, name="North")
        ann = accounts.add_worker(admin, name="Ann", role="worker", team=team)
        source = new_store(tmp_path / "a")
        enrol(source, server_url=server.url, code=accounts.new_enrolment_code(admin, worker=ann))
        fill(source, ann, team, 120)
        SyncEngine(source).sync()
        target = new_store(tmp_path / "b")
        enrol(target, server_url=server.url, code=accounts.new_enrolment_code(admin, worker=ann))
        target.lock()
        child = subprocess.run(
            [sys.executable, "-c", KILLED_CLIENT, str(tmp_path / "b")], input=PASSPHRASE + "\n",
            capture_output=True, text=True, timeout=120, env={**os.environ})
        assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]

        target = CaseloadStore.unlock(tmp_path / "b", PASSPHRASE)
        first_page = local_rows(target)
        assert 0 < sum(len(v) for v in first_page.values()) <= 100  # page 1 only, page 2 lost
        assert int(target.setting(SETTING_CURSOR, 0) or 0) > 0
        SyncEngine(target, page_rows=100).sync()
        assert local_rows(target) == local_rows(source)  # every row once, none missing
        source.lock()
        target.lock()
    finally:
        server.stop()
        admin.dispose()
