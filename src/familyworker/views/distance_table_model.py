"""Qt table model of distance travelled: first and latest star score per domain."""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from familyworker.domain.star import DomainChange

_ROOT = QModelIndex()  # the default parent: Qt's invalid index

HEADERS = ("Domain", "First", "Latest", "Change")


def change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲ +{change}"
    if change < 0:
        return f"▼ {change}"
    return "= 0"


class DistanceTableModel(QAbstractTableModel):
    """One row per star domain: (label, DomainChange)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, DomainChange]] = []

    def set_rows(self, rows: Sequence[tuple[str, DomainChange]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

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
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        label, change = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return label
        if column == 1:
            return "—" if change.first is None else str(change.first)
        if column == 2:
            return "—" if change.latest is None else str(change.latest)
        return change_text(change.change)
