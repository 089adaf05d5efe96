"""`familyworker demo`: a local sync server, enrolled demo worker and supervisor, then the app."""

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from familyworker.cli.common import EXIT_OK, CommandFailed
from familyworker.services.demo import DEMO_PASSPHRASE, import_demo, load_demo_data
from familyworker.services.sync_status import set_sync_interval
from familyworker.store.caseload_store import CaseloadStore

log = logging.getLogger(__name__)

DEMO_SYNC_MINUTES = 1
DEMO_WORKER = "w1"  # whose laptop the app opens on
DEMO_SUPERVISOR = "s1"


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo", help="open the app on a fresh demo caseload with a local sync server")
    demo.add_argument("--data-dir", type=Path, default=None,
                      help="folder for the demo (default: a new temporary folder)")
    demo.add_argument("--no-server", action="store_true",
                      help="skip the local sync server (offline demo)")
    demo.add_argument("--no-gui", action="store_true",
                      help="set everything up and stop (for scripts and tests)")
    demo.set_defaults(handler=cmd_demo)


def prepare_demo(root: Path, *, with_server: bool) -> tuple[Path, Any]:
    """Build the demo under `root`; returns the worker's caseload folder and the server (or None).

    With a server: the demo team and its workers exist on it; the worker's laptop, each
    colleague's laptop (under `colleagues/`) and the supervisor's laptop are enrolled; each
    worker's families are loaded on their own laptop and synced up, so the server and the
    supervisor's team view hold the whole team's caseload while the worker's laptop holds only
    the worker's own families.
    """
    worker_dir = root / "worker-caseload"
    if not with_server:
        store = CaseloadStore.create(worker_dir, DEMO_PASSPHRASE)
        try:
            import_demo(store)
        finally:
            store.lock()
        return worker_dir, None

    from familyworker.sync.engine import SyncEngine, enrol
    from familyworker_server import accounts
    from familyworker_server.background import start_server
    from familyworker_server.db import make_engine

    server = start_server(root / "server")
    admin = make_engine(server.settings.resolved_url())
    demo = load_demo_data()
    team = accounts.add_team(admin, name=demo["team"]["name"])
    codes: dict[str, str] = {}
    for worker in demo["workers"]:
        worker_id = accounts.add_worker(admin, name=worker["name"], role=worker["role"],
                                        team=team)
        codes[worker["key"]] = accounts.new_enrolment_code(admin, worker=worker_id)
    admin.dispose()

    laptops = [(worker["key"], worker_dir if worker["key"] == DEMO_WORKER
                else root / "colleagues" / f"{worker['key']}-caseload", True)
               for worker in demo["workers"] if worker["role"] == "worker"]
    # The supervisor syncs last, so the team view opens on everyone's families.
    laptops += [(worker["key"], root / "supervisor-caseload", False)
                for worker in demo["workers"] if worker["key"] == DEMO_SUPERVISOR]
    for key, folder, own_families in laptops:
        store = CaseloadStore.create(folder, DEMO_PASSPHRASE)
        try:
            enrol(store, server_url=server.url, code=codes[key])
            if own_families:
                import_demo(store, as_worker=key, only_own_families=True)
                # A short tick so the demo's status bar visibly keeps itself up to date.
                set_sync_interval(store, DEMO_SYNC_MINUTES)
            engine = SyncEngine(store)
            try:
                engine.sync()
            finally:
                engine.close()
        finally:
            store.lock()
    return worker_dir, server


def cmd_demo(args: argparse.Namespace) -> int:
    if not args.no_gui:
        from familyworker.cli.main import missing_display

        problem = missing_display()
        if problem:  # say so before building a demo no window can show
            raise CommandFailed(problem)
    root = Path(args.data_dir) if args.data_dir else Path(
        tempfile.mkdtemp(prefix="familyworker-demo-"))
    if (root / "worker-caseload").exists():
        raise CommandFailed("That folder already holds a demo; choose an empty folder.")
    worker_dir, server = prepare_demo(root, with_server=not args.no_server)
    sys.stdout.write(f"Demo caseload ready. Passphrase: {DEMO_PASSPHRASE}\n"
                     f"Demo folder (kept afterwards; delete it when done): {root}\n")
    if server is not None:
        sys.stdout.write(f"Local sync server: {server.url}\n")
    try:
        if args.no_gui:
            return EXIT_OK
        from familyworker.app import run_gui

        return run_gui(worker_dir, demo_passphrase=DEMO_PASSPHRASE)
    finally:
        if server is not None:
            server.stop()
