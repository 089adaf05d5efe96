"""The log: an unexpected failure is written as its type and frames only, to the caseload's log
file and not the terminal; a log file that cannot be written stays silent."""

import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc

from familyworker.logs import log_file, log_unexpected, logging_to, safe_traceback

SECRET = "Jane Doe, 4 Elm Row"


def _fail() -> None:
    try:
        raise sqlite3.IntegrityError(f"NOT NULL constraint failed: {SECRET}")
    except sqlite3.IntegrityError as driver:
        raise exc.IntegrityError("INSERT INTO person (name) VALUES (?)", (SECRET,),
                                 driver) from driver


def _caught() -> BaseException:
    try:
        _fail()
    except exc.IntegrityError as error:
        return error
    raise AssertionError("no error")


def test_a_traceback_names_types_and_frames_never_a_message() -> None:
    text = safe_traceback(_caught())
    assert SECRET not in text and "INSERT" not in text
    lines = text.splitlines()
    assert lines[0] == "sqlalchemy.exc.IntegrityError"
    assert "caused by sqlite3.IntegrityError" in lines
    assert any(line.strip().startswith("test_logs.py, line") and line.endswith("in _fail")
               for line in lines)
    assert all("/home/" not in line and "/root/" not in line for line in lines)


def test_the_details_go_to_the_file_and_not_the_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    terminal = logging.StreamHandler()  # as the CLI's basicConfig makes it
    monkeypatch.setattr(logging.root, "handlers", [terminal])
    data = tmp_path / "caseload"
    data.mkdir()
    log = logging.getLogger("familyworker.test")
    with logging_to(data):
        log.warning("3 pulled rows set aside")
        log_unexpected(log, "the sync pass", _caught())
    log.warning("after: the terminal only")
    err = capsys.readouterr().err
    assert err.splitlines() == ["3 pulled rows set aside", "after: the terminal only"]
    written = log_file(data).read_text(encoding="utf-8")
    assert "WARNING familyworker.test: 3 pulled rows set aside" in written
    assert "the sync pass stopped by an unexpected IntegrityError" in written
    assert "caused by sqlite3.IntegrityError" in written and SECRET not in written
    assert "after" not in written and terminal.filters == []


def test_no_log_file_before_the_caseload_folder_exists_and_none_that_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(logging.root, "handlers", [])
    log = logging.getLogger("familyworker.test")
    first_run = tmp_path / "not yet"
    with logging_to(first_run):
        log.warning("before the caseload exists")
    assert not first_run.exists()  # a first run still finds no folder
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "logs").write_text("a file where the folder would be")
    with logging_to(blocked):
        log_unexpected(log, "the sync pass", _caught())
    assert "Traceback" not in capsys.readouterr().err
