"""Qt table model of a family's contact notes (the chronology), newest first."""

from typing import ClassVar

from familyworker.domain.contact import ContactNote, ContactOutcome, NoteKind
from familyworker.views.shared.row_table_model import RowTableModel

SUMMARY_LENGTH = 90


def kind_text(note: ContactNote) -> str:
    """The kind and, when it did not happen, what happened instead: "Home visit — no answer /
    not in". A text or email has no outcome to show."""
    if note.outcome is ContactOutcome.MADE or note.kind in {NoteKind.TEXT_EMAIL,
                                                             NoteKind.OVERSIGHT}:
        return note.kind.label
    return f"{note.kind.label} — {note.outcome.label.lower()}"


def status_text(note: ContactNote) -> str:
    return "Final" if note.is_final else "✎ Draft"


class NotesTableModel(RowTableModel[ContactNote]):
    """One ContactNote per row, in the order given (the service gives newest first)."""

    HEADERS: ClassVar[tuple[str, ...]] = ("When", "Kind", "Status", "Summary")

    def cell_text(self, item: ContactNote, column: int) -> str:
        if column == 0:
            return item.occurred_at.astimezone().strftime("%d %b %Y %H:%M")
        if column == 1:
            return kind_text(item)
        if column == 2:
            return status_text(item)
        text = item.narrative.strip()
        first_line = text.splitlines()[0] if text else ""
        return first_line[:SUMMARY_LENGTH] + ("…" if len(first_line) > SUMMARY_LENGTH else "")
