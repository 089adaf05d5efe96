"""familyworker-server: serve, and the admin commands for teams, workers and devices."""

import argparse
import getpass
import json
import os
import shlex
import stat
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from familyworker_server import (
    accounts,
    audit_chain,
    backup,
    db,
    env_config,
    quarterly_return,
    retention,
    subject_access,
    tombstones,
    unlock_codes,
)
from familyworker_server.config import (
    CLOSED_GRACE_DAYS,
    CLOSED_GRACE_MAX_DAYS,
    DATABASE_FILE,
    OFFLINE_POLICY_DAYS,
    OFFLINE_POLICY_MAX_DAYS,
    ServerSettings,
)
from familyworker_server.janitor import TombstoneJanitor
from familyworker_server.quarantine_list import list_quarantine


def _settings(args: argparse.Namespace) -> ServerSettings:
    if not args.data and not args.database_url:
        raise accounts.AdminError("Give --data DIR or --database-url URL.")
    if args.data:
        refusal = _open_to_others(Path(args.data))
        if refusal:
            raise accounts.AdminError(refusal)
        # A folder we make ourselves is private from the start (db.make_engine does the same).
        Path(args.data).mkdir(parents=True, exist_ok=True, mode=0o700)
    return ServerSettings(data_dir=Path(args.data) if args.data else None,
                          database_url=args.database_url or "")


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:  # not made yet, or a -wal a running server just removed
        return None


def _open_to_others(data: Path) -> str | None:
    """Why an existing data folder must not be used as it is, in one sentence; else None.

    The database holds names and notes in clear, so neither the folder nor its database files
    may let group or other users in (any of their bits set). A folder not there yet is fine:
    it is made 0700. POSIX modes say nothing on Windows (ACLs do), so it is not checked there.
    """
    if os.name == "nt":
        return None
    folder = _mode(data)
    if folder is not None and folder & 0o077:
        return (f"The data folder {data} is open to other users of this computer; run: "
                f"chmod 700 {shlex.quote(str(data))} (and chmod 600 the files in it), "
                "then start again.")
    loose = [path for path in db.sqlite_files(data / DATABASE_FILE)
             if (mode := _mode(path)) is not None and mode & 0o077]
    if loose:
        return (f"The database files in the data folder {data} are open to other users of this "
                f"computer; run: chmod 600 {' '.join(shlex.quote(str(p)) for p in loose)}, "
                "then start again.")
    return None


def _engine(args: argparse.Namespace) -> Engine:
    engine = db.make_engine(_settings(args).resolved_url())
    db.migrate(engine)
    return engine


def _add_db_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data", metavar="DIR", help="embedded SQLite database in DIR")
    where.add_argument("--database-url", metavar="URL", help="postgresql://user@host/db")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="familyworker-server",
                                     description="FamilyWorker sync server and admin commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server")
    # Defaults None: a setting not given here comes from its variable, else its default
    # (env_config.OPTIONS; the defaults below are only for --help).
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="default 8765")
    serve.add_argument("--ssl-keyfile")
    serve.add_argument("--ssl-certfile")
    serve.add_argument("--tombstone-days", type=float, metavar="DAYS",
                       help="purge deletion records older than this once a day (default "
                            f"{tombstones.DEFAULT_MAX_OFFLINE_DAYS}; 0 turns the daily purge "
                            "off, e.g. when purge-tombstones runs from cron)")
    serve.add_argument("--closed-grace-days", type=int, metavar="DAYS",
                       help="organisation policy: a worker's laptop drops a closed family this "
                            "many days after it closed, unless its sustainability review is "
                            f"near (default {CLOSED_GRACE_DAYS})")
    serve.add_argument("--retention-daily", action="store_true", default=None,
                       help="delete closed families past their retention time once a day "
                            "(as `retention --apply`; held families are kept)")
    serve.add_argument("--max-offline-days", type=int, metavar="DAYS",
                       help="organisation policy: a laptop that has not reached this server "
                            "for this many days must reach it before its caseload opens "
                            f"(default {OFFLINE_POLICY_DAYS}; 0: no limit)")
    serve.add_argument("--workers", type=int, metavar="N",
                       help="server processes sharing the port (the server keeps no state "
                            "between requests; on SQLite writes still take turns; default 1)")
    serve.add_argument("--metrics-token", metavar="TOKEN",
                       help="bearer token for /metrics from other machines (prefer "
                            "FAMILYWORKER_METRICS_TOKEN: options show in the process list)")
    serve.add_argument("--log-format", choices=("json", "text"), help="default json")
    team = sub.add_parser("add-team", help="create a team")
    team.add_argument("name")
    worker = sub.add_parser("add-worker", help="add a worker; prints the worker id")
    worker.add_argument("name")
    worker.add_argument("--role", choices=accounts.ROLES, default="worker")
    worker.add_argument("--team")
    code = sub.add_parser("enrolment-code", help="a single-use code to enrol one device")
    code.add_argument("worker", help="worker id or name")
    code.add_argument("--hours", type=int, default=72)
    unlock = sub.add_parser("unlock-code", help="a single-use code that lets a device's worker "
                            "try their passphrase again after 10 wrong ones (give it only once "
                            "you are sure who is asking)")
    unlock.add_argument("device", help="device id (list-devices)")
    unlock.add_argument("--hours", type=int, default=unlock_codes.DEFAULT_HOURS)
    sub.add_parser("list-devices", help="enrolled devices, their state and when last seen")
    refused = sub.add_parser("quarantine", help="changes the server refused (who, when, which "
                             "record, why; never their values)")
    refused.add_argument("--json", action="store_true")
    revoke = sub.add_parser("revoke-device", help="refuse a device from now on; it wipes itself")
    revoke.add_argument("device")
    disable = sub.add_parser("disable-worker", help="someone leaving: all their devices are "
                             "refused and wipe their caseloads at their next contact")
    disable.add_argument("worker", help="worker id or name")
    purge = sub.add_parser(
        "purge-tombstones", help="remove deletion records older than the offline window; "
        "devices offline for longer download their caseload again (run nightly)")
    purge.add_argument("--older-than-days", type=float, metavar="DAYS",
                       default=tombstones.DEFAULT_MAX_OFFLINE_DAYS,
                       help="the longest a device may stay offline without a full download "
                            f"(default {tombstones.DEFAULT_MAX_OFFLINE_DAYS})")
    verify = sub.add_parser("audit-verify", help="check the audit log's hash chain: exit 0 "
                            "when intact, 1 naming the first row changed or removed")
    sar = sub.add_parser("subject-access", help="a subject access request: every record held "
                         "about a family (or one person in it), deleted ones included, as a "
                         "zip for the data protection officer")
    sar.add_argument("--family", required=True, metavar="REF", help="family reference or id")
    sar.add_argument("--out", required=True, metavar="FILE.zip", type=Path)
    sar.add_argument("--person", metavar="NAME",
                     help="only this household member's records and the household's own")
    sar.add_argument("--force", action="store_true", help="replace an existing file")
    save = sub.add_parser("backup", help="a consistent copy of the database while the server "
                          "runs (SQLite: one file; PostgreSQL: pg_dump --format=custom)")
    save.add_argument("--out", required=True, metavar="FILE", type=Path)
    save.add_argument("--force", action="store_true", help="replace an existing file")
    load = sub.add_parser("restore", help="restore a backup into an empty data folder or an "
                          "empty database (stop the server first); devices resync by themselves")
    load.add_argument("file", metavar="FILE", type=Path)
    retention_commands = _add_retention_commands(sub)
    report = _add_report_command(sub)
    for command in (serve, team, worker, code, unlock, revoke, disable, purge, refused, verify,
                    sar, save, load, sub.choices["list-devices"], *retention_commands,
                    report):
        _add_db_options(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        env_config.apply_environment(args, os.environ)
    except env_config.ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command in ("backup", "restore"):
            return _backup_command(args)
        engine = _engine(args)
        if args.command == "add-team":
            print(accounts.add_team(engine, name=args.name))
        elif args.command == "add-worker":
            print(accounts.add_worker(engine, name=args.name, role=args.role, team=args.team))
        elif args.command == "enrolment-code":
            code = accounts.new_enrolment_code(engine, worker=args.worker, hours=args.hours)
            print(f"Single use, expires in {args.hours} hours:")
            print(code)
        elif args.command == "unlock-code":
            code = unlock_codes.new_unlock_code(engine, device_id=args.device, hours=args.hours)
            print(f"Single use, for this device only, expires in {args.hours} hours:")
            print(code)
        elif args.command == "list-devices":
            for device in accounts.list_devices(engine):
                # "reconnect-needed": its tokens were stopped for a reused refresh token.
                state = "revoked" if device["revoked_at"] else \
                    "worker-disabled" if device["worker_disabled_at"] else \
                    "reconnect-needed" if device.get("tokens_revoked_at") else "active"
                seen = device["last_seen_at"]
                last = f"{seen:%Y-%m-%d %H:%M}" if seen is not None else "never"
                print(f"{device['id']}  {state}  {device['worker']}  {device['name']}  "
                      f"last seen {last}")
        elif args.command == "quarantine":
            entries = list_quarantine(engine)
            if args.json:
                print(json.dumps(entries, indent=2))
            elif not entries:
                print("No refused changes.")
            for entry in entries if not args.json else []:
                print(f"{entry['at'][:16]}  {entry['worker'] or entry['device_id']}  "
                      f"{entry['table']} {entry['kind']}  {entry['reason']}  "
                      f"family {entry['family_id'] or '-'}  ({entry['op_id']})")
        elif args.command == "revoke-device":
            accounts.revoke_device(engine, device_id=args.device)
            print("Revoked. The device wipes its caseload at its next contact.")
        elif args.command == "disable-worker":
            devices = accounts.disable_worker(engine, worker=args.worker)
            print(f"Disabled. Their {devices} device(s) are refused from now on and wipe their "
                  "caseloads at their next contact; hand their families to another worker.")
        elif args.command == "audit-verify":
            with engine.connect() as conn:
                report = audit_chain.verify(conn)
            if report.broken is not None:
                print(report.broken.in_words(), file=sys.stderr)
                return 1
            print(f"The audit chain is intact: {report.rows} rows.")
        elif args.command == "subject-access":
            done = subject_access.export(engine, family=args.family, out=args.out,
                                           person=args.person, force=args.force)
            print(f"Wrote {done.records} records to {done.path}; "
                  f"{done.review} notes or addenda name other people: see "
                  "REDACTION_REVIEW.txt in it before disclosure.")
        elif args.command in RETENTION_COMMANDS:
            return _retention_command(engine, args)
        elif args.command == "report":
            quarterly = quarterly_return.export(engine, quarter_text=args.quarter, out=args.out,
                                                family_costs=args.family_costs,
                                                costs_file=args.costs,
                                                plan_file=args.outcome_plan)
            total = quarterly.result.total
            print(f"{quarterly.result.quarter}: {total.families} families and "
                  f"{total.individuals} individuals worked with, cost avoided "
                  f"£{total.cost_avoidance:,.2f}. Wrote {args.out}.")
        elif args.command == "purge-tombstones":
            if args.older_than_days < 0:
                raise accounts.AdminError("--older-than-days must not be negative.")
            result = tombstones.purge_tombstones(engine, older_than_days=args.older_than_days)
            print(f"Removed {result.removed} deletion records older than "
                  f"{args.older_than_days:g} days. Devices last synced before them download "
                  "their caseload again at their next sync.")
    except accounts.AdminError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _backup_command(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.command == "backup":
        done = backup.backup(settings, args.out, force=args.force)
        print(f"Wrote a {done.kind} backup of {done.bytes:,} bytes to {done.path}. It holds "
              "case records in clear: keep it encrypted and access-controlled.")
        return 0
    backup.restore(settings, args.file)
    print("Restored. Start the server; each device downloads its caseload again and re-sends "
          "its own changes at its next sync.")
    return 0


RETENTION_COMMANDS = ("hold", "release", "retention")


def _add_report_command(sub: Any) -> argparse.ArgumentParser:
    report = sub.add_parser("report", help="reports from the stored rows: the quarterly return "
                            "(report return --quarter 2026Q3 --out FILE.csv)")
    kinds = report.add_subparsers(dest="report_kind", required=True, metavar="REPORT")
    quarterly: argparse.ArgumentParser = kinds.add_parser(
        "return", help="the quarterly return, per team and in total (the same figures as the "
                       "app's report return)")
    quarterly.add_argument("--quarter", required=True, help="e.g. 2026Q3 (1 July to 30 Sept)")
    quarterly.add_argument("--out", required=True, type=Path, metavar="FILE.csv")
    quarterly.add_argument("--family-costs", type=Path, metavar="FILE.csv",
                           help="also write cost avoidance per family (references only)")
    quarterly.add_argument("--costs", type=Path, metavar="FILE.json",
                           help="the council's unit-cost table (default: the shipped example)")
    quarterly.add_argument("--outcome-plan", type=Path, metavar="FILE.json",
                           help="the council's outcome plan, the outcome_plan.json its workers' "
                                "caseloads use (default: the shipped example)")
    return quarterly


def _add_retention_commands(sub: Any) -> list[argparse.ArgumentParser]:
    hold = sub.add_parser("hold", help="put a family under legal hold: retention never deletes "
                          "it until it is released")
    hold.add_argument("--family", required=True, metavar="REF", help="reference or id")
    hold.add_argument("--reason", required=True, metavar="TEXT",
                      help="why (kept with the hold only, not in the audit log)")
    hold.add_argument("--by", default="", metavar="NAME", help="who placed it (default: the "
                      "operating-system user)")
    release = sub.add_parser("release", help="release a family's legal hold")
    release.add_argument("--family", required=True, metavar="REF", help="reference or id")
    run = sub.add_parser("retention", help="closed families past their retention time (the "
                         "schedule in resources/retention/schedule.json); --apply deletes them")
    run.add_argument("--as-of", type=_iso_day, metavar="YYYY-MM-DD",
                     help="the day to judge by (default: today, UTC)")
    run.add_argument("--apply", action="store_true",
                     help="delete them from the server (held families are never deleted)")
    return [hold, release, run]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container, a service account)
        return "administrator"


def _iso_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("give the date as YYYY-MM-DD") from None


def _retention_command(engine: Engine, args: argparse.Namespace) -> int:
    if args.command == "hold":
        retention.place_hold(engine, family=args.family, reason=args.reason,
                             placed_by=args.by or _os_user())
        print("The family is under legal hold; retention will not delete it until it is "
              "released.")
        return 0
    if args.command == "release":
        retention.release_hold(engine, family=args.family)
        print("The hold is released; retention may delete the family once its time is up.")
        return 0
    report = retention.run_retention(engine, as_of=args.as_of, apply=args.apply)
    labels = {retention.EXPIRED: "deleted" if args.apply else "due for deletion",
              retention.HELD: "held (legal hold: kept)",
              retention.BIRTH_DATE_MISSING: "kept: a person's date of birth is missing"}
    if not report.due:
        print(f"No closed family is past its retention time on {report.as_of.isoformat()}.")
    for family in report.due:
        state = labels[family.state]
        if args.apply and family.state == retention.EXPIRED \
                and family.family_id not in report.deleted:
            state = "held (a hold was placed during the run: kept)"
        print(f"{family.reference or '-'}  {family.family_id}  closed "
              f"{family.closed_on.isoformat()}  kept until {family.kept_until.isoformat()}  "
              f"{state}")
    cut = report.audit
    if cut is None:
        print("No audit row is past its retention time.")
    elif cut.applied:
        print(f"Audit: {cut.rows} rows older than {cut.older_than.isoformat()} deleted (up to "
              f"row {cut.up_to_seq}); audit-verify starts from the checkpoint kept there.")
    else:
        print(f"Audit: {cut.rows} rows older than {cut.older_than.isoformat()} are due for "
              f"deletion (up to row {cut.up_to_seq}).")
    if not args.apply and (report.in_state(retention.EXPIRED) or cut is not None):
        print("Nothing was deleted; run again with --apply to delete what is due.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from familyworker_server.main import (
        LOG_FORMAT_ENV,
        SETTINGS_ENV,
        configure_logging,
        create_app,
        tune_gc,
    )

    configure_logging(args.log_format)
    if args.workers < 1:
        raise accounts.AdminError("--workers must be 1 or more.")
    if not 1 <= args.port <= 65535:
        raise accounts.AdminError("--port must be from 1 to 65535.")
    if args.tombstone_days < 0:
        raise accounts.AdminError("--tombstone-days must not be negative.")
    if not 0 <= args.max_offline_days <= OFFLINE_POLICY_MAX_DAYS:
        raise accounts.AdminError(
            f"--max-offline-days must be between 0 and {OFFLINE_POLICY_MAX_DAYS}.")
    if not 0 <= args.closed_grace_days <= CLOSED_GRACE_MAX_DAYS:
        raise accounts.AdminError(
            f"--closed-grace-days must be between 0 and {CLOSED_GRACE_MAX_DAYS}.")
    settings = _settings(args).model_copy(update={"max_offline_days": args.max_offline_days,
                                                  "closed_grace_days": args.closed_grace_days,
                                                  "metrics_token": args.metrics_token})
    # Whatever this server process (and its workers) creates from now on is its owner's alone.
    os.umask(0o077)
    tls = {"ssl_keyfile": args.ssl_keyfile, "ssl_certfile": args.ssl_certfile}
    # Migrated before anything else touches the database (the janitor included); with several
    # processes, once here, and each worker builds its own app from the settings handed down
    # in the environment, without migrating again.
    engine = db.make_engine(settings.resolved_url())
    db.migrate(engine)
    janitor = TombstoneJanitor(engine, days=args.tombstone_days,
                               retention_daily=args.retention_daily).start() \
        if args.tombstone_days > 0 or args.retention_daily else None
    try:
        if args.workers <= 1:
            app = create_app(settings.model_copy(update={"run_migrations": False}))
            tune_gc()
            uvicorn.run(app, host=args.host, port=args.port, access_log=False,
                        log_config=None, **tls)
            return 0
        os.environ[SETTINGS_ENV] = settings.model_copy(
            update={"run_migrations": False}).model_dump_json()
        os.environ[LOG_FORMAT_ENV] = args.log_format
        uvicorn.run("familyworker_server.main:app_from_environment", factory=True,
                    workers=args.workers, host=args.host, port=args.port, access_log=False,
                    log_config=None, **tls)
        return 0
    finally:
        if janitor is not None:
            janitor.stop()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
