"""`familyworker claims …`, `outcomes …` and `report claim`, as a script uses them, on the demo."""

from datetime import date
from pathlib import Path

import pytest
from tests.cli.test_caseload_cli import run
from tests.conftest import TEST_PASSPHRASE
from tests.reports.test_claim_pack import pdf_text

from familyworker.domain.quarter import Quarter
from familyworker.services.demo import import_demo
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR


@pytest.fixture
def options(tmp_path: Path) -> list[str]:
    caseload = tmp_path / "c"
    store = CaseloadStore.create(caseload, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    import_demo(store)  # dated from today, like the real demo
    store.lock()
    return ["--data-dir", str(caseload), "--passphrase-stdin"]


def test_list_submit_set_status_and_the_pack(options: list[str], tmp_path: Path) -> None:
    listed = run("claims", "list", *options)
    assert listed.returncode == 0, listed.stderr
    assert f"Claims for {Quarter.of(date.today())}" in listed.stdout
    assert "ready     FAM-0007  outcome plan, met on" in listed.stdout
    assert "ready     FAM-0012  employment (Ewelina Kowalczyk), met on" in listed.stdout
    assert "claimed   FAM-0021  outcome plan, SF-DEMO-0141 v1" in listed.stdout

    submitted = run("claims", "submit", "FAM-0007", "--reference", "SF-DEMO-0200", *options)
    assert submitted.returncode == 0, submitted.stderr
    refused = run("claims", "submit", "FAM-0030", "--reference", "SF-DEMO-0201", *options)
    assert refused.returncode == 1 and "Not ready to claim" in refused.stderr
    no_reason = run("claims", "set-status", "SF-DEMO-0200", "rejected", *options)
    assert no_reason.returncode == 1 and "reason" in no_reason.stderr
    verified = run("claims", "set-status", "SF-DEMO-0200", "verified", *options)
    assert verified.stdout == "Claim SF-DEMO-0200: verified.\n"

    out = tmp_path / "pack.pdf"
    pack = run("report", "claim", "SF-DEMO-0141", "--out", str(out), *options)
    assert pack.returncode == 0, pack.stderr
    text = pdf_text(out)
    assert "Tenancy held for 6 months with no arrears action" in text
    assert "Landlord rent account" in text and "Signature" in text


def test_record_a_reading_and_see_progress_in_words(options: list[str]) -> None:
    added = run("outcomes", "add-reading", "FAM-0030", "--measure", "school-attendance",
                "--person", "Ibrahim Akhtar", "--start", "2020-01-06", "--end", "2020-03-27",
                "--value", "88.0", "--source", "School register", *options)
    assert added.returncode == 0, added.stderr
    bad = run("outcomes", "add-reading", "FAM-0030", "--measure", "school-attendance",
              "--end", "2020-03-27", "--value", "lots", "--source", "School register",
              *options)
    assert bad.returncode == 1 and "not a number" in bad.stderr
    shown = run("outcomes", "show", "FAM-0030", "--on", "2020-04-01", *options)
    assert shown.returncode == 0, shown.stderr
    assert ("Getting a good education: not met. School attendance at least 90 % in three "
            "terms in a row: the reading was 88.0 % in the term 6 January 2020 to 27 March "
            "2020; it must be at least 90 % in 3 terms in a row.") in shown.stdout
