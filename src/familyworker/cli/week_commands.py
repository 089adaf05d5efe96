"""The casework week on the command line: add-task, my-week, book-visit."""

import argparse
from datetime import date, datetime
from typing import Any

from familyworker.cli.common import (
    EXIT_OK,
    CommandFailed,
    add_command,
    open_store,
    print_json,
)
from familyworker.services import tasks, visits
from familyworker.services.allocation import LeadWorker, allocation_choices
from familyworker.services.my_week import DEFAULT_DAYS, MAX_DAYS, MyWeek, my_week
from familyworker.services.queries import family_by_reference
from familyworker.store.caseload_store import CaseloadStore


def register(subparsers: Any) -> None:
    add = add_command(subparsers, "add-task", help="add a task for a family",
                      handler=cmd_add_task)
    add.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    add.add_argument("--text", required=True, help="what is to be done")
    add.add_argument("--due", help="the day it is due, YYYY-MM-DD (default: no due date)")
    add.add_argument("--for", dest="assignee", metavar="NAME",
                     help="supervisors: the worker of the family's team who is to do it, by "
                          "name (default: yourself)")

    week = add_command(subparsers, "my-week",
                       help="what is due for your families over the next days",
                       handler=cmd_my_week)
    week.add_argument("--days", type=int, default=DEFAULT_DAYS,
                      help=f"how many days from today (default {DEFAULT_DAYS})")
    week.add_argument("--json", action="store_true",
                      help="print a JSON array of items (date, kind, reference, text, ...)")

    book = add_command(subparsers, "book-visit", help="book a family's next visit",
                       handler=cmd_book_visit)
    book.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    book.add_argument("--at", required=True,
                      help='the day and time, "YYYY-MM-DD HH:MM" (your local time)')
    book.add_argument("--where", default="", help="where the visit is, e.g. at home")


def _family_id(store: CaseloadStore, reference: str) -> tuple[str, str]:
    with store.read() as session:
        row = family_by_reference(session, reference)
        return row.id, row.reference


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandFailed("--due must be a date written YYYY-MM-DD.") from None


def _moment(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise CommandFailed('--at must be a day and time written "YYYY-MM-DD HH:MM".') from None


def _worker_named(store: CaseloadStore, family_id: str, name: str) -> LeadWorker:
    """The one worker of the family's team with this name (case and spacing ignored)."""
    wanted = " ".join(name.split()).casefold()
    choices, _ = allocation_choices(store, family_id)
    found = [w for w in choices if " ".join(w.name.split()).casefold() == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        raise CommandFailed("Two workers of the team have that name; ask the administrator to "
                            "tell them apart.")
    names = ", ".join(w.name for w in choices) or "nobody yet"
    raise CommandFailed(f"No worker of the family's team has that name. The team: {names}.")


def cmd_add_task(args: argparse.Namespace) -> int:
    due = _day(args.due) if args.due else None
    with open_store(args) as store:
        family_id, reference = _family_id(store, args.reference)
        assignee = _worker_named(store, family_id, args.assignee) if args.assignee else None
        task = tasks.add_task(store, family_id=family_id, text=args.text, due_on=due,
                              assigned_to=assignee.id if assignee else None)
    when = f", due {task.due_on:%a %d %b %Y}" if task.due_on else ""
    who = f" ({assignee.name} to do it)" if assignee else ""
    print(f"Task added for {reference}{who}{when}.")
    return EXIT_OK


def cmd_book_visit(args: argparse.Namespace) -> int:
    at = _moment(args.at)
    with open_store(args) as store:
        family_id, reference = _family_id(store, args.reference)
        visits.book_visit(store, family_id, at=at, where=args.where)
    where = f", {args.where.strip()}" if args.where.strip() else ""
    print(f"Visit booked for {reference}: {at:%a %d %b %Y at %H:%M}{where}.")
    return EXIT_OK


def cmd_my_week(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        raise CommandFailed(f"--days must be between 1 and {MAX_DAYS}.")
    with open_store(args) as store:
        week = my_week(store, days=args.days)
    if args.json:
        print_json([item.as_json() for item in week.items])
        return EXIT_OK
    print_week(week)
    return EXIT_OK


def print_week(week: MyWeek) -> None:
    print(f"My week: {week.today:%a %d %b} to {week.last_day:%a %d %b %Y}")
    if not week.items:
        print(f"Nothing due in the next {week.days} days, and nothing overdue.")
    for day, items in week.by_day():
        heading = f"Today, {day:%a %d %b}" if day == week.today else f"{day:%a %d %b}"
        print(f"\n{heading}")
        for item in items:
            flag = "OVERDUE " if item.overdue else ""
            print(f"  {flag}{item.kind.label:<18} {item.reference:<12} {item.text}")
    if week.undated_tasks:
        print(f"\nAlso {week.undated_tasks} open task(s) with no due date; see each family's "
              "Tasks tab.")
    if week.all_sent:
        print("\nBefore you go offline: every change for this week's families has been sent.")
    else:
        noun = "change" if week.waiting_changes == 1 else "changes"
        print(f"\nBefore you go offline: {week.waiting_changes} {noun} for this week's families "
              "not sent yet; run 'familyworker sync' while connected.")
