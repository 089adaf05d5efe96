"""Qt table model of each person's distance travelled: their first star against their latest."""

from typing import ClassVar

from familyworker.services.star_subjects import StarSubject
from familyworker.views.shared.row_table_model import RowTableModel


def average_text(average: float | None) -> str:
    if average is None:
        return "—"
    if average > 0:
        return f"▲ +{average:.1f}"
    if average < 0:
        return f"▼ {average:.1f}"
    return "= 0.0"


class PersonDistanceTableModel(RowTableModel[StarSubject]):
    """One row per subject (the whole family, then each member)."""

    HEADERS: ClassVar[tuple[str, ...]] = ("Whose star", "Stars", "First", "Latest",
                                          "Average change")

    def cell_text(self, item: StarSubject, column: int) -> str:
        distance = item.distance
        if column == 0:
            return item.name
        if column == 1:
            return str(len(item.stars))
        if distance is None:
            return "no stars yet" if column == 2 else "—"
        if column == 2:
            return f"{distance.first_on:%d %b %Y}"
        if column == 3:
            return f"{distance.latest_on:%d %b %Y}"
        if len(item.stars) < 2:
            return "one star so far"
        return average_text(distance.average_change)
