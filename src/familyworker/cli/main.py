"""Entry point of `familyworker`: a sub-command runs on the CLI; none opens the app."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from familyworker.cli.common import EXIT_USER_ERROR, add_client_options, run_handler

# Each module exposes register(subparsers); one line per command group.
REGISTRARS = [
    "familyworker.cli.caseload_commands",
    "familyworker.cli.sync_commands",
    "familyworker.cli.print_commands",
    "familyworker.cli.demo_command",
    "familyworker.cli.report_commands",
    "familyworker.cli.case_commands",
    "familyworker.cli.week_commands",
    "familyworker.cli.people_commands",
    "familyworker.cli.consent_commands",
    "familyworker.cli.claims_commands",
]


def _version() -> str:
    try:
        return version("familyworker")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="familyworker",
        description="FamilyWorker: an encrypted, offline-first caseload for family support "
                    "workers. With no command, opens the app.")
    parser.add_argument("--version", action="version", version=f"familyworker {_version()}")
    add_client_options(parser, top_level=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in REGISTRARS:
        import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_app(args)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return run_handler(handler, args)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0


NO_DISPLAY = ("FamilyWorker needs a desktop session to open its window; no display was found. "
              "The command-line tools work without one: try 'familyworker --help'.")


def missing_display() -> str | None:
    """The sentence to show when the app cannot open a window here, before Qt is imported.

    Without a display, Qt on Linux aborts the process with a misleading message about a
    missing xcb library. QT_QPA_PLATFORM (e.g. offscreen) means the caller chose a platform.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def _open_app(args: argparse.Namespace) -> int:
    from familyworker.paths import default_data_dir

    problem = missing_display()
    if problem:
        sys.stderr.write(problem + "\n")
        return EXIT_USER_ERROR
    try:
        app = import_module("familyworker.app")
    except ImportError:
        sys.stderr.write("The desktop app is not installed in this build.\n")
        return EXIT_USER_ERROR
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    return int(app.run_gui(data_dir))


if __name__ == "__main__":
    sys.exit(main())
