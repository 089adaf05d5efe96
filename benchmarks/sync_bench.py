"""Sync figures through the real server (``familyworker-server serve`` on 127.0.0.1, a child
process) and the real SQLCipher client; each figure printed, the last line one JSON object."""

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, cast

import httpx
import sync_floor
import sync_load
from sqlalchemy import create_engine, text
from sqlmodel import select
from sync_data import make_families

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.tables import FamilyRow
from familyworker.sync.engine import SyncEngine, enrol
from familyworker_server import accounts, db
from familyworker_server.background import ServerProcess, spawn_server

QUICK = "--quick" in sys.argv  # a smoke run of every phase at a fraction of the size
# Stop after the 10k push and pull and their floor ratios (to iterate on the push quickly).
PUSH_ONLY = "--push-only" in sys.argv
FAMILIES = 300 if QUICK else 10_000
SUPERVISED = 50 if QUICK else 1_000
DEVICES = 10 if QUICK else 50
PG_SCHEMA = "fw_bench_" + uuid.uuid4().hex[:8]
# The 10k push and pull are judged against sync_floor.py's floor for the same data, measured
# in the same run (the machine is shared and noisy): push <= 1.5 x its floor, pull <= 1.2 x.
PUSH_FLOOR_TARGET = 1.5
PULL_FLOOR_TARGET = 1.2


class CountingClient:
    """Counts bytes on the wire (compressed request bodies and downloaded responses)."""

    def __init__(self) -> None:
        self.inner = httpx.Client(timeout=120)
        self.sent = 0
        self.received = 0

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        content = kwargs.get("content")
        self.sent += len(content) if isinstance(content, bytes) else 0
        response = self.inner.request(method, url, **kwargs)
        self.received += response.num_bytes_downloaded
        return response

    def close(self) -> None:
        self.inner.close()


def server_cpu(server: ServerProcess) -> float:
    """CPU seconds the server process has used (Linux /proc; 0 elsewhere). With other jobs on
    the machine, CPU seconds say more about our own cost than wall time does."""
    try:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall seconds plus client and server CPU seconds of one phase."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server

    def __enter__(self) -> "Timer":
        self.wall, self.cpu, self.srv = time.perf_counter(), time.process_time(), \
            server_cpu(self.server)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = round(time.perf_counter() - self.wall, 3)
        self.cpu = round(time.process_time() - self.cpu, 2)
        self.srv = round(server_cpu(self.server) - self.srv, 2)


def floor_line(phase: str, seconds: float, floor: float, target: float) -> float:
    """Print how many times its floor a phase took; return that ratio."""
    ratio = round(seconds / floor, 2)
    print(f"{phase} {seconds:.2f} s = {ratio:.1f} x floor {floor:.2f} s (target <= {target} x)",
          flush=True)
    return ratio


def report(figures: dict[str, Any], **values: Any) -> None:
    for name, value in values.items():
        print(f"{name}: {value}", flush=True)
    figures.update(values)


def pg_url() -> str | None:
    """An isolated schema on the local PostgreSQL, or None when it cannot be reached."""
    base = os.environ.get("FAMILYWORKER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        admin.dispose()
    except Exception:
        return None
    return f"{base}?options=-csearch_path%3D{PG_SCHEMA}"


def drop_pg_schema() -> None:
    base = os.environ.get("FAMILYWORKER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    admin.dispose()


def load_test(server: ServerProcess, url: str, label: str, figures: dict[str, Any], *,
              paced: bool = True) -> None:
    admin = db.make_engine(url)
    team = accounts.add_team(admin, name=f"Load {label}")
    devices = sync_load.enrol_devices(server.url, admin, team, DEVICES)
    with Timer(server) as timer:
        load = sync_load.load_figures(server.url, devices)
    # (With --workers the CPU is in the worker processes, not the one measured here.)
    report(figures, **{f"load_{label}_{k}": v for k, v in load.items()},
           **{f"load_{label}_server_cpu_s": timer.srv})
    if paced:
        # The same devices each syncing once every 2 s: a busy office, far above "every N
        # minutes".
        every_2s = sync_load.load_figures(server.url, devices, rounds=5, period=2.0)
        report(figures, **{f"load_{label}_paced_{k}": v for k, v in every_2s.items()})
    admin.dispose()


def main() -> None:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with spawn_server(tmp / "server") as server:
            url = f"sqlite:///{tmp / 'server' / 'familyworker-server.db'}"
            admin = db.make_engine(url)
            team = accounts.add_team(admin, name="North")
            worker = accounts.add_worker(admin, name="Ann", role="worker", team=team)

            def device(name: str, who: str) -> tuple[CaseloadStore, CountingClient]:
                store = CaseloadStore.create(tmp / name, "a long benchmark passphrase",
                                             kdf=KDF_FLOOR)
                http = CountingClient()
                enrol(store, server_url=server.url,
                      code=accounts.new_enrolment_code(admin, worker=who),
                      http=cast(httpx.Client, http))
                return store, http

            a, a_http = device("a", worker)
            make_families(a, FAMILIES, worker, team)
            # The floor for the same number of families, just before the push and pull.
            floor = sync_floor.measure_floor(FAMILIES)
            report(figures, push_floor_s=floor["push_floor_s"],
                   pull_floor_s=floor["pull_floor_s"])
            engine_a = SyncEngine(a, http=cast(httpx.Client, a_http))
            with Timer(server) as t:
                engine_a.push()
            report(figures, initial_push_s=t.wall, initial_push_client_cpu_s=t.cpu,
                   initial_push_server_cpu_s=t.srv, push_bytes=a_http.sent)
            engine_a.pull()
            b, b_http = device("b", worker)
            engine_b = SyncEngine(b, http=cast(httpx.Client, b_http))
            with Timer(server) as t:
                pulled = engine_b.sync()
            report(figures, initial_pull_s=t.wall, initial_pull_client_cpu_s=t.cpu,
                   initial_pull_server_cpu_s=t.srv, pull_bytes=b_http.received,
                   pulled_rows=pulled.pulled)
            figures.update(
                push_floor_ratio=floor_line("push", figures["initial_push_s"],
                                            figures["push_floor_s"], PUSH_FLOOR_TARGET),
                pull_floor_ratio=floor_line("pull", figures["initial_pull_s"],
                                            figures["pull_floor_s"], PULL_FLOOR_TARGET))
            if PUSH_ONLY:
                print(json.dumps(figures), flush=True)
                admin.dispose()
                return
            with a.read() as session:
                rows = list(session.exec(select(FamilyRow).limit(30)).all())
            trips: list[float] = []
            for round_ in range(5):
                with a.unit_of_work() as uow:
                    for row in rows:
                        uow.update(row, {"address": f"{row.address} ({round_})"})
                start = time.perf_counter()
                engine_a.sync()
                delta = engine_b.sync()
                trips.append((time.perf_counter() - start) * 1000)
            report(figures, delta_round_trip_ms=round(statistics.median(trips), 1),
                   delta_rows=delta.pulled)

            # A worker's 40-family caseload to a new device.
            bea = accounts.add_worker(admin, name="Bea", role="worker", team=team)
            rows_40 = sync_load.seed_caseload(admin, team=team, lead=bea, families=40)
            c, _ = device("c", bea)
            with Timer(server) as t:
                got = SyncEngine(c).sync()
            report(figures, caseload_40_rows=rows_40, caseload_40_initial_sync_s=t.wall,
                   caseload_40_client_cpu_s=t.cpu, caseload_40_server_cpu_s=t.srv)
            assert got.pulled >= rows_40, (got.pulled, rows_40)

            # A supervisor's 1,000-family team scope to a new device.
            east = accounts.add_team(admin, name="East")
            eve = accounts.add_worker(admin, name="Eve", role="worker", team=east)
            sam = accounts.add_worker(admin, name="Sam", role="supervisor", team=east)
            rows_1000 = sync_load.seed_caseload(admin, team=east, lead=eve, families=SUPERVISED)
            d, _ = device("d", sam)
            with Timer(server) as t:
                got = SyncEngine(d).sync()
            report(figures, supervisor_1000_rows=rows_1000,
                   supervisor_1000_initial_sync_s=t.wall, supervisor_1000_client_cpu_s=t.cpu,
                   supervisor_1000_server_cpu_s=t.srv)
            assert got.pulled >= rows_1000, (got.pulled, rows_1000)
            for store in (a, b, c, d):
                store.lock()
            admin.dispose()

        # 50 devices at once, each on a fresh server so earlier figures do not weigh on it.
        with spawn_server(tmp / "load") as server:
            load_test(server, f"sqlite:///{tmp / 'load' / 'familyworker-server.db'}", "sqlite",
                      figures)
        # Back to back again with two server processes (serve --workers 2).
        with spawn_server(tmp / "load2", workers=2) as server:
            load_test(server, f"sqlite:///{tmp / 'load2' / 'familyworker-server.db'}",
                      "sqlite_2_workers", figures, paced=False)
        pg = pg_url()
        if pg is None:
            print("load_postgres: skipped (PostgreSQL is not reachable)")
            figures["load_postgres"] = "skipped"
        else:
            try:
                with spawn_server(database_url=pg) as server:
                    load_test(server, pg, "postgres", figures)
            finally:
                drop_pg_schema()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
