"""Consent commands: `familyworker consent add | withdraw | list` (docs/consent.md), and
`familyworker history REF` (the family's History, as File › History… shows it).

Each statement is appended to the register; nothing here edits or deletes one.
"""

import argparse
import json
from datetime import date
from typing import Any

from familyworker.cli.common import EXIT_OK, CommandFailed, add_command, open_store, text_argument
from familyworker.domain.consent import (
    ConsentDecision,
    ConsentHow,
    ConsentPurpose,
    ConsentStatement,
    current_answers,
)
from familyworker.services import consent
from familyworker.services.family_file import load_family_file
from familyworker.services.family_history import HistoryKind, family_history
from familyworker.services.people import find_member
from familyworker.store.caseload_store import CaseloadStore

PURPOSES = ", ".join(p.value for p in ConsentPurpose)
HOWS = ", ".join(h.value for h in ConsentHow)


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("consent", help="the consent register: add, withdraw, list")
    actions = group.add_subparsers(dest="consent_action", metavar="ACTION")
    add = add_command(actions, "add", handler=cmd_add,
                      help="record consent given or refused by a household member")
    _common(add)
    add.add_argument("--answer", required=True, choices=["given", "refused"],
                     help="what they said")
    add.add_argument("--review-on", default=None, metavar="YYYY-MM-DD",
                     help="when to ask again (consent given only)")
    withdraw = add_command(actions, "withdraw", handler=cmd_withdraw,
                           help="record that consent given earlier was withdrawn")
    _common(withdraw)
    listing = add_command(actions, "list", handler=cmd_list,
                          help="a family's register: the current answers, then the history")
    listing.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")
    history = add_command(subparsers, "history", handler=cmd_history,
                          help="who opened, changed, printed or saved a family's records on "
                               "this device, newest first (never their content)")
    history.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    history.add_argument("--kind", action="append", default=[],
                         choices=[k.value for k in HistoryKind],
                         help="only this kind (may be given more than once)")
    history.add_argument("--json", action="store_true", help="print JSON instead of text")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    parser.add_argument("--person", required=True, metavar="NAME",
                        help="the member's name as the family file has it")
    parser.add_argument("--for", dest="purpose", required=True, metavar="PURPOSE",
                        help=f"what the consent is for: {PURPOSES}")
    parser.add_argument("--agency", default="",
                        help="the agency, for share-with-agency (e.g. 'Riverside Primary')")
    parser.add_argument("--how", required=True, metavar="HOW", help=f"how it was said: {HOWS}")
    parser.add_argument("--on", required=True, metavar="YYYY-MM-DD",
                        help="the day it was said")
    parser.add_argument("--given-by", default="", metavar="NAME",
                        help="who answered, if not the person (a parent for a young child)")
    parser.add_argument("--note", default="", help="a short note ('-' reads standard input)")


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandFailed(f"{what} must be a date written YYYY-MM-DD; nothing was "
                            "recorded.") from None


def _person_id(store: CaseloadStore, reference: str, name: str) -> tuple[str, str]:
    file = load_family_file(store, reference=reference)
    return file.family.id, find_member(file.members, name, file.family.reference).id


def cmd_add(args: argparse.Namespace) -> int:
    stated_on = _day(args.on, "--on")
    review_on = _day(args.review_on, "--review-on")
    assert stated_on is not None
    note = text_argument(args, args.note)
    with open_store(args) as store:
        family_id, person_id = _person_id(store, args.reference, args.person)
        made = consent.record_statement(
            store, family_id=family_id, person_id=person_id, purpose=args.purpose,
            agency=args.agency, decision=args.answer, how=args.how, stated_on=stated_on,
            review_on=review_on, given_by=args.given_by, note=note)
    print(f"Recorded: {_line(made)}.")
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    withdrawn_on = _day(args.on, "--on")
    assert withdrawn_on is not None
    note = text_argument(args, args.note)
    with open_store(args) as store:
        family_id, person_id = _person_id(store, args.reference, args.person)
        made = consent.withdraw(store, family_id=family_id, person_id=person_id,
                                purpose=args.purpose, agency=args.agency, how=args.how,
                                withdrawn_on=withdrawn_on, given_by=args.given_by, note=note)
    print(f"Recorded: {_line(made)}.")
    return EXIT_OK


def _line(statement: ConsentStatement, names: dict[str, str] | None = None) -> str:
    who = f"{names.get(statement.person_id, 'a former member')}: " if names else ""
    text = (f"{who}{statement.what_for} — {statement.decision.label.lower()} "
            f"{statement.stated_on.isoformat()} ({statement.how.value}")
    if statement.given_by:
        text += f", by {statement.given_by}"
    text += ")"
    if statement.review_on is not None:
        text += f", review {statement.review_on.isoformat()}"
    return text


def cmd_list(args: argparse.Namespace) -> int:
    today = date.today()
    with open_store(args) as store:
        file = load_family_file(store, reference=args.reference)
        found = consent.family_consent(store, file.family.id, today=today)
    names = {p.id: p.name for p in file.members}
    current = sorted(current_answers(found.statements, today).values(),
                     key=lambda s: (names.get(s.person_id, ""), s.purpose.value, s.agency))
    if args.json:
        print(json.dumps({
            "reference": file.family.reference, "at_a_glance": found.glance.in_words(),
            "current": [_json(s, names, today) for s in current],
            "history": [_json(s, names, today) for s in found.statements]},
            ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{file.family.reference}: {found.glance.in_words()}")
    if not found.statements:
        return EXIT_OK
    print("Current answers:")
    for statement in current:
        flag = "  ⚠ due for review" if statement.is_due_for_review(today) else ""
        print(f"  - {_line(statement, names)}{flag}")
    print("History (oldest first):")
    for statement in found.statements:
        print(f"  - {_line(statement, names)}")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    kinds = frozenset(HistoryKind(k) for k in args.kind) or None
    with open_store(args) as store:
        file = load_family_file(store, reference=args.reference)
        entries = family_history(store, file.family.id, kinds)
    if args.json:
        print(json.dumps([{"at": e.at.isoformat(), "who": e.who, "kind": e.kind.value,
                           "what": e.what, "times": e.times} for e in entries],
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{file.family.reference}: {len(entries)} "
          f"{'event' if len(entries) == 1 else 'events'}, newest first")
    for entry in entries:
        print(f"  {entry.line()}")
    return EXIT_OK


def _json(statement: ConsentStatement, names: dict[str, str], today: date) -> dict[str, Any]:
    return {"id": statement.id, "person": names.get(statement.person_id),
            "purpose": statement.purpose.value, "agency": statement.agency,
            "decision": statement.decision.value, "how": statement.how.value,
            "given_by": statement.given_by, "stated_on": statement.stated_on.isoformat(),
            "review_on": statement.review_on.isoformat() if statement.review_on else None,
            "due_for_review": statement.is_due_for_review(today), "note": statement.note,
            "withdrawn": statement.decision is ConsentDecision.WITHDRAWN}
