"""The read-only, row-selecting table every list in the app uses."""

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

from familyworker.views.shared.sizing import fit_columns_to_headers


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
    # Columns never narrower than their header ("Flags" read "ag"), at any font size.
    fit_columns_to_headers(table, table.horizontalHeader(), widths, stretch_column)
    return table
