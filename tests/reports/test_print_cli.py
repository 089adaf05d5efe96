"""print-plan / print-star / print-chronology as a script calls them."""

import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import TEST_PASSPHRASE
from tests.reports.family_data import make_family
from tests.reports.helpers import pdf_text, reader

from familyworker.store.caseload_store import CaseloadStore


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "familyworker.cli.main", *args],
                          input=TEST_PASSPHRASE + "\n", capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def caseload(store: CaseloadStore, data_dir: Path) -> Path:
    make_family(store)
    store.lock()
    return data_dir


@pytest.mark.parametrize(("command", "expected"), [
    ("print-plan", "Our family plan"), ("print-star", "progress over time"),
    ("print-chronology", "Case chronology")])
def test_print_commands_write_a_pdf(caseload: Path, tmp_path: Path, command: str,
                                    expected: str) -> None:
    out = tmp_path / "out.pdf"
    result = run(command, "FAM-0042", "--out", str(out), "--data-dir", str(caseload),
                 "--passphrase-stdin")
    assert result.returncode == 0, result.stderr
    assert expected in pdf_text(out.read_bytes())
    if command == "print-plan":
        assert len(reader(out.read_bytes()).pages) == 1


def test_unknown_reference_is_one_sentence_and_exit_1(caseload: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = run("print-plan", "FAM-9999", "--out", str(out), "--data-dir", str(caseload),
                 "--passphrase-stdin")
    assert result.returncode == 1
    assert result.stderr.strip() == "No family with that reference is in this caseload."
    assert not out.exists()
