"""The server's side of the 10k-family initial push, in-process: the same bodies sync_floor.py
cuts from a real SQLCipher outbox, applied one by one with ``routes.push.apply_batch`` on a fresh
SQLite server database (no HTTP, no gzip; the collector tuned as ``serve`` tunes it). Prints wall
and CPU seconds and the answers' counts; ``--prof`` adds a pyinstrument profile (``pip install
-e ".[bench]"``; a sampling profiler: cProfile's per-call cost inflates small functions),
``--repeat N`` applies the same bodies to N fresh databases and prints each run (the machine is
noisy), ``--postgres`` uses a fresh schema on the local PostgreSQL instead of SQLite, ``--ab
FLAG`` alternates runs with and without one of the server's switches (odd runs without it), for
an A/B in one process; FLAG is one of the names in ``SWITCHES`` (default direct_new_rows).
``--ab-ref REV`` alternates instead between the working tree's server and the push path
(``screen.py``, ``apply.py``, ``routes/push.py``) as it was at git revision REV (odd runs), the
rest of the server shared: an A/B of a change against its parent, in one process.

    python benchmarks/push_profile.py [FAMILIES] [--prof] [--repeat N] [--postgres]
        [--ab [FLAG] | --ab-ref REV]
"""

import gc
import json
import subprocess
import sys
import tempfile
import time
import types
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

# The switches --ab can turn off on odd runs: each a (holder, attribute) set to a bool.
SWITCHES: dict[str, tuple[Any, str]] = {
    "direct_new_rows": (PushApplier, "direct_new_rows"),
}


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


def reference_apply_batch(rev: str) -> Any:
    """``apply_batch`` with screen.py, apply.py and routes/push.py as at git ``rev``: each
    file's text run as a module of its own, its imports of the other two pointed at the old
    copies."""
    root = Path(__file__).resolve().parent.parent
    loaded: dict[str, types.ModuleType] = {}
    for name in ("screen", "apply", "routes.push"):
        path = "sync/familyworker_server/" + name.replace(".", "/") + ".py"
        source = subprocess.run(["git", "-C", str(root), "show", f"{rev}:{path}"],
                                check=True, capture_output=True, text=True).stdout
        module = types.ModuleType(f"reference_{name.replace('.', '_')}")
        module.__file__ = path
        exec(compile(source, path, "exec"), module.__dict__)
        for older in loaded.values():  # names it imported from the files loaded before it
            for attr, value in list(module.__dict__.items()):
                current = getattr(value, "__module__", None)
                if current and hasattr(older, attr) and current.startswith("familyworker_server"):
                    module.__dict__[attr] = getattr(older, attr)
        loaded[name] = module
    return loaded["routes.push"].apply_batch


def main() -> None:
    # (A number after --repeat is the repeat count, not the families.)
    positional = [a for i, a in enumerate(sys.argv[1:], 1)
                  if a.isdigit() and sys.argv[i - 1] != "--repeat"]
    families = int(positional[0]) if positional else 10_000
    repeat = arg("--repeat", 1)
    switch: tuple[Any, str] | None = None
    if "--ab" in sys.argv:
        after = sys.argv[sys.argv.index("--ab") + 1:]
        name = after[0] if after and after[0] in SWITCHES else "direct_new_rows"
        switch = SWITCHES[name]
    reference = reference_apply_batch(sys.argv[sys.argv.index("--ab-ref") + 1]) \
        if "--ab-ref" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = CaseloadStore.create(tmp / "c", "a long benchmark passphrase", kdf=KDF_FLOOR)
        make_families(store, families, "lead", "team")
        raw = encode_batches(store)
        device = store.device_id
        store.lock()
        tune_gc()  # as `serve` does
        for run in range(repeat):
            if switch is not None:
                setattr(*switch, run % 2 == 0)
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
            apply = reference if reference is not None and run % 2 == 1 else apply_batch
            answers = [apply(body, actor, engine, settings) for body in bodies]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if profiler is not None:
                profiler.stop()
            results = [r for a in answers for r in json.loads(a)["results"]]
            label = "" if switch is None else f" {switch[1]}={getattr(*switch)}"
            if reference is not None:
                label = " reference" if apply is reference else " changed"
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
