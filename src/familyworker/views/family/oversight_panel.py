"""The family file's Management oversight tab: supervisors' decisions, newest first."""

from collections.abc import Callable
from html import escape
from typing import ClassVar

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from familyworker.domain.oversight import OversightNote
from familyworker.services.family_file import FamilyFile
from familyworker.views.family.oversight_entries import as_utc
from familyworker.views.shared.record_table_view import record_table_view
from familyworker.views.shared.row_table_model import RowTableModel

EMPTY = "No management oversight has been recorded for this family."


class OversightModel(RowTableModel[OversightNote]):
    HEADERS: ClassVar[tuple[str, ...]] = ("Written", "Review by", "Decision")

    def cell_text(self, item: OversightNote, column: int) -> str:
        if column == 0:
            return as_utc(item.written_at).astimezone().strftime("%d %b %Y %H:%M")
        if column == 1:
            return item.review_due.strftime("%d %b %Y") if item.review_due else "—"
        return item.decision.strip().splitlines()[0] if item.decision.strip() else ""


class OversightPanel(QWidget):
    """Read by everyone who holds the family; the add button shows for supervisors only."""

    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("oversight_panel")
        self.setAccessibleName("Management oversight")
        self._author: Callable[[str | None], str] = lambda _worker_id: "unknown"
        self.model = OversightModel(self)
        self.table = record_table_view(self.model, object_name="oversight_table",
                                       accessible_name="Management oversight notes",
                                       stretch_column=2, widths=(140, 110))
        self.detail = QTextBrowser()
        self.detail.setObjectName("oversight_detail")
        self.detail.setAccessibleName("The selected oversight note")
        self.empty_label = QLabel(EMPTY)
        self.empty_label.setObjectName("oversight_empty_label")
        self.add_button = QPushButton("&Add oversight note…")
        self.add_button.setObjectName("add_oversight_button")
        self.add_button.setVisible(False)
        self.add_button.clicked.connect(self.add_requested)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        top = QHBoxLayout()
        top.addWidget(self.empty_label, 1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.detail, 1)

    def set_can_add(self, allowed: bool) -> None:
        self.add_button.setVisible(allowed)

    def show_file(self, file: FamilyFile) -> None:
        self._author = file.author_name
        notes = sorted(file.oversight, key=lambda n: n.written_at, reverse=True)
        self.model.set_rows(notes)
        self.empty_label.setText("" if notes else EMPTY)
        self.detail.clear()
        if notes:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def clear(self) -> None:
        self.model.set_rows(())
        self.detail.clear()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        note = self.model.row_at(current.row())
        review = f"<p><b>Review by:</b> {note.review_due:%d %b %Y}</p>" if note.review_due else ""
        actions = (f"<p><b>Actions:</b><br>{escape(note.actions).replace(chr(10), '<br>')}</p>"
                   if note.actions else "")
        self.detail.setHtml(
            f"<p><b>Decision</b> by {escape(self._author(note.supervisor_id))} "
            f"({as_utc(note.written_at).astimezone():%d %b %Y %H:%M}):<br>"
            f"{escape(note.decision).replace(chr(10), '<br>')}</p>{actions}{review}")
