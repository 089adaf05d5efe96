"""Qt table model of a household's members."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from familyworker.domain.person import Person

_ROOT = QModelIndex()  # the default parent: Qt's invalid index

HEADERS = ("Name", "Relationship", "Age", "School or setting", "Flags")


class MembersTableModel(QAbstractTableModel):
    """One Person per row."""

    PersonRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Person] = []
        self._today = date.today()

    def set_rows(self, rows: Sequence[Person]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._today = date.today()
        self.endResetModel()

    def person_at(self, row: int) -> Person:
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
        person = self._rows[index.row()]
        if role == self.PersonRole:
            return person
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return person.name
        if column == 1:
            return person.relationship or "—"
        if column == 2:
            age = person.age_on(self._today)
            return "—" if age is None else str(age)
        if column == 3:
            return person.school_setting or "—"
        return ", ".join(f.label for f in person.flags) or "—"
