"""`familyworker set-status REF STATUS [--reason TEXT] [--note TEXT] [--on YYYY-MM-DD]`."""

import json
from datetime import date
from pathlib import Path

import pytest
from tests.cli.test_caseload_cli import run
from tests.conftest import CANARY, TEST_PASSPHRASE

from familyworker.services import families
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    data_dir = tmp_path / "c"
    store = CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    try:
        families.add_family(store, reference="FAM-0007", household_name=CANARY,
                            postcode="LS1 4AB", referred_on=date(2026, 1, 5))
    finally:
        store.lock()
    return data_dir


def _set(caseload: Path, *args: str) -> tuple[int, str, str]:
    result = run("set-status", *args, "--data-dir", str(caseload), "--passphrase-stdin")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def _status(caseload: Path) -> str:
    listed = run("list-families", "--json", "--data-dir", str(caseload), "--passphrase-stdin")
    return str(json.loads(listed.stdout)[0]["status"])


def test_open_step_down_close_and_reopen(caseload: Path) -> None:
    assert _set(caseload, "fam-0007", "open", "--on", "2026-03-03") == (
        0, "FAM-0007: Open since 3 March 2026.\n", "")
    assert _set(caseload, "FAM-0007", "step-down", "--reason", "School pastoral team",
                "--on", "2026-04-01") == (
        0, "FAM-0007: Stepped down to: School pastoral team since 1 April 2026.\n", "")
    code, out, err = _set(caseload, "FAM-0007", "closed", "--reason", "other", "--note",
                          "Moved abroad", "--on", "2026-05-02")
    assert (code, err) == (0, "")
    assert out == ("FAM-0007: Closed (Other reason: Moved abroad) on 2 May 2026; 6-month "
                   "review due 2 November 2026.\n")
    assert _set(caseload, "FAM-0007", "open", "--reason", "New concerns", "--on",
                "2026-06-01")[1] == "FAM-0007: Open since 1 June 2026 (why: New concerns).\n"
    assert _status(caseload) == "open"


def test_step_up_records_why(caseload: Path) -> None:
    code, out, _err = _set(caseload, "FAM-0007", "step-up", "--reason", "Disclosure at school",
                           "--on", "2026-02-02")
    assert (code, out) == (0, "FAM-0007: Stepped up to social care since 2 February 2026 "
                              "(why: Disclosure at school).\n")


def test_errors_are_one_plain_sentence_and_change_nothing(caseload: Path) -> None:
    code, out, err = _set(caseload, "FAM-0007", "closed", "--reason", "they left")
    assert (code, out) == (1, "")
    assert err == ("'they left' is not a closure reason; choose one of outcomes-achieved, "
                   "stepped-down-to-universal-services, escalated-to-social-care, "
                   "moved-out-of-area, family-declined, no-longer-engaging, other.\n")
    assert _set(caseload, "FAM-0007", "shut")[0::2] == (
        1, "'shut' is not a status; choose one of referred, open, step-down, step-up, "
           "closed.\n")
    assert _set(caseload, "FAM-0007", "step-up")[0::2] == (
        1, "A step-up to social care needs the reason.\n")
    assert _set(caseload, "FAM-0007", "open", "--on", "3/3/2026")[0::2] == (
        1, "The date must be written YYYY-MM-DD, for example 2026-03-03.\n")
    assert _set(caseload, "FAM-9999", "open")[0::2] == (
        1, "No family with that reference is in this caseload.\n")
    assert _status(caseload) == "referred"

    assert _set(caseload, "FAM-0007", "closed", "--reason", "family-declined")[0] == 0
    assert _set(caseload, "FAM-0007", "step-down", "--reason", "School")[0::2] == (
        1, "A case that is closed cannot move to step-down.\n")
    assert _status(caseload) == "closed"
