"""Report commands: `familyworker report programme --from DATE --to DATE --out FILE.pdf
--csv FILE.csv` (at least one of --out and --csv); `familyworker report claim CLAIM --out
FILE.pdf` (a claim's evidence pack); `familyworker report return --quarter 2026Q3 --out
FILE.csv --pdf FILE.pdf` (the quarterly return, docs/quarterly-return.md)."""

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from familyworker.cli.common import EXIT_OK, CommandFailed, add_command, open_store
from familyworker.domain.programme_figures import ReportPeriod
from familyworker.domain.quarter import Quarter
from familyworker.services.claim_pack import export_claim_pack
from familyworker.services.programme_report import export_programme_report
from familyworker.services.quarterly_return import export_quarterly_return


def register(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="programme reports (PDF and CSV)")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT")
    parser = add_command(kinds, "programme", handler=cmd_programme,
                         help="families, distance travelled, outcomes, claims and case "
                              "durations for a period")
    parser.add_argument("--from", dest="start", required=True,
                        help="first day of the period, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True,
                        help="last day of the period, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, default=None, help="the PDF file to write")
    parser.add_argument("--csv", type=Path, default=None, help="the CSV file to write")
    quarterly = add_command(kinds, "return", handler=cmd_return,
                            help="the quarterly return: families and individuals worked with, "
                                 "problems, levels, closures, claims and cost avoided, per "
                                 "team and in total")
    quarterly.add_argument("--quarter", required=True,
                           help="the calendar quarter, e.g. 2026Q3 (1 July to 30 September)")
    quarterly.add_argument("--out", type=Path, default=None, help="the CSV file to write")
    quarterly.add_argument("--pdf", type=Path, default=None, help="the PDF file to write")
    quarterly.add_argument("--family-costs", type=Path, default=None, metavar="FILE.csv",
                           help="also write cost avoidance per family (references only)")
    claim = add_command(kinds, "claim", handler=cmd_claim,
                        help="the evidence pack for one claim, for the verifier to sign")
    claim.add_argument("claim_reference", metavar="CLAIM",
                       help="the claim's reference (as given to 'claims submit')")
    claim.add_argument("--out", type=Path, required=True, help="the PDF file to write")


def _iso_day(text: str, what: str) -> date:
    # Parsed here, not by argparse, so a bad date is exit 1 like any other plain problem.
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandFailed(f"{what} must be a date written YYYY-MM-DD.") from None


def cmd_programme(args: argparse.Namespace) -> int:
    if args.out is None and args.csv is None:
        raise CommandFailed("Say where to write the report: --out FILE.pdf and/or --csv FILE.csv.")
    for path in (args.out, args.csv):
        if path is not None and not Path(path).parent.is_dir():
            raise CommandFailed("The folder to save the report in does not exist.")
    period = ReportPeriod(_iso_day(args.start, "--from"), _iso_day(args.end, "--to"))
    with open_store(args) as store:
        try:
            result = export_programme_report(store, period, csv_path=args.csv,
                                             pdf_path=args.out)
        except OSError as error:
            raise CommandFailed(f"The report could not be written ({error.strerror}).") from None
    figures = result.figures
    print(f"{figures.families} families in scope, {figures.eligible} eligible, "
          f"{figures.plan_met} with the outcome plan met, {figures.claims['claimed']} claimed.")
    for path in (result.pdf_path, result.csv_path):
        if path is not None:
            print(f"Wrote {path}.")
    return EXIT_OK


def cmd_claim(args: argparse.Namespace) -> int:
    if not Path(args.out).parent.is_dir():
        raise CommandFailed("The folder to save the pack in does not exist.")
    with open_store(args) as store:
        try:
            written = export_claim_pack(store, args.claim_reference, out_path=args.out)
        except OSError as error:
            raise CommandFailed(f"The pack could not be written ({error.strerror}).") from None
    print(f"Wrote {written.path}.")
    return EXIT_OK


def cmd_return(args: argparse.Namespace) -> int:
    if args.out is None and args.pdf is None:
        raise CommandFailed("Say where to write the return: --out FILE.csv and/or --pdf "
                            "FILE.pdf.")
    quarter = Quarter.parse(args.quarter)  # a clear error before the store is opened
    for path in (args.out, args.pdf, args.family_costs):
        if path is not None and not Path(path).parent.is_dir():
            raise CommandFailed("The folder to save the return in does not exist.")
    with open_store(args) as store:
        try:
            exported = export_quarterly_return(store, quarter, csv_path=args.out,
                                               pdf_path=args.pdf,
                                               family_costs_path=args.family_costs)
        except OSError as error:
            raise CommandFailed(f"The return could not be written ({error.strerror}).") from None
    total = exported.result.total
    print(f"{quarter}: {total.families} families and {total.individuals} individuals worked "
          f"with, cost avoided £{total.cost_avoidance:,.2f}.")
    for path in (args.pdf, args.out, args.family_costs):
        if path is not None:
            print(f"Wrote {path}.")
    return EXIT_OK
