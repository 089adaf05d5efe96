"""The `familyworker` CLI as scripts and acceptance checks use it (real subprocesses)."""

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import CANARY, TEST_PASSPHRASE

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.unlock_attempts import COUNTER_FILE, UnlockAttemptLog


def run(*args: str, stdin: str = TEST_PASSPHRASE + "\n") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "familyworker.cli.main", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    data_dir = tmp_path / "c"
    CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    return data_dir


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.is_file()}


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("familyworker ")


def test_init_then_refuses_to_overwrite(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"
    first = run("init", "--data-dir", str(data_dir), "--passphrase-stdin")
    assert first.returncode == 0, first.stderr
    before = _hashes(data_dir)
    second = run("init", "--data-dir", str(data_dir), "--passphrase-stdin")
    assert second.returncode == 1
    assert "already exists" in second.stderr
    assert _hashes(data_dir) == before


def test_import_list_show(caseload: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "cohort.csv"
    csv_path.write_text(
        "reference,household_name,postcode,address,criteria,members\n"
        f"FAM-0100,{CANARY},ls14ab,1 High St,education;housing,Zoë Ward|Mum|1990-02-03;"
        "Łukasz Ward|Son|2016-05-06\n"
        "FAM-0101,The O'Neill family,NF2 1AH,,,\n", encoding="utf-8")
    imported = run("import-families", str(csv_path), "--data-dir", str(caseload),
                   "--passphrase-stdin")
    assert imported.returncode == 0, imported.stderr
    listed = run("list-families", "--json", "--data-dir", str(caseload), "--passphrase-stdin")
    families = json.loads(listed.stdout)
    assert [(f["reference"], f["postcode"], f["status"]) for f in families] == [
        ("FAM-0100", "LS1 4AB", "referred"), ("FAM-0101", "NF2 1AH", "referred")]
    shown = run("show-family", "fam-0100", "--json", "--data-dir", str(caseload),
                "--passphrase-stdin")
    family = json.loads(shown.stdout)
    assert family["household_name"] == CANARY
    assert {m["name"] for m in family["members"]} == {"Zoë Ward", "Łukasz Ward"}
    assert family["criteria"] == ["education", "housing"]
    assert family["notes_count"] == 0 and family["latest_star"] is None
    assert set(families[0]) <= set(family)
    table = run("list-families", "--data-dir", str(caseload), "--passphrase-stdin").stdout
    assert table.splitlines()[0].split() == ["Reference", "Household", "Postcode", "Status",
                                             "Next", "visit"]
    plain = run("show-family", "FAM-0101", "--data-dir", str(caseload),
                "--passphrase-stdin").stdout
    assert "Lead worker:" in plain and "Next visit due: not set" in plain
    assert "Review due: not set" in plain


def test_import_is_all_or_nothing_and_reports_each_bad_row(caseload: Path,
                                                            tmp_path: Path) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text(
        "reference,household_name,postcode\n"
        "FAM-1,Good family,LS1 4AB\n"
        "FAM-2,,LS1 4AB\n"
        "FAM-3,Bad postcode family,NOT A POSTCODE\n"
        "FAM-1,Duplicate family,LS1 4AB\n", encoding="utf-8")
    result = run("import-families", str(csv_path), "--data-dir", str(caseload),
                 "--passphrase-stdin")
    assert result.returncode == 1
    assert "line 3:" in result.stderr and "household name" in result.stderr
    assert "line 4:" in result.stderr and "postcode" in result.stderr
    assert "line 5:" in result.stderr and "duplicate reference" in result.stderr
    assert "Bad postcode family" not in result.stderr  # no personal data echoed
    listed = run("list-families", "--json", "--data-dir", str(caseload), "--passphrase-stdin")
    assert json.loads(listed.stdout) == []


def test_wrong_passphrase_exit_2_and_nothing_changes(caseload: Path) -> None:
    before = _hashes(caseload)
    for command in (["list-families"], ["show-family", "FAM-1"], ["import-demo"]):
        result = run(*command, "--data-dir", str(caseload), "--passphrase-stdin",
                     stdin="the wrong passphrase\n")
        assert result.returncode == 2
        assert result.stderr.strip() == "Passphrase not recognised. Nothing was changed."
    # The caseload is as it was; the failures were counted, as in the app (SECURITY B2).
    after = _hashes(caseload)
    assert after.pop(COUNTER_FILE) and after == before
    assert UnlockAttemptLog(caseload).read().failures == 3


def test_the_cli_keeps_the_apps_growing_delays(caseload: Path) -> None:
    """SECURITY B2 from a terminal: after repeated failures no passphrase, right or wrong, is
    tried until the delay has passed (the clock is the counter's own; no test waits)."""
    ahead = UnlockAttemptLog(caseload, clock=lambda: time.time() + 3600)
    for _ in range(5):  # the last failure "an hour from now": a clock set back waits it all
        ahead.record_failure()
    refused = run("list-families", "--data-dir", str(caseload), "--passphrase-stdin")
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("Too many wrong passphrases in a row: wait 8 seconds, "
                                      "then try again. Nothing was changed.")
    assert UnlockAttemptLog(caseload).read().failures == 5  # not tried, not counted
    behind = UnlockAttemptLog(caseload, clock=lambda: time.time() - 3600)
    behind.record_failure()  # the sixth failure, an hour ago: its 16 s have passed
    allowed = run("list-families", "--data-dir", str(caseload), "--passphrase-stdin")
    assert allowed.returncode == 0, allowed.stderr
    assert UnlockAttemptLog(caseload).read().failures == 0


def test_unknown_reference_exit_1(caseload: Path) -> None:
    result = run("show-family", "FAM-9999", "--data-dir", str(caseload), "--passphrase-stdin")
    assert result.returncode == 1
    assert result.stderr.strip() == "No family with that reference is in this caseload."


def test_change_passphrase(caseload: Path) -> None:
    changed = run("change-passphrase", "--data-dir", str(caseload), "--passphrase-stdin",
                  stdin=f"{TEST_PASSPHRASE}\nan entirely new passphrase\n")
    assert changed.returncode == 0, changed.stderr
    old = run("list-families", "--data-dir", str(caseload), "--passphrase-stdin")
    assert old.returncode == 2
    new = run("list-families", "--json", "--data-dir", str(caseload), "--passphrase-stdin",
              stdin="an entirely new passphrase\n")
    assert new.returncode == 0 and json.loads(new.stdout) == []


def test_import_demo(caseload: Path) -> None:
    loaded = run("import-demo", "--data-dir", str(caseload), "--passphrase-stdin")
    assert loaded.returncode == 0, loaded.stderr
    families = json.loads(run("list-families", "--json", "--data-dir", str(caseload),
                              "--passphrase-stdin").stdout)
    assert len(families) >= 30
    assert any(f["overdue"] for f in families)


def test_options_before_the_command_are_honoured_and_a_missing_passphrase_is_one_sentence(
        tmp_path: Path) -> None:
    """`familyworker --data-dir D init` used to say "Created" and write to the default folder;
    `list-families < /dev/null` used to print an EOFError traceback."""
    home = tmp_path / "home"
    folder = tmp_path / "before"
    env = {**os.environ, "FAMILYWORKER_HOME": str(home)}
    made = subprocess.run(
        [sys.executable, "-m", "familyworker.cli.main", "--data-dir", str(folder),
         "--passphrase-stdin", "init"], input="a long test passphrase\n", text=True,
        capture_output=True, env=env, check=False)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"Created an encrypted caseload in {folder}"
    assert (folder / "caseload.db").exists() or any(folder.iterdir())
    assert not home.exists() or not any(home.iterdir())
    listed = subprocess.run(
        [sys.executable, "-m", "familyworker.cli.main", "list-families", "--data-dir",
         str(folder)], stdin=subprocess.DEVNULL, text=True, capture_output=True, env=env,
        check=False)
    assert listed.returncode == 1
    assert "Traceback" not in listed.stderr and "EOFError" not in listed.stderr
    assert listed.stderr.strip().startswith("No passphrase was given")


def test_list_families_says_which_date_is_overdue(caseload: Path) -> None:
    """A bare OVERDUE beside a future 'Next visit' date read as a wrong date when it was the
    review that was overdue."""
    from datetime import date

    assert run("import-demo", "--data-dir", str(caseload), "--passphrase-stdin").returncode == 0
    lines = run("list-families", "--data-dir", str(caseload), "--passphrase-stdin").stdout
    flagged = [line for line in lines.splitlines() if "OVERDUE" in line]
    assert flagged
    for line in flagged:
        assert "VISIT OVERDUE" in line or "REVIEW OVERDUE" in line, line
        if "VISIT OVERDUE" in line:
            due = line.split("VISIT")[0].split()[-1]
            assert date.fromisoformat(due) < date.today(), line


def test_a_note_can_come_from_standard_input(caseload: Path) -> None:
    """`add-note --text -`: the words never appear on the command line (SECURITY: the process
    list and shell history); with --passphrase-stdin they follow the passphrase's line."""
    assert run("import-demo", "--data-dir", str(caseload), "--passphrase-stdin").returncode == 0
    words = f"Visited; {CANARY} said the new routine is working.\nSecond line."
    added = run("add-note", "FAM-0003", "--kind", "home-visit", "--text", "-",
                "--outcome", "no-answer", "--data-dir", str(caseload), "--passphrase-stdin",
                stdin=f"{TEST_PASSPHRASE}\n{words}\n")
    assert added.returncode == 0, added.stderr
    shown = run("show-family", "FAM-0003", "--json", "--data-dir", str(caseload),
                "--passphrase-stdin")
    assert shown.returncode == 0, shown.stderr
    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    try:
        from familyworker.services.family_file import load_family_file
        from familyworker.services.queries import family_by_reference
        with store.read() as session:
            family_id = family_by_reference(session, "FAM-0003").id
        [note] = [n for n in load_family_file(store, family_id=family_id).notes
                  if CANARY in n.narrative]
        assert note.narrative == words and note.outcome.value == "no-answer"
        assert note.is_final and not note.counts_as_contact
    finally:
        store.lock()
    empty = run("add-note", "FAM-0003", "--kind", "phone", "--text", "-", "--data-dir",
                str(caseload), "--passphrase-stdin", stdin=f"{TEST_PASSPHRASE}\n")
    assert empty.returncode == 1 and "The note is empty" in empty.stderr
