"""`familyworker consent add | withdraw | list` and `print-chronology --for-agency`."""

import json
from pathlib import Path

import pytest
from tests.cli.test_caseload_cli import run
from tests.conftest import TEST_PASSPHRASE
from tests.reports.helpers import pdf_text

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR


@pytest.fixture
def family(tmp_path: Path) -> list[str]:
    caseload = tmp_path / "c"
    CaseloadStore.create(caseload, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("reference,household_name,postcode,members\n"
                      "FAM-0100,The Ward family,LS1 4AB,Zoë Ward|Mum|1990-02-03;"
                      "Łukasz Ward|Son|2016-05-06\n", encoding="utf-8")
    options = ["--data-dir", str(caseload), "--passphrase-stdin"]
    assert run("import-families", str(cohort), *options).returncode == 0
    return options


def test_add_withdraw_and_list_the_register(family: list[str], tmp_path: Path) -> None:
    given = run("consent", "add", "FAM-0100", "--person", "zoë ward", "--for",
                "share-with-agency", "--agency", "Riverside Primary", "--answer", "given",
                "--how", "written", "--on", "2025-03-01", "--review-on", "2030-03-01",
                *family)
    assert given.returncode == 0, given.stderr
    assert given.stdout == ("Recorded: Sharing with Riverside Primary — given 2025-03-01 "
                            "(written), review 2030-03-01.\n")
    assert run("consent", "add", "FAM-0100", "--person", "Łukasz Ward", "--for",
               "share-with-agency", "--agency", "Riverside Primary", "--answer", "given",
               "--how", "verbal", "--on", "2025-03-01", "--given-by", "Zoë Ward",
               *family).returncode == 0
    withdrawn = run("consent", "withdraw", "FAM-0100", "--person", "Łukasz Ward", "--for",
                    "share-with-agency", "--agency", "riverside primary", "--how", "verbal",
                    "--on", "2025-04-01", *family)
    assert withdrawn.returncode == 0, withdrawn.stderr
    listed = run("consent", "list", "FAM-0100", *family).stdout
    assert listed.startswith("FAM-0100: Consent: 1 of 2 people · 1 withdrawn")
    assert "  - Łukasz Ward: Sharing with Riverside Primary — withdrawn 2025-04-01" in listed
    shown = json.loads(run("consent", "list", "FAM-0100", "--json", *family).stdout)
    assert [s["decision"] for s in shown["history"]] == ["given", "given", "withdrawn"]
    assert len(shown["current"]) == 2

    out = tmp_path / "school.pdf"
    printed = run("print-chronology", "FAM-0100", "--out", str(out), "--for-agency",
                  "Riverside Primary", *family)
    assert printed.returncode == 0, printed.stderr
    assert "Information about 1 person in this household is left out" in \
        pdf_text(out.read_bytes())


def test_mistakes_are_one_sentence_and_record_nothing(family: list[str]) -> None:
    future = run("consent", "add", "FAM-0100", "--person", "Zoë Ward", "--for",
                 "photographs", "--answer", "given", "--how", "written", "--on",
                 "2999-01-01", *family)
    assert future.returncode == 1 and future.stderr == \
        "The date of the answer cannot be in the future.\n"
    bad_day = run("consent", "add", "FAM-0100", "--person", "Zoë Ward", "--for",
                  "photographs", "--answer", "given", "--how", "written", "--on", "1/2/25",
                  *family)
    assert bad_day.returncode == 1 and "YYYY-MM-DD" in bad_day.stderr
    nothing = run("consent", "withdraw", "FAM-0100", "--person", "Zoë Ward", "--for",
                  "photographs", "--how", "written", "--on", "2025-01-01", *family)
    assert nothing.returncode == 1 and "no consent given" in nothing.stderr
    stranger = run("consent", "add", "FAM-0100", "--person", "Someone Else", "--for",
                   "photographs", "--answer", "given", "--how", "written", "--on",
                   "2025-01-01", *family)
    assert stranger.returncode == 1 and "Someone" not in stranger.stderr
    assert "Consent: none recorded" in run("consent", "list", "FAM-0100", *family).stdout


def test_history_lists_what_was_done_newest_first(family: list[str], tmp_path: Path) -> None:
    run("consent", "add", "FAM-0100", "--person", "Zoë Ward", "--for", "photographs",
        "--answer", "given", "--how", "written", "--on", "2025-01-01", *family)
    run("print-chronology", "FAM-0100", "--out", str(tmp_path / "c.pdf"), *family)
    shown = run("history", "FAM-0100", *family)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("FAM-0100: ") and lines[0].endswith("events, newest first")
    assert "saved a PDF of the chronology" in lines[1]
    assert "added a consent statement" in lines[2]
    assert "Zoë" not in shown.stdout
    printed = json.loads(run("history", "FAM-0100", "--kind", "printed", "--json",
                             *family).stdout)
    assert [e["what"] for e in printed] == ["saved a PDF of the chronology"]
