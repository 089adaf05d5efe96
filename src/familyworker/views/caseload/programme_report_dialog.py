"""Programme report… in the app: pick the period, pick where to save, export off the GUI thread.

The PDF goes where the worker chooses and the CSV beside it (same name, .csv); the export is
audited by the service like the CLI's.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.domain.programme_figures import ReportPeriod
from familyworker.services.programme_report import ExportedReport, export_programme_report
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.views.shared.qt_dates import from_qdate, to_qdate
from familyworker.views.shared.task_runner import TaskRunner


def financial_year_start(today: date) -> date:
    """1 April of the financial year `today` falls in (councils report by financial year)."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


class ProgrammeReportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("programme_report_dialog")
        self.setWindowTitle("Programme report")
        day = today or date.today()
        self.from_edit = QDateEdit(to_qdate(financial_year_start(day)))
        self.from_edit.setObjectName("from_edit")
        self.from_edit.setAccessibleName("First day of the period")
        self.to_edit = QDateEdit(to_qdate(day))
        self.to_edit.setObjectName("to_edit")
        self.to_edit.setAccessibleName("Last day of the period")
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setCalendarPopup(True)
        self.error_label = QLabel("")
        self.error_label.setObjectName("period_error")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&From:", self.from_edit)
        form.addRow("&To:", self.to_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Families whose case was live at any time in the period."))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def period(self) -> ReportPeriod:
        return ReportPeriod(from_qdate(self.from_edit.date()), from_qdate(self.to_edit.date()))

    def _check(self) -> None:
        try:
            self.period()
        except ValidationError as error:
            self.error_label.setText(str(error))  # stays open: nothing typed is lost
            return
        self.accept()


def export_in_background(store: CaseloadStore, runner: TaskRunner, period: ReportPeriod,
                         pdf_path: Path, *, on_done: Callable[[ExportedReport], None],
                         on_error: Callable[[Exception], None]) -> None:
    """Render and write on the serial writer thread (the export is audited: a store write)."""
    csv_path = pdf_path.with_suffix(".csv")
    runner.run_write(lambda: export_programme_report(store, period, csv_path=csv_path,
                                                     pdf_path=pdf_path), on_done, on_error)


def done_message(result: ExportedReport) -> str:
    return (f"Programme report saved ({result.figures.families} families): "
            f"{result.pdf_path.name if result.pdf_path else ''} and "
            f"{result.csv_path.name if result.csv_path else ''}.")


def error_message(error: Exception) -> str:
    if isinstance(error, ValidationError | StoreError):
        return str(error)
    if isinstance(error, OSError):
        return f"The report could not be saved ({error.strerror})."
    return "The report could not be made. Please try again."


def run_programme_report(parent: QWidget, store: CaseloadStore | None, runner: TaskRunner,
                         notify: Callable[[str], None]) -> None:
    """The menu action: ask for the period and the file, then export in the background."""
    if store is None:
        return
    dialog = ProgrammeReportDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    period = dialog.period()
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save the programme report",
        f"programme-report-{period.start}-to-{period.end}.pdf", "PDF documents (*.pdf)",
        options=QFileDialog.Option.DontUseNativeDialog)
    if not path:
        return
    notify("Making the programme report…")
    export_in_background(store, runner, period, Path(path),
                         on_done=lambda result: notify(done_message(result)),
                         on_error=lambda error: notify(error_message(error)))
