"""Qt table model exposing the worker's caseload (FamilySummary rows) to the caseload table."""

from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from familyworker.domain.caseload import FamilySummary

_ROOT = QModelIndex()  # the default parent: Qt's invalid index

OVERDUE_MARKER = "⚠ overdue"
# A QColor, not a QBrush: the delegate paints either, and PySide6's first QBrush(QColor)
# costs ~20 ms of start-up (overload resolution).
_OVERDUE_BACKGROUND = QColor(255, 236, 200)

Index = QModelIndex | QPersistentModelIndex


class CaseloadColumn(IntEnum):
    REFERENCE = 0
    HOUSEHOLD = 1
    STATUS = 2
    LEAD_WORKER = 3
    LAST_CONTACT = 4
    NEXT_VISIT = 5
    REVIEW_DUE = 6
    SYNC = 7


HEADERS = {
    CaseloadColumn.REFERENCE: "Reference",
    CaseloadColumn.HOUSEHOLD: "Household",
    CaseloadColumn.STATUS: "Status",
    CaseloadColumn.LEAD_WORKER: "Lead worker",
    CaseloadColumn.LAST_CONTACT: "Last contact",
    CaseloadColumn.NEXT_VISIT: "Next visit due",
    CaseloadColumn.REVIEW_DUE: "Review due",
    CaseloadColumn.SYNC: "Sync",
}


def format_day(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else "—"


def _due_text(day: date | None, overdue: bool) -> str:
    text = format_day(day)
    return f"{text}  {OVERDUE_MARKER}" if overdue else text


_COLUMNS = tuple(CaseloadColumn)
_COLUMN_COUNT = len(_COLUMNS)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


class CaseloadTableModel(QAbstractTableModel):
    """The worker's caseload, one FamilySummary per row."""

    FamilyRole = Qt.ItemDataRole.UserRole + 1  # proxy-safe access to the row's FamilySummary
    SortRole = Qt.ItemDataRole.UserRole + 2  # native values for sorting

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[FamilySummary] = []
        self._texts: dict[int, tuple[str, ...]] = {}  # row -> its columns' display texts

    def set_rows(self, rows: Sequence[FamilySummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = {}
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    @property
    def rows(self) -> Sequence[FamilySummary]:
        return self._rows

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(CaseloadColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(CaseloadColumn):
            return HEADERS[CaseloadColumn(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.value(index.row(), index.column(), role)

    def value(self, row: int, column_number: int, role: int) -> Any:
        """``data()`` by row and column number (the caseload proxy asks this way). Called for
        every role of every painted cell: roles it does not answer return at once, and a
        row's texts are made once per load."""
        if role not in _ANSWERED or not 0 <= row < len(self._rows) \
                or not 0 <= column_number < _COLUMN_COUNT:
            return None
        if role in (_DISPLAY, _ACCESSIBLE):
            texts = self._texts.get(row)
            if texts is None:
                summary = self._rows[row]
                texts = self._texts[row] = tuple(self._display(summary, c) for c in _COLUMNS)
            return texts[column_number]
        summary = self._rows[row]
        column = _COLUMNS[column_number]
        if role == self.FamilyRole:
            return summary
        if role == self.SortRole:
            return self.sort_key(summary, column)
        if (column is CaseloadColumn.NEXT_VISIT and summary.visit_overdue) \
                or (column is CaseloadColumn.REVIEW_DUE and summary.review_overdue):
            return _OVERDUE_BACKGROUND
        return None

    @staticmethod
    def _display(summary: FamilySummary, column: CaseloadColumn) -> str:
        match column:
            case CaseloadColumn.REFERENCE:
                return summary.reference
            case CaseloadColumn.HOUSEHOLD:
                return summary.household_name
            case CaseloadColumn.STATUS:
                return summary.status.label
            case CaseloadColumn.LEAD_WORKER:
                return summary.lead_worker_name or "—"
            case CaseloadColumn.LAST_CONTACT:
                return format_day(summary.last_contact_on)
            case CaseloadColumn.NEXT_VISIT:
                return _due_text(summary.next_visit_due, summary.visit_overdue)
            case CaseloadColumn.REVIEW_DUE:
                return _due_text(summary.review_due, summary.review_overdue)
            case CaseloadColumn.SYNC:
                n = summary.pending_changes
                return f"↑ {n} waiting" if n else "✓ synced"
        return ""

    @staticmethod
    def sort_key(summary: FamilySummary, column: CaseloadColumn) -> Any:
        match column:
            case CaseloadColumn.REFERENCE:
                return summary.reference
            case CaseloadColumn.HOUSEHOLD:
                return summary.household_name.casefold()
            case CaseloadColumn.STATUS:
                return summary.status.label
            case CaseloadColumn.LEAD_WORKER:
                return summary.lead_worker_name.casefold()
            case CaseloadColumn.LAST_CONTACT:
                return (summary.last_contact_on or date.min).toordinal()
            case CaseloadColumn.NEXT_VISIT:
                return (summary.next_visit_due or date.max).toordinal()
            case CaseloadColumn.REVIEW_DUE:
                return (summary.review_due or date.max).toordinal()
            case CaseloadColumn.SYNC:
                return summary.pending_changes
        return None


_ANSWERED = frozenset({_DISPLAY, _ACCESSIBLE, Qt.ItemDataRole.BackgroundRole,
                       CaseloadTableModel.FamilyRole, CaseloadTableModel.SortRole})
