"""Qt table model of a household's members."""

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from familyworker.domain.person import Person
from familyworker.views.shared.row_table_model import RowTableModel


class MembersTableModel(RowTableModel[Person]):
    """One Person per row."""

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Name", "Relationship", "Age", "School or setting", "Flags")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._today = date.today()

    def set_rows(self, rows: Sequence[Person]) -> None:
        self._today = date.today()  # ages as of the day the list is shown
        super().set_rows(rows)

    def cell_text(self, item: Person, column: int) -> str:
        if column == 0:
            return item.name
        if column == 1:
            return item.relationship or "—"
        if column == 2:
            age = item.age_on(self._today)
            return "—" if age is None else str(age)
        if column == 3:
            return item.school_setting or "—"
        return flags_in_words(item) or "—"


def flags_in_words(person: Person) -> str:
    """ "Child in need (since 3 Mar 2026), Young carer": each flag, and its day where known."""
    return ", ".join(f"{flag.label} (since {since.day} {since:%b %Y})"
                     if (since := person.since(flag)) else flag.label for flag in person.flags)
