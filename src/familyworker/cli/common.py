"""What every client command shares: options, passphrase input, opening the store, exit codes."""

import argparse
import getpass
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from familyworker.domain.errors import ValidationError
from familyworker.paths import default_data_dir
from familyworker.services.offline_limit import check_after_unlock
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError, WrongPassphrase
from familyworker.store.unlock_attempts import UnlockAttemptLog, default_backoff

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_WRONG_PASSPHRASE = 2
EXIT_SERVER_UNREACHABLE = 3

Handler = Callable[[argparse.Namespace], int]
Opened = TypeVar("Opened")


class CommandFailed(Exception):
    """Ends a command with a plain sentence on stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USER_ERROR) -> None:
        super().__init__(message)
        self.code = code


def add_client_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """--data-dir and --passphrase-stdin, accepted before or after the sub-command. A
    sub-command's copy has no default of its own (SUPPRESS), so it never overwrites what was
    given before the sub-command's name."""
    default: Any = None if top_level else argparse.SUPPRESS
    parser.add_argument("--data-dir", type=Path, default=default,
                        help="caseload folder (default: your user data folder, or "
                             "$FAMILYWORKER_HOME)")
    parser.add_argument("--passphrase-stdin", action="store_true",
                        default=False if top_level else argparse.SUPPRESS,
                        help="read the passphrase from the first line of standard input")


def add_command(subparsers: Any, name: str, *, help: str,
                handler: Handler) -> argparse.ArgumentParser:
    """A client sub-command: its parser with --data-dir/--passphrase-stdin and its handler."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help)
    add_client_options(parser)
    parser.set_defaults(handler=handler)
    return parser


def data_dir_of(args: argparse.Namespace) -> Path:
    given = getattr(args, "data_dir", None)
    return Path(given) if given else default_data_dir()


_stdin_lines: list[str] | None = None


def stdin_line(index: int) -> str:
    """Line `index` of standard input (read once, so several prompts can share it)."""
    global _stdin_lines
    if _stdin_lines is None:
        _stdin_lines = sys.stdin.read().splitlines()
    if index >= len(_stdin_lines):
        raise CommandFailed("Expected a passphrase on standard input.")
    return _stdin_lines[index]


def text_argument(args: argparse.Namespace, value: str) -> str:
    """A free-text option's value; "-" reads it from standard input (after the passphrase's
    line with --passphrase-stdin): case text then stays out of the process list and history."""
    if value != "-":
        return value
    if getattr(args, "passphrase_stdin", False):
        stdin_line(0)  # standard input is read once; the passphrase is its first line
        return "\n".join((_stdin_lines or [])[1:]).strip()
    return sys.stdin.read().strip()


def read_passphrase(args: argparse.Namespace, *, prompt: str = "Passphrase: ",
                    line: int = 0, confirm: bool = False) -> str:
    if getattr(args, "passphrase_stdin", False):
        return stdin_line(line)
    if not sys.stdin.isatty():
        # getpass would warn that it cannot hide typing and read the pipe anyway.
        raise CommandFailed("No passphrase was given: type it when asked in a terminal, or "
                            "give --passphrase-stdin with the passphrase on standard input.")
    try:
        first = getpass.getpass(prompt)
        again = getpass.getpass("Type it again: ") if confirm else first
    except EOFError:  # no terminal and nothing on standard input
        raise CommandFailed("No passphrase was given: type it when asked, or give "
                            "--passphrase-stdin with the passphrase on standard input.") from None
    if again != first:
        raise CommandFailed("The two passphrases did not match; nothing was changed.")
    return first


@contextmanager
def open_store(args: argparse.Namespace) -> Iterator[CaseloadStore]:
    store = guarded_unlock(args, CaseloadStore.unlock)
    try:
        check_after_unlock(store)  # B3: too long offline, the server must be reached first
        yield store
    finally:
        store.lock()


def guarded_unlock(args: argparse.Namespace, unlock: Callable[[Path, str], Opened]) -> Opened:
    """``unlock(data_dir, passphrase)`` behind the same brakes as every passphrase entry."""
    data_dir = data_dir_of(args)
    # B2, as in the app: wrong passphrases count, and after 10 the server must confirm an
    # administrator's code ('familyworker enter-unlock-code') before another is tried.
    attempts = UnlockAttemptLog(data_dir)
    attempts.require_code()
    # The app's growing delays hold here too: a script guessing passphrases waits like a person.
    wait = attempts.read().seconds_to_wait(default_backoff, attempts.now())
    if wait > 0:
        whole = math.ceil(wait)
        raise CommandFailed(
            f"Too many wrong passphrases in a row: wait {whole} "
            f"second{'s' if whole != 1 else ''}, then try again. Nothing was changed.",
            code=EXIT_WRONG_PASSPHRASE)
    try:
        opened = unlock(data_dir, read_passphrase(args))
    except WrongPassphrase:
        attempts.record_failure()
        raise
    attempts.reset()
    return opened


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Turn every expected failure into one plain sentence and its exit code."""
    try:
        return handler(args)
    except WrongPassphrase as error:
        _say(str(error) + " Nothing was changed.")
        return EXIT_WRONG_PASSPHRASE
    except CommandFailed as error:
        _say(str(error))
        return error.code
    except (StoreError, ValidationError) as error:
        _say(str(error))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        _say("Stopped; nothing further was changed.")
        return 130


def _say(message: str) -> None:
    sys.stderr.write(message.rstrip() + "\n")


def optional_day(text: str, what: str = "The date") -> date | None:
    """A day written YYYY-MM-DD, or None for an empty option; otherwise one plain sentence."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandFailed(f"{what} must be written YYYY-MM-DD, for example "
                            "2026-03-03.") from None
