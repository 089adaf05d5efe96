"""Qt table model of distance travelled: first and latest star score per domain."""

from typing import ClassVar

from familyworker.domain.star import DomainChange
from familyworker.views.shared.row_table_model import RowTableModel


def change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲ +{change}"
    if change < 0:
        return f"▼ {change}"
    return "= 0"


class DistanceTableModel(RowTableModel[tuple[str, DomainChange]]):
    """One row per star domain: (label, DomainChange)."""

    HEADERS: ClassVar[tuple[str, ...]] = ("Domain", "First", "Latest", "Change")

    def cell_text(self, item: tuple[str, DomainChange], column: int) -> str:
        label, change = item
        if column == 0:
            return label
        if column == 1:
            return "—" if change.first is None else str(change.first)
        if column == 2:
            return "—" if change.latest is None else str(change.latest)
        return change_text(change.change)
