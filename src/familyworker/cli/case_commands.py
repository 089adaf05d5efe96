"""Case commands: set-status (referred, open, step-down, step-up, closed) and set-level (the
intervention level the quarterly return counts)."""

import argparse
from typing import Any

from familyworker.cli.common import (
    EXIT_OK,
    CommandFailed,
    add_command,
    open_store,
    optional_day,
)
from familyworker.domain.family import ClosureReason, FamilyStatus, parse_intervention_level
from familyworker.services.case_status import family_id_of, set_status, status_in_words
from familyworker.services.families import update_family

STATUS_NAMES = ", ".join(s.value for s in FamilyStatus)
REASON_KEYS = ", ".join(r.value for r in ClosureReason)


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "set-status", help="move a case to a new status",
                         handler=cmd_set_status)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = (
        "Move a case to a new status. For step-down, --reason is to whom; for step-up, why;\n"
        "for reopening a closed case, why (optional); for closed, a closure reason below\n"
        "(--note adds more words). Closing books the 6-month sustainability review.\n"
        "Closure reasons:\n"
        + "".join(f"  {reason.value:<36}{reason.label}\n" for reason in ClosureReason))
    parser.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    parser.add_argument("status", metavar="STATUS", help=STATUS_NAMES)
    parser.add_argument("--reason", default="", help="closure reason key; to whom (step-down); "
                                                     "why (step-up, reopen)")
    parser.add_argument("--note", default="", help="more about a closure")
    parser.add_argument("--on", default="", metavar="YYYY-MM-DD",
                        help="the day it changed (default today)")
    level = add_command(subparsers, "set-level",
                        help="set a family's intervention level (high, medium, low)",
                        handler=cmd_set_level)
    level.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    level.add_argument("level", metavar="LEVEL",
                       help="high, medium or low; '' to clear it (not assessed)")


def _status(text: str) -> FamilyStatus:
    try:
        return FamilyStatus(text.strip().lower())
    except ValueError:
        raise CommandFailed(f"'{text}' is not a status; choose one of {STATUS_NAMES}.") from None


def _closure_reason(text: str) -> ClosureReason:
    if not text.strip():
        raise CommandFailed(f"Closing a case needs --reason, one of {REASON_KEYS}.")
    try:
        return ClosureReason(text.strip().lower())
    except ValueError:
        raise CommandFailed(f"'{text}' is not a closure reason; choose one of "
                            f"{REASON_KEYS}.") from None


def cmd_set_status(args: argparse.Namespace) -> int:
    target = _status(args.status)
    on = optional_day(args.on)
    if target is FamilyStatus.CLOSED:
        reason: ClosureReason | None = _closure_reason(args.reason)
        note = args.note
    else:
        if args.note.strip():
            raise CommandFailed("--note is for closing a case; give the words with --reason.")
        reason, note = None, args.reason
    with open_store(args) as store:
        changed = set_status(store, family_id_of(store, args.reference), target, on=on,
                             reason=reason, note=note)
    family = changed.family
    print(f"{family.reference}: {status_in_words(family, changed.review_due)}.")
    return EXIT_OK


def cmd_set_level(args: argparse.Namespace) -> int:
    level = parse_intervention_level(args.level)  # refused before the store is opened
    with open_store(args) as store:
        update_family(store, family_id_of(store, args.reference), intervention_level=level)
    words = level.label.lower() if level else "not assessed"
    print(f"{args.reference.strip().upper()}: intervention level {words}.")
    return EXIT_OK
