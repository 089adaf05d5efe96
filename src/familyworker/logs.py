"""The log: warnings on stderr (as the CLI always did) and in a small rotating file beside the
caseload, and an unexpected failure written down without any value from it.

Nothing logged anywhere in the app names a person or holds case content (identifiers, counts,
field names and reason codes only). An exception's message is the exception to that rule: a
database error's text carries the statement and its parameters - case data - so an unexpected
failure is logged as its type and where it happened (file, line, function of each frame, for
it and the errors it came from), never its message.
"""

import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "familyworker.log"
_FORMAT = "%(levelname)s %(name)s: %(message)s"
_FILE_ONLY = "familyworker_file_only"  # a record attribute: kept off the terminal


def log_file(data_dir: Path) -> Path:
    return data_dir / LOG_DIR / LOG_FILE


class _FileOnlyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, _FILE_ONLY, False)


class _CaseloadLog(RotatingFileHandler):
    """The log file in the caseload's folder, written only once that folder exists (a first
    run must still find no folder), at most 3 x 1 MB."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        super().__init__(log_file(data_dir), maxBytes=1_000_000, backupCount=2,
                         encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            if not self.data_dir.is_dir():
                return
            try:
                (self.data_dir / LOG_DIR).mkdir(mode=0o700, exist_ok=True)
            except OSError:
                return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        """A log file that cannot be written says nothing (logging's default prints a
        traceback on the terminal)."""


def _terminals(root: logging.Logger) -> list[logging.Handler]:
    """The root's handlers that write to the terminal (the CLI's basicConfig one)."""
    streams = (sys.stderr, sys.__stderr__, sys.stdout, sys.__stdout__)
    return [h for h in root.handlers if type(h) is logging.StreamHandler
            and any(h.stream is s for s in streams)]


@contextmanager
def logging_to(data_dir: Path) -> Iterator[None]:
    """While a sync or the app runs: warnings also go to the caseload's log file, and an
    unexpected failure's details (log_unexpected) go only there, not to the terminal, where
    the person reads one plain sentence instead."""
    root = logging.getLogger()
    keep_off = _FileOnlyFilter()
    terminals = _terminals(root)
    for handler in terminals:
        handler.addFilter(keep_off)
    file = _CaseloadLog(data_dir)
    file.setLevel(logging.WARNING)
    file.setFormatter(logging.Formatter("%(asctime)s " + _FORMAT))
    root.addHandler(file)
    try:
        yield
    finally:
        root.removeHandler(file)
        file.close()
        for handler in terminals:
            handler.removeFilter(keep_off)


def _where(filename: str) -> str:
    """A frame's file without the folders above the package (they may hold a user name)."""
    path = Path(filename)
    parts = path.parts
    for anchor in ("site-packages", "familyworker_server", "familyworker"):
        if anchor in parts:
            start = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[start + (anchor == "site-packages"):])
    return path.name


def safe_traceback(error: BaseException) -> str:
    """The error's type and its frames, then each error it came from, outermost first; never
    a message (see the module's docstring)."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        lines.append(("caused by " if lines else "") + f"{kind.__module__}.{kind.__qualname__}")
        lines.extend(f"  {_where(frame.filename)}, line {frame.lineno}, in {frame.name}"
                     for frame in traceback.extract_tb(current.__traceback__))
        current = current.__cause__ if current.__cause__ is not None else (
            None if current.__suppress_context__ else current.__context__)
    return "\n".join(lines)


def log_unexpected(logger: logging.Logger, what: str, error: BaseException) -> None:
    """One record for an unexpected failure: ``what`` stopped, its type, and (in the log file,
    not on the terminal, where the person reads one plain sentence instead) where it
    happened."""
    logger.error("%s stopped by an unexpected %s\n%s", what, type(error).__name__,
                 safe_traceback(error), extra={_FILE_ONLY: True})
