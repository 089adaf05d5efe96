"""The programme report PDF and `familyworker report programme` as a script calls it."""

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import TEST_PASSPHRASE
from tests.reports.helpers import embedded_fonts, pdf_text, pdftotext, reader
from tests.services.programme_caseload import PERIOD, SECRET_NAME, build

from familyworker.domain.programme_figures import ReportPeriod
from familyworker.reports.programme_report import render_programme_report
from familyworker.services.programme_report import build_programme_report
from familyworker.store.caseload_store import CaseloadStore


def test_pdf_has_its_sections_charts_and_marking(store: CaseloadStore, tmp_path: Path) -> None:
    build(store)
    data = render_programme_report(build_programme_report(store, PERIOD),
                                   printed_on=date(2026, 7, 2))
    pages = reader(data).pages
    assert len(pages) == 4
    text = pdf_text(data)
    for expected in ("Programme report", "Families by status (now)",
                     "Families by need (headline criteria)",
                     "Distance travelled per Web Star area", "Progress against the outcome plan",
                     "Results claims", "Case durations", "Distance travelled per family",
                     "FAM-A01", "1 January 2026 to 30 June 2026", "Page 4 of 4"):
        assert expected in text, expected
    assert text.count("OFFICIAL-SENSITIVE") == 2 * len(pages)
    assert "Quillfeather" not in text and SECRET_NAME not in text
    assert "FAM-D04" not in text and "FAM-E05" not in text  # out of scope
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= {f.split("+")[-1] for f in embedded_fonts(data)}
    assert reader(data).metadata.title == "Programme report 2026-01-01 to 2026-06-30"
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    layout = pdftotext(path)
    if layout is not None:  # poppler reads the summary table row by row
        assert any("Families in scope" in line and line.rstrip().endswith("4")
                   for line in layout.splitlines())
        assert any("FAM-A01" in line and "+1.8" in line for line in layout.splitlines())


def test_a_period_not_yet_ended_says_as_of_when(store: CaseloadStore) -> None:
    build(store)
    running = build_programme_report(store, ReportPeriod(date(2026, 1, 1), date(2026, 8, 1)),
                                     today=date(2026, 5, 1))
    text = " ".join(pdf_text(render_programme_report(running, printed_on=date(2026, 5, 1)))
                    .split())
    assert "The period has not ended: figures are as of 1 May 2026" in text
    assert "Families with the outcome plan met by 1 May 2026" in text
    ended = build_programme_report(store, PERIOD)
    assert "has not ended" not in pdf_text(render_programme_report(
        ended, printed_on=date(2026, 7, 2)))


def test_an_empty_period_still_renders(store: CaseloadStore) -> None:
    figures = build_programme_report(store, ReportPeriod(date(2020, 1, 1), date(2020, 1, 31)))
    text = pdf_text(render_programme_report(figures, printed_on=date(2026, 7, 2)))
    assert "No family has two Web Stars in the period." in text


def run(*args: str, passphrase: str = TEST_PASSPHRASE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "familyworker.cli.main", *args],
                          input=passphrase + "\n", capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def caseload(store: CaseloadStore, data_dir: Path) -> Path:
    build(store)
    store.lock()
    return data_dir


def test_cli_writes_pdf_and_csv(caseload: Path, tmp_path: Path) -> None:
    pdf, table = tmp_path / "p.pdf", tmp_path / "p.csv"
    result = run("report", "programme", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--out", str(pdf), "--csv", str(table), "--data-dir", str(caseload),
                 "--passphrase-stdin")
    assert result.returncode == 0, result.stderr
    assert ("4 families in scope, 3 eligible, 1 with the outcome plan met, 1 claimed."
            in result.stdout)
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert [r["reference"] for r in rows] == ["FAM-A01", "FAM-B02", "FAM-C03", "FAM-F06"]
    assert "Distance travelled per family" in pdf_text(pdf.read_bytes())


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2026-06-30", "--to", "2026-01-01", "--csv", "{d}/x.csv"),
     "The report period ends before it starts."),
    (("--from", "30/06/2026", "--to", "2026-07-01", "--csv", "{d}/x.csv"),
     "--from must be a date written YYYY-MM-DD."),
    (("--from", "2026-01-01", "--to", "2026-06-30"),
     "Say where to write the report: --out FILE.pdf and/or --csv FILE.csv."),
    (("--from", "2026-01-01", "--to", "2026-06-30", "--csv", "{d}/missing/x.csv"),
     "The folder to save the report in does not exist."),
])
def test_cli_plain_problems_exit_1_and_write_nothing(caseload: Path, tmp_path: Path,
                                                     args: tuple[str, ...],
                                                     message: str) -> None:
    filled = [a.replace("{d}", str(tmp_path)) for a in args]
    result = run("report", "programme", *filled, "--data-dir", str(caseload),
                 "--passphrase-stdin")
    assert result.returncode == 1
    assert result.stderr.strip() == message
    assert not (tmp_path / "x.csv").exists()


def test_cli_wrong_passphrase_exits_2(caseload: Path, tmp_path: Path) -> None:
    result = run("report", "programme", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--csv", str(tmp_path / "x.csv"), "--data-dir", str(caseload),
                 "--passphrase-stdin", passphrase="not the passphrase at all")
    assert result.returncode == 2
    assert not (tmp_path / "x.csv").exists()
