"""Server sizing figures for docs/deploy.md: requests per core-second for push and pull on SQLite
and PostgreSQL, rows a worker's device holds, and PostgreSQL storage per 1,000 families.

"Per core-second" divides requests answered by the CPU seconds the one server process used
(Linux /proc), so the figure says what one core buys whatever else runs on the machine. Each
figure is printed; the last line is one JSON object. ``--quick``: a smoke run, smaller.
"""

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sync_load
from sqlalchemy import text
from sync_bench import drop_pg_schema, pg_url, server_cpu

from familyworker_server import accounts, db
from familyworker_server.background import ServerProcess, spawn_server

QUICK = "--quick" in sys.argv
DEVICES = 8 if QUICK else 20
ROUNDS = 5 if QUICK else 25
CHANGES = 10  # ops per push: a note or two and their people, a day's work is a few pushes
STORAGE_FAMILIES = 50 if QUICK else 200
# A worker's caseload (docs/deploy.md): families each with 4 people and 120 notes.
CASELOAD_FAMILIES = 18


async def _pushes(url: str, devices: list[sync_load.Device]) -> int:
    async def one(device: sync_load.Device) -> int:
        http = sync_load.RawConnection(url)
        try:
            for _ in range(ROUNDS):
                body = sync_load._push_body(device, sync_load._day_of_work(device, CHANGES))
                status, _ = await http.request("POST", "/sync/v1/push",
                                               sync_load._headers(device), body)
                assert status == 200, status
        finally:
            http.close()
        return ROUNDS
    return sum(await asyncio.gather(*[one(d) for d in devices]))


async def _pulls(url: str, devices: list[sync_load.Device]) -> int:
    """Delta pulls with nothing new, the request a device makes most (every sync pass)."""
    async def one(device: sync_load.Device) -> int:
        http = sync_load.RawConnection(url)
        try:
            for _ in range(ROUNDS * 2):
                query = urlencode({**sync_load.V, "cursor": device.cursor})
                status, page = await http.request("GET", f"/sync/v1/pull?{query}",
                                                  sync_load._headers(device))
                assert status == 200, status
                device.cursor = json.loads(page)["next_cursor"]
        finally:
            http.close()
        return ROUNDS * 2
    return sum(await asyncio.gather(*[one(d) for d in devices]))


def per_core(server: ServerProcess, run: Any) -> tuple[float, float]:
    """(requests per server CPU second, requests per wall second) of one phase."""
    cpu, wall = server_cpu(server), time.perf_counter()
    requests = asyncio.run(run)
    cpu, wall = server_cpu(server) - cpu, time.perf_counter() - wall
    return round(requests / max(cpu, 0.01), 1), round(requests / wall, 1)


def capacity(label: str, server: ServerProcess, url: str, figures: dict[str, Any]) -> None:
    admin = db.make_engine(url)
    team = accounts.add_team(admin, name=f"Capacity {label}")
    devices = sync_load.enrol_devices(server.url, admin, team, DEVICES)
    admin.dispose()
    push_core, push_wall = per_core(server, _pushes(server.url, devices))
    pull_core, pull_wall = per_core(server, _pulls(server.url, devices))
    for name, value in {f"{label}_push_per_core_s": push_core,
                        f"{label}_push_per_s": push_wall,
                        f"{label}_pull_per_core_s": pull_core,
                        f"{label}_pull_per_s": pull_wall}.items():
        print(f"{name}: {value}", flush=True)
        figures[name] = value


def storage(url: str, figures: dict[str, Any]) -> None:
    """PostgreSQL bytes (tables and indexes) per 1,000 families of the seeded shape."""
    engine = db.make_engine(url)
    team = accounts.add_team(engine, name="Storage")
    lead = accounts.add_worker(engine, name="Storage worker", role="worker", team=team)

    def size() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                "AND n.nspname = current_schema()")).scalar_one())

    before = size()
    rows = sync_load.seed_caseload(engine, team=team, lead=lead, families=STORAGE_FAMILIES)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    grown = size() - before
    engine.dispose()
    per_family_rows = rows / STORAGE_FAMILIES
    values = {"rows_per_family": round(per_family_rows, 1),
              "rows_per_device": round(per_family_rows * CASELOAD_FAMILIES),
              "pg_mb_per_1000_families": round(grown / STORAGE_FAMILIES * 1000 / 2**20, 1)}
    for name, value in values.items():
        print(f"{name}: {value}", flush=True)
    figures.update(values)


def main() -> None:
    figures: dict[str, Any] = {"devices": DEVICES, "ops_per_push": CHANGES}
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "server"
        server = spawn_server(data)
        try:
            capacity("sqlite", server, f"sqlite:///{data / 'familyworker-server.db'}", figures)
        finally:
            server.stop()
    url = pg_url()
    if url is None:
        print("PostgreSQL is not reachable: its figures are left out", flush=True)
    else:
        try:
            server = spawn_server(database_url=url)
            try:
                capacity("postgresql", server, url, figures)
            finally:
                server.stop()
            storage(url, figures)
        finally:
            drop_pg_schema()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
