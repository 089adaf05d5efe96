"""Sync commands: enrol, enter-unlock-code, sync, set-family, add-note, conflicts,
resolve-conflict, attention, send-again."""

import argparse
import logging
from datetime import UTC, date, datetime
from typing import Any

from familyworker.cli.common import (
    EXIT_OK,
    EXIT_SERVER_UNREACHABLE,
    CommandFailed,
    add_command,
    data_dir_of,
    open_store,
    print_json,
    text_argument,
)
from familyworker.domain.contact import ContactOutcome, NoteKind
from familyworker.logs import log_unexpected, logging_to
from familyworker.services import families, notes
from familyworker.services.closed_purge import purge_closed_families
from familyworker.services.offline_limit import CaseloadWiped
from familyworker.services.online_unlock import confirm_unlock_code
from familyworker.services.organisation_settings import (
    OrganisationSettingsError,
    load_organisation_settings,
    organisation_settings_path,
)
from familyworker.services.queries import family_by_reference
from familyworker.services.sync_outcome import UNEXPECTED_STOP
from familyworker.services.sync_status import count_text, set_aside_sentence
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.unlock_attempts import UnlockAttemptLog
from familyworker.sync.attention import RejectedChange, needs_attention, retry_rejected
from familyworker.sync.client import DeviceRevoked, ServerUnreachable, SyncError
from familyworker.sync.conflicts import (
    ConflictView,
    added_after_deletion,
    list_conflicts,
    resolve_conflict,
)
from familyworker.sync.engine import SyncEngine, SyncReport, enrol, is_enrolled
from familyworker.sync.protocol import DELETED_VALUE
from familyworker.sync.resync import RESYNC_NOTICE

EXIT_DEVICE_REVOKED = 4

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    cmd = add_command(subparsers, "enrol", help="connect this caseload to your organisation",
                      handler=cmd_enrol)
    cmd.add_argument("--server", help="server address, e.g. https://sync.example (default: the "
                                      "one your organisation set on this machine)")
    cmd.add_argument("--code", required=True, help="the enrolment code from your administrator")

    cmd = add_command(subparsers, "enter-unlock-code",
                      help="after 10 wrong passphrases: the unlock code from your administrator "
                           "(needs the internet; no passphrase)", handler=cmd_enter_unlock_code)
    cmd.add_argument("code")

    cmd = add_command(subparsers, "sync", help="send and receive changes once", handler=cmd_sync)
    cmd.add_argument("--json", action="store_true", help="print a JSON object")

    cmd = add_command(subparsers, "set-family", help="change a family's details",
                      handler=cmd_set_family)
    cmd.add_argument("reference")
    cmd.add_argument("assignments", nargs="+", metavar="FIELD=VALUE",
                     help="household_name, address, postcode, locality, status …")

    cmd = add_command(subparsers, "add-note", help="record a finalised contact note",
                      handler=cmd_add_note)
    cmd.add_argument("reference")
    cmd.add_argument("--kind", required=True, choices=[k.value for k in NoteKind])
    cmd.add_argument("--text", required=True,
                     help="the note; '-' reads it from standard input (after the passphrase "
                          "line with --passphrase-stdin), which keeps it out of the process "
                          "list and the shell's history: the safer way")
    cmd.add_argument("--outcome", default=ContactOutcome.MADE.value,
                     choices=[o.value for o in ContactOutcome],
                     help="whether the contact happened (default: made)")

    cmd = add_command(subparsers, "conflicts", help="list edits that collided with another's",
                      handler=cmd_conflicts)
    cmd.add_argument("--json", action="store_true", help="print a JSON array")

    cmd = add_command(subparsers, "resolve-conflict", help="keep one of two conflicting values",
                      handler=cmd_resolve_conflict)
    cmd.add_argument("id")
    cmd.add_argument("--keep", required=True, choices=["mine", "theirs"])

    cmd = add_command(subparsers, "attention", help="list changes the server refused",
                      handler=cmd_attention)
    cmd.add_argument("--json", action="store_true", help="print a JSON array")

    cmd = add_command(subparsers, "send-again",
                      help="queue refused changes again (all, or the op ids given)",
                      handler=cmd_send_again)
    cmd.add_argument("op_ids", nargs="*", metavar="OP_ID")


def cmd_enter_unlock_code(args: argparse.Namespace) -> int:
    data_dir = data_dir_of(args)
    try:
        confirm_unlock_code(data_dir, args.code, attempts=UnlockAttemptLog(data_dir))
    except CaseloadWiped as error:
        raise CommandFailed(str(error), EXIT_DEVICE_REVOKED) from None
    print("The code was accepted: you can try your passphrase again.")
    return EXIT_OK


def cmd_enrol(args: argparse.Namespace) -> int:
    server_url = args.server or _organisation_server_url()
    with open_store(args) as store:
        try:
            answer = enrol(store, server_url=server_url, code=args.code)
        except ServerUnreachable as error:
            raise CommandFailed(str(error).split(";")[0] + ".", EXIT_SERVER_UNREACHABLE) from None
        except SyncError as error:
            raise CommandFailed(str(error)) from None
    print(f"Enrolled as {answer.worker_name} ({answer.role}). Run 'familyworker sync' next.")
    return EXIT_OK


def _organisation_server_url() -> str:
    """The address IT pre-set for this machine; a broken settings file is reported as such."""
    try:
        server_url = load_organisation_settings().server_url
    except OrganisationSettingsError as error:
        raise CommandFailed(f"{error} Give the address with --server.") from None
    if not server_url:
        raise CommandFailed("Give the server's address with --server (your organisation has not "
                            f"set one in {organisation_settings_path()}).")
    return server_url


def cmd_sync(args: argparse.Namespace) -> int:
    """One pass. Whatever goes wrong, the person reads one plain sentence: an expected failure
    says what it was; an unexpected one (a bug) says so, exit code 1, and its details go to the
    log file without any value (never a traceback on the terminal)."""
    with logging_to(data_dir_of(args)), open_store(args) as store:
        if not is_enrolled(store):
            raise CommandFailed("This caseload is not connected to a server yet; use "
                                "'familyworker enrol' first.")
        try:
            report, attention = _sync_once(store)
        except CommandFailed:
            raise
        except Exception as error:
            log_unexpected(log, "the sync pass", error)
            raise CommandFailed(UNEXPECTED_STOP) from None
    if args.json:
        print_json({"pushed": report.pushed, "rejected": report.rejected,
                    "pulled": report.pulled, "conflicts_found": report.conflicts_found,
                    "open_conflicts": report.open_conflicts,
                    "purged_families": report.purged_families,
                    "resynced": report.resynced, "resync_removed": report.resync_removed,
                    "rows_set_aside": report.rows_set_aside,
                    "needs_attention": [_attention_json(c) for c in attention]})
    else:
        found = count_text(report.conflicts_found, "new conflict", "new conflicts")
        print(f"Sent {count_text(report.pushed, 'change', 'changes')}, received "
              f"{report.pulled:,}; {found}, {report.open_conflicts:,} to resolve.")
        if report.resynced:
            print(f"{RESYNC_NOTICE} {report.resync_removed} items deleted meanwhile were "
                  "removed from it.")
        if report.rows_set_aside:
            print(set_aside_sentence(report.rows_set_aside))
        if attention:
            needs = count_text(len(attention), "change needs", "changes need")
            print(f"{needs} attention: the server refused "
                  f"{'it' if len(attention) == 1 else 'them'}; kept on this device and not sent "
                  "again.")
            _print_attention(attention)
    return EXIT_OK


def _sync_once(store: CaseloadStore) -> tuple[SyncReport, list[RejectedChange]]:
    """Push, pull and merge once; expected failures as CommandFailed."""
    engine = SyncEngine(store)
    try:
        report = engine.sync()
    except ServerUnreachable as error:
        raise CommandFailed(str(error), EXIT_SERVER_UNREACHABLE) from None
    except DeviceRevoked:
        raise CommandFailed("This device has been revoked by your organisation, so its "
                            "caseload has been wiped from it.", EXIT_DEVICE_REVOKED) from None
    except SyncError as error:
        raise CommandFailed(str(error)) from None
    finally:
        engine.close()
    # Closed families leave this laptop once all their changes are sent (SECURITY J1).
    purge_closed_families(store, today=date.today())
    return report, needs_attention(store)


def _attention_json(change: RejectedChange) -> dict[str, Any]:
    return {"op_id": change.op_id, "table": change.table, "row_id": change.row_id,
            "family_id": change.family_id, "family_reference": change.family_reference,
            "kind": change.kind, "reason": change.reason,
            "rejected_at": change.rejected_at.isoformat() if change.rejected_at else None}


def _print_attention(attention: list[RejectedChange]) -> None:
    for c in attention:
        print(f"  {c.family_reference or c.family_id or '-'}  {c.table} {c.kind}  "
              f"{c.reason}  ({c.op_id})")


def cmd_attention(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        attention = needs_attention(store)
    if args.json:
        print_json([_attention_json(c) for c in attention])
    elif not attention:
        print("No refused changes: everything typed on this device was accepted or is waiting "
              "to be sent.")
    else:
        print(f"{count_text(len(attention), 'change', 'changes')} the server refused (kept on "
              "this device):")
        _print_attention(attention)
    return EXIT_OK


def cmd_send_again(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        known = {c.op_id for c in needs_attention(store)}
        unknown = [op for op in args.op_ids if op not in known]
        if unknown:
            raise CommandFailed(f"No refused change has the id {unknown[0]}; "
                                "'familyworker attention' lists them.")
        queued = retry_rejected(store, args.op_ids or None)
    print(f"{queued} changes queued to send again at the next sync.")
    return EXIT_OK


def cmd_set_family(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    for assignment in args.assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name:
            raise CommandFailed(f"Write changes as FIELD=VALUE (got {assignment!r}).")
        changes[name.strip()] = value
    with open_store(args) as store:
        with store.read() as session:
            family_id = family_by_reference(session, args.reference).id
        changed = families.update_family(store, family_id, **changes)
    print(f"Changed: {', '.join(changed)}." if changed else "Nothing changed.")
    return EXIT_OK


def cmd_add_note(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        with store.read() as session:
            family_id = family_by_reference(session, args.reference).id
        narrative = text_argument(args, args.text)
        if not narrative:
            raise CommandFailed("The note is empty: give its words with --text (or '-' and "
                                "standard input). Nothing was recorded.")
        note = notes.save_note(store, family_id=family_id, kind=NoteKind(args.kind),
                               occurred_at=datetime.now(UTC), narrative=narrative,
                               outcome=ContactOutcome(args.outcome), finalise=True)
    print(f"Note {note.id} recorded.")
    return EXIT_OK


def cmd_conflicts(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        conflicts = list_conflicts(store)
    if args.json:
        print_json([{"id": c.id, "family_reference": c.family_reference, "table": c.table,
                     "row_id": c.row_id, "field": c.field, "mine": c.mine,
                     "theirs": c.theirs, "current": c.current} for c in conflicts])
        return EXIT_OK
    if not conflicts:
        print("No conflicts to resolve.")
    for c in conflicts:
        what = f"{c.table} deleted and changed" if c.is_deletion else f"{c.table}.{c.field}"
        print(f"{c.id}  {c.family_reference}  {what}\n"
              f"    mine:   {_side(c, c.mine)}\n    theirs: {_side(c, c.theirs)}")
    return EXIT_OK


def _side(conflict: ConflictView, value: Any) -> Any:
    if not conflict.is_deletion:
        return value
    if value == DELETED_VALUE:
        return "deleted"
    added = added_after_deletion(value)
    if added is not None:
        return "added to it after the deletion: " + ", ".join(
            f"{table} {row_id}" for table, row_id in added)
    return "changed " + ", ".join(f"{name}={v!r}" for name, v in value.items())


def cmd_resolve_conflict(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        view = resolve_conflict(store, args.id, keep=args.keep)
    if view.is_deletion:
        state = "deleted" if view.current == DELETED_VALUE else "restored"
        print(f"Kept {args.keep}: the record is {state}. Sync to share it.")
    else:
        print(f"Kept {args.keep}: {view.field} is now {view.current!r}. Sync to share it.")
    return EXIT_OK
