"""Programme report… in the app: the period dialog and the export off the GUI thread."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from tests.services.programme_caseload import PERIOD, build

from familyworker.services.programme_report import ExportedReport
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.caseload.programme_report_dialog import (
    ProgrammeReportDialog,
    done_message,
    error_message,
    export_in_background,
    financial_year_start,
)
from familyworker.views.shared.task_runner import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.wait_until_idle()


def test_period_defaults_to_the_financial_year_and_refuses_a_reversed_one(
        qtbot: QtBot) -> None:
    dialog = ProgrammeReportDialog(today=date(2026, 2, 10))
    qtbot.addWidget(dialog)
    assert dialog.period().start == date(2025, 4, 1) == financial_year_start(date(2026, 2, 10))
    assert dialog.period().end == date(2026, 2, 10)
    dialog.from_edit.setDate(QDate(2026, 3, 1))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error_label.text() == "The report period ends before it starts."
    assert dialog.result() == 0  # still open, dates kept
    dialog.to_edit.setDate(QDate(2026, 3, 31))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == 1


def test_export_runs_off_the_gui_thread_and_writes_pdf_and_csv(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner, tmp_path: Path) -> None:
    build(store)
    done: list[ExportedReport] = []
    errors: list[Exception] = []
    export_in_background(store, runner, PERIOD, tmp_path / "report.pdf",
                         on_done=done.append, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(done or errors), timeout=20_000)
    assert not errors
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "report.csv").read_text(encoding="utf-8").startswith("reference,")
    assert done_message(done[0]) == ("Programme report saved (4 families): report.pdf and "
                                     "report.csv.")


def test_a_folder_that_vanished_is_a_plain_message(qtbot: QtBot, store: CaseloadStore,
                                                   runner: TaskRunner, tmp_path: Path) -> None:
    errors: list[Exception] = []
    export_in_background(store, runner, PERIOD, tmp_path / "gone" / "report.pdf",
                         on_done=lambda _r: None, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert error_message(errors[0]).startswith("The report could not be saved (")


def test_the_caseload_window_offers_programme_report(qtbot: QtBot) -> None:
    from familyworker.views.caseload.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert "&Programme report…" in [a.text() for a in file_menu.actions()]
    with qtbot.waitSignal(window.programme_report_requested, timeout=1000):
        window.programme_report_action.trigger()
