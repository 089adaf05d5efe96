"""Qt table model of a family's contact notes (the chronology), newest first."""

from typing import ClassVar

from familyworker.domain.contact import ContactNote
from familyworker.views.row_table_model import RowTableModel

SUMMARY_LENGTH = 90


def status_text(note: ContactNote) -> str:
    return "Final" if note.is_final else "✎ Draft"


class NotesTableModel(RowTableModel[ContactNote]):
    """One ContactNote per row, in the order given (the service gives newest first)."""

    HEADERS: ClassVar[tuple[str, ...]] = ("When", "Kind", "Status", "Summary")

    def cell_text(self, item: ContactNote, column: int) -> str:
        if column == 0:
            return item.occurred_at.astimezone().strftime("%d %b %Y %H:%M")
        if column == 1:
            return item.kind.label
        if column == 2:
            return status_text(item)
        text = item.narrative.strip()
        first_line = text.splitlines()[0] if text else ""
        return first_line[:SUMMARY_LENGTH] + ("…" if len(first_line) > SUMMARY_LENGTH else "")
