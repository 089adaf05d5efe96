"""`familyworker set-sex`, `set-level` and `report return`, as a script uses them."""

import json
from pathlib import Path

import pytest
from tests.cli.test_caseload_cli import run
from tests.cli.test_people_cli import family  # noqa: F401 - the fixture
from tests.reports.helpers import pdf_text


def test_set_sex_and_level_then_the_return_counts_them(family: list[str],  # noqa: F811
                                                       tmp_path: Path) -> None:
    done = run("set-sex", "fam-0100", "--person", "zoë ward", "female", *family)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Zoë Ward: sex female.\n"
    assert run("set-sex", "FAM-0100", "--person", "Łukasz Ward", "MALE", *family).returncode == 0
    level = run("set-level", "fam-0100", "medium", *family)
    assert level.returncode == 0, level.stderr
    assert level.stdout == "FAM-0100: intervention level medium.\n"
    opened = run("set-status", "FAM-0100", "open", "--on", "2026-07-01", *family)
    assert opened.returncode == 0, opened.stderr

    out, pdf = tmp_path / "return.csv", tmp_path / "return.pdf"
    made = run("report", "return", "--quarter", "2026Q3", "--out", str(out), "--pdf", str(pdf),
               *family)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("2026Q3: 1 families and 2 individuals worked with")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "section,measure,Unassigned,Total"
    assert "Individuals by sex,Female,1,1" in lines and "Individuals by sex,Male,1,1" in lines
    assert "Families by intervention level,Medium,1,1" in lines
    text = pdf_text(pdf.read_bytes())
    assert "Quarterly return 2026Q3" in text and "Zoë" not in text
    shown = json.loads(run("show-family", "FAM-0100", "--json", *family).stdout)
    assert {m["name"]: m["sex"] for m in shown["members"]} == {"Zoë Ward": "female",
                                                               "Łukasz Ward": "male"}
    assert shown["intervention_level"] == "medium"


@pytest.mark.parametrize(("args", "message"), [
    (["set-sex", "FAM-0100", "--person", "Zoë Ward", "woman"], "is not a sex the return"),
    (["set-level", "FAM-0100", "urgent"], "is not an intervention level"),
    (["report", "return", "--quarter", "Q3", "--out", "x.csv"], "written like 2026Q3"),
    (["report", "return", "--quarter", "2026Q3"], "Say where to write the return"),
])
def test_a_wrong_value_is_one_sentence_and_changes_nothing(
        family: list[str], args: list[str], message: str) -> None:  # noqa: F811
    done = run(*args, *family)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
