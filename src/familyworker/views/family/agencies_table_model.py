"""Qt table model of the agencies involved with a family."""

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from familyworker.domain.agency import AgencyInvolvement
from familyworker.views.shared.row_table_model import RowTableModel


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else "—"


class AgenciesTableModel(RowTableModel[AgencyInvolvement]):
    """One involvement per row; whether it is current is said in words, not colour."""

    HEADERS: ClassVar[tuple[str, ...]] = ("Agency", "Role", "Contact", "From", "To", "Now")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._today = date.today()

    def set_rows(self, rows: Sequence[AgencyInvolvement]) -> None:
        self._today = date.today()
        super().set_rows(rows)

    def cell_text(self, item: AgencyInvolvement, column: int) -> str:
        if column == 0:
            return item.agency
        if column == 1:
            return item.role or "—"
        if column == 2:
            return item.contact or "—"
        if column == 3:
            return _day(item.from_date)
        if column == 4:
            return _day(item.to_date)
        return "involved" if item.is_current_on(self._today) else "ended"
