"""The read-only, row-selecting table every list in the app uses."""

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def record_table_view(model: QAbstractItemModel, *, object_name: str, accessible_name: str,
                      stretch_column: int, widths: Sequence[int] = ()) -> QTableView:
    """Whole rows select, cells never edit in place, Tab leaves the table (keyboard users)."""
    table = QTableView()
    table.setObjectName(object_name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setTabKeyNavigation(False)
    table.horizontalHeader().setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table
