"""`familyworker-server serve --workers N`: several processes on one port and one database.
Two devices push at the same time through them; both end with every row, each once."""

import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.sync.helpers import new_store
from tests.sync.test_kill import TABLES, fill, local_rows

from familyworker.sync.engine import SyncEngine, enrol
from familyworker_server import accounts, db, models
from familyworker_server.background import spawn_server

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    """Child process ids (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts processes in /proc")
def test_two_server_processes_serve_two_devices_pushing_at_once(tmp_path: Path) -> None:
    server = spawn_server(tmp_path / "server", log_path=tmp_path / "server.log", workers=2)
    admin = db.make_engine(f"sqlite:///{tmp_path / 'server' / 'familyworker-server.db'}")
    try:
        # uvicorn's supervisor runs the workers as its children (plus a resource tracker).
        assert len(_children(server.process.pid)) >= 2
        team = accounts.add_team(admin, name="North")
        ann = accounts.add_worker(admin, name="Ann", role="worker", team=team)
        stores = []
        for name in ("laptop", "tablet"):
            store = new_store(tmp_path / name)
            enrol(store, server_url=server.url,
                  code=accounts.new_enrolment_code(admin, worker=ann))
            fill(store, ann, team, 60)
            stores.append(store)
        failures: list[BaseException] = []

        def push(store: object) -> None:
            engine = SyncEngine(store, batch_ops=20)  # type: ignore[arg-type]
            try:
                engine.push()
            except BaseException as error:
                failures.append(error)
            finally:
                engine.close()

        pushers = [threading.Thread(target=push, args=(s,)) for s in stores]
        for pusher in pushers:
            pusher.start()
        for pusher in pushers:
            pusher.join(timeout=120)
        assert failures == []
        for store in stores:
            engine = SyncEngine(store)
            engine.sync()
            engine.close()
        laptop, tablet = (local_rows(s) for s in stores)
        assert {t: len(v) for t, v in laptop.items()} == dict.fromkeys(TABLES, 120)
        assert laptop == tablet
        with admin.connect() as conn:
            rows = conn.execute(select(func.count()).select_from(models.sync_row)).scalar_one()
            seqs = conn.execute(select(func.count(models.sync_row.c.server_seq.distinct())))
            assert rows == seqs.scalar_one()  # one sequence number per row, none shared
        for store in stores:
            store.lock()
    finally:
        server.stop()
        admin.dispose()
