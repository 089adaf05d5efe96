"""The server's side of the 10k-family initial push, in-process: the same bodies sync_floor.py
cuts from a real SQLCipher outbox, applied one by one with ``routes.push.apply_batch`` on a fresh
SQLite server database (no HTTP, no gzip; the collector tuned as ``serve`` tunes it). Prints wall
and CPU seconds and the answers' counts; ``--prof`` adds a pyinstrument profile (``pip install
-e ".[bench]"``; a sampling profiler: cProfile's per-call cost inflates small functions),
``--repeat N`` applies the same bodies to N fresh databases and prints each run (the machine is
noisy), ``--postgres`` uses a fresh schema on the local PostgreSQL instead of SQLite, ``--ab``
alternates runs with and without ``PushApplier.direct_new_rows`` (odd runs without it), for an
A/B in one process.

    python benchmarks/push_profile.py [FAMILIES] [--prof] [--repeat N] [--postgres] [--ab]
"""

import gc
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sync_bench
from sync_data import make_families
from sync_floor import encode_batches

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker_server import accounts, db
from familyworker_server.accounts import Actor
from familyworker_server.apply import PushApplier
from familyworker_server.config import ServerSettings
from familyworker_server.main import tune_gc
from familyworker_server.routes.push import apply_batch


def arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def server(tmp: Path, run: int) -> tuple[Any, str, str | None]:
    if "--postgres" in sys.argv:
        url = sync_bench.pg_url()
        assert url is not None, "PostgreSQL is not reachable"
    else:
        url = f"sqlite:///{tmp}/server-{run}.db"
    engine = db.make_engine(url)
    db.migrate(engine)
    team = accounts.add_team(engine, name="North")
    return engine, accounts.add_worker(engine, name="Ann", role="worker", team=team), team


def main() -> None:
    positional = [a for a in sys.argv[1:] if a.isdigit()]
    families = int(positional[0]) if positional else 10_000
    repeat = arg("--repeat", 1)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = CaseloadStore.create(tmp / "c", "a long benchmark passphrase", kdf=KDF_FLOOR)
        make_families(store, families, "lead", "team")
        raw = encode_batches(store)
        device = store.device_id
        store.lock()
        tune_gc()  # as `serve` does
        for run in range(repeat):
            if "--ab" in sys.argv:
                PushApplier.direct_new_rows = run % 2 == 0
            engine, worker, team = server(tmp, run)
            code = accounts.new_enrolment_code(engine, worker=worker)
            accounts.enrol(engine, code=code, device_id=device, device_name="bench")
            actor = Actor(device_id=device, worker_id=worker, role="worker", team_id=team)
            settings = ServerSettings(data_dir=tmp)
            stamp = f'"client_time":"{datetime.now(UTC).isoformat()}"'.encode()
            # The caseload names this server's worker and team, as a real device's does.
            bodies = [b.replace(b'"device_id":"d"', f'"device_id":"{device}"'.encode())
                      .replace(b'"client_time":""', stamp)
                      .replace(b'"lead"', f'"{worker}"'.encode())
                      .replace(b'"team"', f'"{team}"'.encode()) for b in raw]
            gc.collect()
            profiler: Any = None
            if "--prof" in sys.argv:
                from pyinstrument import Profiler
                profiler = Profiler(interval=0.0005)
                profiler.start()
            wall, cpu = time.perf_counter(), time.process_time()
            answers = [apply_batch(body, actor, engine, settings) for body in bodies]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if profiler is not None:
                profiler.stop()
            results = [r for a in answers for r in json.loads(a)["results"]]
            label = f" direct_new_rows={PushApplier.direct_new_rows}"
            print(f"run {run}{label}: {len(results)} ops in {len(bodies)} batches: "
                  f"wall {wall:.3f} s, cpu {cpu:.3f} s; "
                  f"{dict(Counter(r['status'] for r in results))}",
                  flush=True)
            if profiler is not None:
                print(profiler.output_text(unicode=False, color=False, show_all=False))
            engine.dispose()
            if "--postgres" in sys.argv:
                sync_bench.drop_pg_schema()


if __name__ == "__main__":
    main()
