"""`familyworker set-flags` and the flags `show-family` lists, as a script uses them."""

import json
from pathlib import Path

import pytest
from tests.cli.test_caseload_cli import run
from tests.conftest import TEST_PASSPHRASE

from familyworker.domain.person import PersonFlag
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR


@pytest.fixture
def family(tmp_path: Path) -> list[str]:
    """FAM-0100 with two members; returns the options every command here needs."""
    caseload = tmp_path / "c"
    CaseloadStore.create(caseload, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("reference,household_name,postcode,members\n"
                      "FAM-0100,The Ward family,LS1 4AB,Zoë Ward|Mum|1990-02-03;"
                      "Łukasz Ward|Son|2016-05-06\n", encoding="utf-8")
    options = ["--data-dir", str(caseload), "--passphrase-stdin"]
    imported = run("import-families", str(cohort), *options)
    assert imported.returncode == 0, imported.stderr
    return options


def test_set_flags_then_show_them_with_their_days(family: list[str]) -> None:
    done = run("set-flags", "fam-0100", "--person", "zoë  ward", "--flag",
               "expectant-parent=2026-03-01", "--flag", "young-carer", *family)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Zoë Ward: Expectant parent since 2026-03-01, Young carer.\n"
    shown = run("show-family", "FAM-0100", *family).stdout
    assert "  - Zoë Ward (Mum): Expectant parent since 2026-03-01, Young carer\n" in shown
    assert "  - Łukasz Ward (Son)\n" in shown
    members = {m["name"]: m for m in json.loads(
        run("show-family", "FAM-0100", "--json", *family).stdout)["members"]}
    assert members["Zoë Ward"]["flags"] == [
        {"flag": "expectant-parent", "label": "Expectant parent", "since": "2026-03-01"},
        {"flag": "young-carer", "label": "Young carer", "since": None}]
    assert members["Łukasz Ward"]["flags"] == []

    # The flags given replace the ones there were; --clear clears them all.
    again = run("set-flags", "FAM-0100", "--person", "Zoë Ward", "--flag", "child-in-need",
                *family)
    assert again.stdout == "Zoë Ward: Child in need.\n"
    cleared = run("set-flags", "FAM-0100", "--person", "Zoë Ward", "--clear", *family)
    assert cleared.returncode == 0 and cleared.stdout == "Zoë Ward: no flags.\n"
    assert "Zoë Ward (Mum)\n" in run("show-family", "FAM-0100", *family).stdout


def test_mistakes_are_one_sentence_and_change_nothing(family: list[str]) -> None:
    run("set-flags", "FAM-0100", "--person", "Zoë Ward", "--flag", "young-carer", *family)
    unknown = run("set-flags", "FAM-0100", "--person", "Zoë Ward", "--flag", "pregnant",
                  *family)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr == ("'pregnant' is not a flag; the flags are: "
                              + ", ".join(f.value for f in PersonFlag) + ".\n")
    bad_day = run("set-flags", "FAM-0100", "--person", "Zoë Ward", "--flag",
                  "child-in-need=3/1/2026", *family)
    assert bad_day.returncode == 1
    assert bad_day.stderr.startswith("The day for child-in-need must be written YYYY-MM-DD")
    nobody = run("set-flags", "FAM-0100", "--person", "Sam Nobody", "--flag", "young-carer",
                 *family)
    assert nobody.returncode == 1
    assert nobody.stderr == ("No one in FAM-0100's household has that name; 'familyworker "
                             "show-family FAM-0100' lists them.\n")
    assert "Sam Nobody" not in nobody.stderr
    neither = run("set-flags", "FAM-0100", "--person", "Zoë Ward", *family)
    assert neither.returncode == 1 and "--clear" in neither.stderr
    assert "Zoë Ward (Mum): Young carer\n" in run("show-family", "FAM-0100", *family).stdout
