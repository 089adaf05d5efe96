"""Qt table model of a family's contact notes (the chronology), newest first."""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from familyworker.domain.contact import ContactNote

_ROOT = QModelIndex()  # the default parent: Qt's invalid index

HEADERS = ("When", "Kind", "Status", "Summary")


def status_text(note: ContactNote) -> str:
    return "Final" if note.is_final else "✎ Draft"


class NotesTableModel(QAbstractTableModel):
    """One ContactNote per row, in the order given (the service gives newest first)."""

    NoteRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ContactNote] = []

    def set_rows(self, rows: Sequence[ContactNote]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def note_at(self, row: int) -> ContactNote:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        note = self._rows[index.row()]
        if role == self.NoteRole:
            return note
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return note.occurred_at.astimezone().strftime("%d %b %Y %H:%M")
        if column == 1:
            return note.kind.label
        if column == 2:
            return status_text(note)
        first_line = note.narrative.strip().splitlines()[0] if note.narrative.strip() else ""
        return first_line[:90] + ("…" if len(first_line) > 90 else "")
