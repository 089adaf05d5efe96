"""Two `serve` processes on one PostgreSQL database, devices alternating between them: they
converge with no change lost or stored twice. The server keeps nothing between requests: a
device enrols on one, pushes through the other and pulls through the first; pushes run on
both at once (sequence numbers stay unique); one instance stops and the other carries on."""

import threading
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from tests.server.serve_process import serving
from tests.sync.helpers import PG_URL, add_family, add_note, new_store, pg_available, pg_schema

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.engine import SETTING_SERVER_URL, SyncEngine, enrol
from familyworker_server import accounts, db
from familyworker_server.config import ServerSettings

pytestmark = pytest.mark.postgres
ROUNDS = 6


@pytest.fixture
def pg_url() -> str:
    if not pg_available():
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    with pg_schema() as url:
        yield url  # type: ignore[misc]


def _sync_via(store: CaseloadStore, url: str) -> None:
    store.set_setting(SETTING_SERVER_URL, url)
    engine = SyncEngine(store)
    try:
        engine.sync()
    finally:
        engine.close()


def _notes(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {str(i) for i in session.execute(text(
            "SELECT id FROM contact_note WHERE deleted_at IS NULL")).scalars()}


def test_two_instances_converge_with_nothing_lost_or_doubled(pg_url: str,
                                                             tmp_path: Path) -> None:
    engine = db.make_engine(ServerSettings(database_url=pg_url).resolved_url())
    db.migrate(engine)
    ann = accounts.add_worker(engine, name="Ann", role="worker",
                              team=accounts.add_team(engine, name="North"))
    devices = [new_store(tmp_path / f"laptop-{n}") for n in range(3)]
    made: list[set[str]] = [set() for _ in devices]
    with ExitStack() as stack:
        first = stack.enter_context(serving("--database-url", pg_url))
        second_stack = ExitStack()
        second = second_stack.enter_context(serving("--database-url", pg_url))
        urls = (first, second)
        # Enrol on the first, push through the second, pull through the first.
        for store in devices:
            enrol(store, server_url=first, code=accounts.new_enrolment_code(engine, worker=ann),
                  http=httpx.Client())
        family = add_family(devices[0], "FAM-1", "Smith")
        _sync_via(devices[0], second)
        _sync_via(devices[1], first)
        _sync_via(devices[2], second)
        for store in devices[1:]:
            with store.read() as session:
                assert session.execute(text("SELECT count(*) FROM family")).scalar_one() == 1

        start = threading.Barrier(len(devices))
        failures: list[BaseException] = []

        def work(index: int) -> None:
            store = devices[index]
            try:
                start.wait(timeout=120)
                for round_ in range(ROUNDS):
                    made[index].add(add_note(store, family, f"visit {index}-{round_}"))
                    _sync_via(store, urls[(index + round_) % 2])  # alternate instances
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(devices))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not failures, failures
        second_stack.close()  # one instance goes away; the other serves everyone
        for _ in range(2):
            for store in devices:
                _sync_via(store, first)
    everything = set().union(*made)
    assert len(everything) == len(devices) * ROUNDS
    for store in devices:
        assert _notes(store) == everything
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT row_id, server_seq FROM sync_row "
                                 "WHERE table_name = 'contact_note'")).all()
        top = conn.execute(text("SELECT value FROM sync_counter WHERE id = 1")).scalar_one()
        all_seqs = conn.execute(text("SELECT server_seq FROM sync_row")).scalars().all()
    assert sorted(r.row_id for r in rows) == sorted(everything)  # none lost, none twice
    assert len(set(all_seqs)) == len(all_seqs) and max(all_seqs) <= top
    engine.dispose()
