"""Claims and outcome-plan evidence on the command line (docs/claims.md):

    familyworker outcomes show REF                  each problem met / not yet / not met, why
    familyworker outcomes add-reading REF --measure KEY --end DAY --value N --source TEXT …
    familyworker outcomes add-employment REF --person NAME --started DAY --hours N --source …
    familyworker claims list [--quarter 2026Q3]
    familyworker claims submit REF --reference CLAIM [--employment NAME]
    familyworker claims set-status CLAIM verified|paid|rejected [--reason TEXT]
    familyworker claims correct CLAIM [--reference NEW]
"""

import argparse
from datetime import date
from typing import Any

from familyworker.cli.common import (
    EXIT_OK,
    CommandFailed,
    add_command,
    open_store,
    optional_day,
)
from familyworker.domain.claims import ClaimRoute, ClaimStatus
from familyworker.domain.errors import ValidationError
from familyworker.domain.quarter import Quarter
from familyworker.services import claims, outcome_evidence
from familyworker.services.case_status import family_id_of

SETTABLE = (ClaimStatus.VERIFIED, ClaimStatus.PAID, ClaimStatus.REJECTED)
ROUTE_WORDS = {ClaimRoute.OUTCOME_PLAN: "outcome plan",
               ClaimRoute.CONTINUOUS_EMPLOYMENT: "employment"}


def register(subparsers: Any) -> None:
    _register_outcomes(subparsers)
    _register_claims(subparsers)


def _register_outcomes(subparsers: Any) -> None:
    group = subparsers.add_parser("outcomes", help="readings of the outcome plan's measures, "
                                                   "employment, and each problem's progress")
    commands = group.add_subparsers(dest="outcomes_command", metavar="COMMAND")
    show = add_command(commands, "show", handler=cmd_show,
                       help="each identified problem met / not yet / not met, in words")
    show.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    show.add_argument("--on", default="", metavar="YYYY-MM-DD", help="as of (default today)")
    reading = add_command(commands, "add-reading", handler=cmd_add_reading,
                          help="record a reading of one of the outcome plan's measures")
    reading.add_argument("reference", help="the family's reference")
    reading.add_argument("--measure", required=True, help="the measure's key in the plan")
    reading.add_argument("--end", required=True, metavar="YYYY-MM-DD",
                         help="the last day of the period the reading covers (or its day)")
    reading.add_argument("--start", default="", metavar="YYYY-MM-DD",
                         help="the first day of the period (none: a reading on one day)")
    reading.add_argument("--value", required=True,
                         help="the number: 93.5 (attendance), 0 (incidents), 1 held / 0 not")
    reading.add_argument("--source", required=True, help="the source system")
    reading.add_argument("--source-reference", default="", help="the record's number there")
    reading.add_argument("--verified-by", default="", help="who confirmed it (a role)")
    reading.add_argument("--person", default="", metavar="NAME",
                         help="the member it is about (none: the household)")
    work = add_command(commands, "add-employment", handler=cmd_add_employment,
                       help="record an adult's spell in work (the continuous-employment route)")
    work.add_argument("reference", help="the family's reference")
    work.add_argument("--person", required=True, metavar="NAME", help="the adult's name")
    work.add_argument("--started", required=True, metavar="YYYY-MM-DD")
    work.add_argument("--ended", default="", metavar="YYYY-MM-DD", help="none: still in work")
    work.add_argument("--benefit-ended", default="", metavar="YYYY-MM-DD",
                      help="the day the out-of-work benefit claim ended")
    work.add_argument("--hours", required=True, type=int, help="hours a week")
    work.add_argument("--source", required=True, help="the source, e.g. payslips")
    work.add_argument("--source-reference", default="")


def _register_claims(subparsers: Any) -> None:
    group = subparsers.add_parser("claims", help="results claims: ready, claimed, verified, "
                                                 "paid, rejected")
    commands = group.add_subparsers(dest="claims_command", metavar="COMMAND")
    listing = add_command(commands, "list", handler=cmd_list,
                          help="ready to claim and the claims made in a quarter")
    listing.add_argument("--quarter", default="", help="e.g. 2026Q3 (default: this quarter)")
    submit = add_command(commands, "submit", handler=cmd_submit,
                         help="record the claim made for a ready family (frozen from then on)")
    submit.add_argument("reference", help="the family's reference")
    submit.add_argument("--reference", dest="claim_reference", required=True,
                        help="the council's claim reference")
    submit.add_argument("--employment", default="", metavar="NAME",
                        help="claim the continuous-employment route for this adult instead")
    submit.add_argument("--on", default="", metavar="YYYY-MM-DD", help="default today")
    status = add_command(commands, "set-status", handler=cmd_set_status,
                         help="a claim verified, paid or rejected (with --reason)")
    status.add_argument("claim_reference", metavar="CLAIM")
    status.add_argument("status", metavar="STATUS", help="verified, paid or rejected")
    status.add_argument("--reason", default="", help="why it was rejected")
    status.add_argument("--on", default="", metavar="YYYY-MM-DD", help="default today")
    correct = add_command(commands, "correct", handler=cmd_correct,
                          help="a corrected claim: a new version supersedes the old")
    correct.add_argument("claim_reference", metavar="CLAIM")
    correct.add_argument("--reference", dest="new_reference", default="",
                         help="a new claim reference (default: keep it)")
    correct.add_argument("--on", default="", metavar="YYYY-MM-DD", help="default today")


def _required_day(text: str, what: str) -> date:
    day = optional_day(text, what)
    if day is None:
        raise CommandFailed(f"{what} is needed, written YYYY-MM-DD.")
    return day


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        progress = outcome_evidence.family_progress(store, family_id_of(store, args.reference),
                                                    on=optional_day(args.on))
    print(f"{args.reference.strip().upper()} as of {progress.on.isoformat()}:")
    for problem in progress.problems:
        when = (f" on {problem.met_on.isoformat()}" if problem.met_on else
                f", due {problem.due_on.isoformat()}" if problem.due_on else "")
        print(f"  {problem.label}: {problem.state.value}{when}. {problem.reason}")
    for adult in progress.employment:
        print(f"  Employment: {adult.state.value}. {adult.reason}")
    verdict = ("ready to claim (outcome plan met on "
               f"{progress.plan_met_on.isoformat()})") if progress.plan_met_on else \
        "outcome plan not met yet"
    print(f"  {verdict}.")
    return EXIT_OK


def cmd_add_reading(args: argparse.Namespace) -> int:
    end = _required_day(args.end, "--end")
    with open_store(args) as store:
        family_id = family_id_of(store, args.reference)
        person = outcome_evidence.member_id(store, family_id, args.person) if args.person.strip() \
            else None
        outcome_evidence.record_reading(store, family_id, measure_key=args.measure, period_end=end,
                                        period_start=optional_day(args.start, "--start"),
                                        value=args.value,
                                        source=args.source, source_reference=args.source_reference,
                                        verified_by=args.verified_by, person_id=person)
    print(f"Reading of {args.measure} recorded for {args.reference.strip().upper()}.")
    return EXIT_OK


def cmd_add_employment(args: argparse.Namespace) -> int:
    started = _required_day(args.started, "--started")
    with open_store(args) as store:
        family_id = family_id_of(store, args.reference)
        adult = outcome_evidence.member_id(store, family_id, args.person)
        outcome_evidence.record_employment(
            store, family_id, person_id=adult, started_on=started,
            ended_on=optional_day(args.ended, "--ended"),
            benefit_ended_on=optional_day(args.benefit_ended, "--benefit-ended"),
            hours_per_week=args.hours, source=args.source,
            source_reference=args.source_reference)
    print(f"Employment recorded for {args.reference.strip().upper()}.")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    try:
        quarter = Quarter.parse(args.quarter) if args.quarter.strip() else Quarter.of(
            date.today())
    except ValidationError as error:
        raise CommandFailed(str(error)) from None
    with open_store(args) as store:
        lines = claims.claims_list(store, quarter)
    print(f"Claims for {quarter} ({quarter.start.isoformat()} to {quarter.end.isoformat()}):")
    if not lines:
        print("  none ready, none made.")
    for line in lines:
        route = ROUTE_WORDS[line.route] + (f" ({line.person_name})" if line.person_name else "")
        if line.state == "ready":
            print(f"  ready     {line.family_reference}  {route}, met on {line.on}")
            continue
        reason = f" — {line.rejected_reason}" if line.rejected_reason else ""
        print(f"  {line.state:<9} {line.family_reference}  {route}, {line.claim_reference} "
              f"v{line.version}, claimed {line.on}{reason}")
    return EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        family_id = family_id_of(store, args.reference)
        if args.employment.strip():
            route = ClaimRoute.CONTINUOUS_EMPLOYMENT
            person: str | None = outcome_evidence.member_id(store, family_id, args.employment)
        else:
            route, person = ClaimRoute.OUTCOME_PLAN, None
        claim = claims.submit_claim(store, family_id, claim_reference=args.claim_reference,
                                    route=route, person_id=person, on=optional_day(args.on))
    print(f"Claim {claim.claim_reference} recorded for {args.reference.strip().upper()} "
          f"({ROUTE_WORDS[claim.route]}, quarter {claim.quarter}); it is frozen from now on.")
    return EXIT_OK


def cmd_set_status(args: argparse.Namespace) -> int:
    try:
        status = ClaimStatus(args.status.strip().lower())
    except ValueError:
        status = ClaimStatus.SUPERSEDED
    if status not in SETTABLE:
        raise CommandFailed(f"'{args.status}' is not a status to set; choose verified, paid "
                            "or rejected.")
    with open_store(args) as store:
        claim = claims.set_claim_status(store, args.claim_reference, status,
                                        on=optional_day(args.on), reason=args.reason)
    print(f"Claim {claim.claim_reference}: {claim.status.value}.")
    return EXIT_OK


def cmd_correct(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        claim = claims.correct_claim(store, args.claim_reference, on=optional_day(args.on),
                                     new_reference=args.new_reference or None)
    print(f"Claim {claim.claim_reference} version {claim.version} recorded; the earlier "
          "version is superseded.")
    return EXIT_OK
