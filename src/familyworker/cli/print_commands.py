"""Print commands: print-plan, print-star, print-chronology (PDF files, written atomically)."""

import argparse
from pathlib import Path
from typing import Any

from familyworker.cli.common import EXIT_OK, CommandFailed, add_command, open_store
from familyworker.services.printing import ReportKind, print_report

COMMANDS = {
    "print-plan": (ReportKind.PLAN, "print the family's plan on a page (one A4 sheet)"),
    "print-star": (ReportKind.STAR, "print the family's Web Star progress"),
    "print-chronology": (ReportKind.CHRONOLOGY, "print the case chronology (OFFICIAL-SENSITIVE)"),
}


def register(subparsers: Any) -> None:
    for name, (kind, text) in COMMANDS.items():
        parser = add_command(subparsers, name, help=text, handler=cmd_print)
        parser.add_argument("reference", help="the family reference, e.g. FAM-0042")
        parser.add_argument("--out", type=Path, required=True, help="the PDF file to write")
        if kind is ReportKind.CHRONOLOGY:
            parser.add_argument("--for-agency", default=None, metavar="AGENCY",
                                help="a copy for this agency: people without consent to share "
                                     "with it are left out (docs/consent.md)")
        parser.set_defaults(report=kind)


def cmd_print(args: argparse.Namespace) -> int:
    folder = Path(args.out).parent
    if not folder.is_dir():
        raise CommandFailed("The folder to save the PDF in does not exist.")
    with open_store(args) as store:
        try:
            printed = print_report(store, args.report, out_path=args.out,
                                   reference=args.reference,
                                   for_agency=getattr(args, "for_agency", None))
        except OSError as error:
            raise CommandFailed(f"The PDF could not be written ({error.strerror}).") from None
    print(f"Wrote {printed.path} (sha256 {printed.sha256[:12]}…).")
    return EXIT_OK
