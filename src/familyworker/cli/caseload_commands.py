"""Caseload commands: init, import-families, list-families, show-family, delete-family,
import-demo, passphrase."""

import argparse
import sys
from typing import Any

from familyworker.cli.common import (
    EXIT_OK,
    EXIT_USER_ERROR,
    CommandFailed,
    add_command,
    data_dir_of,
    guarded_unlock,
    open_store,
    print_json,
    read_passphrase,
)
from familyworker.cli.people_commands import flags_in_words, flags_json
from familyworker.domain.caseload import FamilySummary
from familyworker.domain.family_deletion import DeletionReason
from familyworker.services.caseload import list_caseload
from familyworker.services.demo import import_demo
from familyworker.services.family_deletion import delete_family_by_reference
from familyworker.services.family_file import FamilyFile, load_family_file
from familyworker.services.importing import MAX_IMPORT_BYTES, ImportRejected, import_cohort
from familyworker.services.recovery import recover_caseload
from familyworker.store.caseload_store import CaseloadStore


def register(subparsers: Any) -> None:
    init = add_command(subparsers, "init", help="create an encrypted caseload", handler=cmd_init)
    init.add_argument("--name", default="", help="your name, shown as lead worker")

    imp = add_command(subparsers, "import-families", help="import a nominated cohort (CSV)",
                      handler=cmd_import_families)
    imp.add_argument("file", help="CSV with columns reference, household_name, postcode "
                                  "[, address, locality, criteria, members]")

    lst = add_command(subparsers, "list-families", help="list the caseload",
                      handler=cmd_list_families)
    lst.add_argument("--json", action="store_true", help="print a JSON array")

    show = add_command(subparsers, "show-family", help="show one family", handler=cmd_show_family)
    show.add_argument("reference")
    show.add_argument("--json", action="store_true", help="print a JSON object")

    delete = add_command(subparsers, "delete-family",
                         help="delete a family added by mistake (lead worker or supervisor)",
                         handler=cmd_delete_family)
    delete.formatter_class = argparse.RawDescriptionHelpFormatter
    delete.description = (
        "Delete a family added by mistake. Only its lead worker or a supervisor can. The family\n"
        "leaves every device at the next sync; the server keeps the record for its retention\n"
        "period. The reason is the confirmation (there is no prompt). Reasons:\n"
        + "".join(f"  {reason.value:<18}{reason.label}\n" for reason in DeletionReason))
    delete.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    delete.add_argument("--reason", required=True,
                        choices=[reason.value for reason in DeletionReason],
                        help="why (kept in the audit trail as this code)")

    add_command(subparsers, "import-demo", help="load the synthetic demo caseload",
                handler=cmd_import_demo)

    add_command(subparsers, "change-passphrase", help="change the caseload passphrase",
                handler=cmd_change_passphrase)
    add_command(subparsers, "recover",
                help="start again after the caseload file was damaged and set aside, putting "
                     "back the unsent changes saved from it",
                handler=cmd_recover)


def cmd_init(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args, prompt="New passphrase: ", confirm=True)
    data_dir = data_dir_of(args)
    store = CaseloadStore.create(data_dir, passphrase, worker_name=args.name)
    store.lock()
    print(f"Created an encrypted caseload in {data_dir}")
    return EXIT_OK


def cmd_import_families(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as handle:
            raw = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError:
        raise CommandFailed("The CSV file could not be read.") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise CommandFailed("The CSV file is too large to import in one go.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandFailed("The CSV file is not UTF-8 text; save it as 'CSV UTF-8'.") from None
    with open_store(args) as store:
        try:
            result = import_cohort(store, text)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                sys.stderr.write(f"{args.file}: {problem}\n")
            sys.stderr.write(str(rejected) + "\n")
            return EXIT_USER_ERROR
    print(f"Imported {result.families} families ({result.members} household members).")
    return EXIT_OK


def summary_json(summary: FamilySummary) -> dict[str, Any]:
    return {
        "reference": summary.reference, "household_name": summary.household_name,
        "postcode": summary.postcode, "status": summary.status.value,
        "lead_worker": summary.lead_worker_name,
        "last_contact": summary.last_contact_on, "next_visit_due": summary.next_visit_due,
        "review_due": summary.review_due, "overdue": summary.overdue,
        "pending_changes": summary.pending_changes,
    }


def cmd_list_families(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = list_caseload(store)
    if args.json:
        print_json([summary_json(r) for r in rows])
        return EXIT_OK
    if not rows:
        print("No families yet. Import a cohort with 'familyworker import-families FILE.csv'.")
        return EXIT_OK
    print(f"{'Reference':<12} {'Household':<40} {'Postcode':<9} {'Status':<10} Next visit")
    for r in rows:
        due = r.next_visit_due.isoformat() if r.next_visit_due else "-"
        late = [what for what, flag in (("visit", r.visit_overdue), ("review", r.review_overdue))
                if flag]
        flag = f"  {' and '.join(late).upper()} OVERDUE" if late else ""
        print(f"{r.reference:<12} {r.household_name:<40} {r.postcode:<9} "
              f"{r.status.label:<10} {due}{flag}")
    return EXIT_OK


def family_json(file: FamilyFile, summary: FamilySummary | None) -> dict[str, Any]:
    family = file.family
    base: dict[str, Any] = summary_json(summary) if summary else {
        "reference": family.reference, "household_name": family.household_name,
        "postcode": family.postcode, "status": family.status.value}
    star = file.latest_star
    plan = file.current_plan
    base.update({
        "address": family.address,
        "intervention_level": family.intervention_level.value
        if family.intervention_level else "",
        "criteria": list(family.criteria),
        "members": [{"name": p.name, "relationship": p.relationship,
                     "date_of_birth": p.date_of_birth, "sex": p.sex.value if p.sex else "",
                     "flags": flags_json(p)}
                    for p in file.members],
        "agencies": [a.agency for a in file.agencies],
        "latest_star": None if star is None else {
            "assessed_on": star.assessed_on, "scores": star.as_mapping(),
            "person": file.person_name(star.person_id)},
        "current_plan": None if plan is None else {
            "version": plan.version, "status": plan.status.value, "agreed_on": plan.agreed_on,
            "review_due": plan.review_due, "goals": [g.text for g in plan.goals]},
        "notes_count": len(file.notes),
        "notes": [{"kind": n.kind.value, "text": n.narrative, "occurred_at": n.occurred_at,
                   "status": n.status.value,
                   "addenda": [a.text for a in file.addenda_for(n.id)]} for n in file.notes],
    })
    return base


def cmd_show_family(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        file = load_family_file(store, reference=args.reference)
        summary = next((s for s in list_caseload(store) if s.id == file.family.id), None)
    if args.json:
        print_json(family_json(file, summary))
        return EXIT_OK
    family = file.family
    print(f"{family.reference}  {family.household_name}  ({family.status.label})")
    print(f"  {family.address} {family.postcode}".rstrip())
    if summary is not None:
        print(f"  Lead worker: {summary.lead_worker_name or 'not allocated'}")
    for label, due in (("Next visit due", family.next_visit_due),
                       ("Review due", family.review_due)):
        print(f"  {label}: {due.isoformat() if due else 'not set'}")
    for person in file.members:
        print(f"  - {person.name}" + (f" ({person.relationship})" if person.relationship else "")
              + (f": {flags_in_words(person)}" if person.flags else ""))
    if file.latest_star:
        print(f"  Latest Web Star: {file.latest_star.assessed_on}")
    if file.current_plan:
        print(f"  Plan version {file.current_plan.version} ({file.current_plan.status.value})")
    print(f"  Contact notes: {len(file.notes)}")
    return EXIT_OK


def cmd_delete_family(args: argparse.Namespace) -> int:
    reason = DeletionReason(args.reason)
    with open_store(args) as store:
        deleted = delete_family_by_reference(store, args.reference, reason)
    print(f"Deleted family {deleted.reference} ({reason.label.lower()}). It will be removed "
          "from your colleagues' devices at their next sync.")
    return EXIT_OK


def cmd_import_demo(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        result = import_demo(store)
    print(f"Loaded the demo caseload: {result.families} families, {result.notes} notes, "
          f"{result.stars} Web Star assessments.")
    return EXIT_OK


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    old = read_passphrase(args, prompt="Current passphrase: ", line=0)
    new = read_passphrase(args, prompt="New passphrase: ", line=1, confirm=True)
    CaseloadStore.change_passphrase(data_dir_of(args), old, new)
    print("Passphrase changed.")
    return EXIT_OK


def cmd_recover(args: argparse.Namespace) -> int:
    recovered = guarded_unlock(args, recover_caseload)
    recovered.store.lock()
    print(recovered.in_words(sync_how="sync now ('familyworker sync')"))
    return EXIT_OK
