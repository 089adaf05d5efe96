"""Sorted, filtered view of the caseload: search-as-you-type, status filter, "overdue only".

Not a QSortFilterProxyModel: that calls a Python ``filterAcceptsRow`` for every source row on
every keystroke and a Python ``data()`` for every comparison when it sorts. Here the order is
one Python sort per column change, each keystroke filters a list of row numbers in Python
(narrowing the previous matches when the worker types on), and the view then asks only for
the rows it paints (benchmarks/gui_bench.py, search_floor_ratio).
"""

from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from familyworker.domain.family import FamilyStatus
from familyworker.views.caseload.caseload_table_model import CaseloadColumn, CaseloadTableModel

_ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex


class CaseloadFilterProxy(QAbstractProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._source: CaseloadTableModel | None = None
        self._search = ""
        self._words: list[str] = []
        self._status: FamilyStatus | None = None
        self._overdue_only = False
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._texts: list[str] = []
        self._order: list[int] = []  # every source row, in display order
        self._visible: list[int] = []  # the source rows shown, in display order
        self._position: list[int] = []  # source row -> shown position, or -1

    # ---- the source ---------------------------------------------------------------------

    def setSourceModel(self, model: Any) -> None:
        if self._source is not None:
            self._source.modelReset.disconnect(self._on_reset)
            self._source.dataChanged.disconnect(self._on_data_changed)
        self.beginResetModel()
        super().setSourceModel(model)
        self._source = model if isinstance(model, CaseloadTableModel) else None
        if self._source is not None:
            self._source.modelReset.connect(self._on_reset)
            self._source.dataChanged.connect(self._on_data_changed)
        self._rebuild()
        self.endResetModel()

    def _on_reset(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex,
                         roles: list[int] | None = None) -> None:
        # Rows keep their place until the next sort or filter change (as a proxy without
        # dynamic sorting does); repaint the shown cells that changed.
        for source_row in range(top.row(), bottom.row() + 1):
            position = self._position[source_row] if source_row < len(self._position) else -1
            if position >= 0:
                self.dataChanged.emit(self.index(position, top.column()),
                                      self.index(position, bottom.column()), roles or [])

    def _rebuild(self) -> None:
        rows = self._source.rows if self._source is not None else ()
        self._texts = [s.search_text for s in rows]
        self._order = self._sorted(range(len(rows)))
        self._visible = self._matching(self._order)
        self._index_positions()

    # ---- sorting and filtering ----------------------------------------------------------

    def _sorted(self, rows: range) -> list[int]:
        if self._source is None or self._sort_column < 0:
            return list(rows)
        column = CaseloadColumn(self._sort_column)
        summaries = self._source.rows
        keys = [CaseloadTableModel.sort_key(summaries[r], column) for r in rows]
        ordered = sorted(rows, key=keys.__getitem__,
                         reverse=self._sort_order is Qt.SortOrder.DescendingOrder)
        return ordered

    def _matching(self, candidates: list[int]) -> list[int]:
        words, status, overdue_only = self._words, self._status, self._overdue_only
        if not words and status is None and not overdue_only:
            return list(candidates)
        texts = self._texts
        summaries = self._source.rows if self._source is not None else ()
        return [r for r in candidates
                if all(w in texts[r] for w in words)
                and (status is None or summaries[r].status is status)
                and (not overdue_only or summaries[r].overdue)]

    def _index_positions(self) -> None:
        position = [-1] * len(self._texts)
        for shown, source_row in enumerate(self._visible):
            position[source_row] = shown
        self._position = position

    def _refilter(self, candidates: list[int]) -> None:
        self.beginResetModel()
        self._visible = self._matching(candidates)
        self._index_positions()
        self.endResetModel()

    @property
    def search(self) -> str:
        return self._search

    def set_search(self, text: str) -> None:
        search = text.strip().casefold()
        if search == self._search:
            return
        # Typing on only narrows: the rows that matched before are the only candidates.
        narrowing = bool(self._search) and search.startswith(self._search)
        self._search, self._words = search, search.split()
        self._refilter(self._visible if narrowing else self._order)

    def set_status(self, status: FamilyStatus | None) -> None:
        self._status = status
        self._refilter(self._order)

    def set_overdue_only(self, overdue_only: bool) -> None:
        self._overdue_only = overdue_only
        self._refilter(self._order)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()  # selection and current row follow their family
        sources = [self.mapToSource(i) for i in before]
        self._sort_column, self._sort_order = column, order
        self._order = self._sorted(range(len(self._texts)))
        self._visible = self._matching(self._order)
        self._index_positions()
        self.changePersistentIndexList(before, [self.mapFromSource(s) for s in sources])
        self.layoutChanged.emit()

    def sortColumn(self) -> int:
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort_order

    # ---- the model contract -------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(CaseloadColumn)

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._visible)
                                    and 0 <= column < len(CaseloadColumn)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        return QModelIndex()

    def hasChildren(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and bool(self._visible)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if self._source is None or not proxy_index.isValid() \
                or proxy_index.row() >= len(self._visible):
            return QModelIndex()
        return self._source.index(self._visible[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid() or source_index.row() >= len(self._position):
            return QModelIndex()
        position = self._position[source_index.row()]
        return self.index(position, source_index.column()) if position >= 0 else QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Straight to the source's Python method: no source index made per painted cell.
        if self._source is None or not index.isValid() or index.row() >= len(self._visible):
            return None
        return self._source.value(self._visible[index.row()], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        return self._source.headerData(section, orientation, role) if self._source else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
