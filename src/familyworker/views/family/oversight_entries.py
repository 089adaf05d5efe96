"""Oversight notes as read-only lines of the Contact notes chronology."""

from collections.abc import Iterable
from datetime import UTC, datetime

from familyworker.domain.contact import ContactNote, NoteKind, NoteStatus
from familyworker.domain.oversight import OversightNote


def as_utc(when: datetime) -> datetime:
    """The store hands datetimes back naive; they were written as UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def chronology_entry(note: OversightNote) -> ContactNote:
    """A finalised 'Management oversight' line: the decision, then actions and review date."""
    parts = [f"Decision: {note.decision.strip()}"]
    if note.actions.strip():
        parts.append(f"Actions: {note.actions.strip()}")
    if note.review_due is not None:
        parts.append(f"Review by {note.review_due:%d %b %Y}")
    written = as_utc(note.written_at)
    return ContactNote(id=note.id, family_id=note.family_id, kind=NoteKind.OVERSIGHT,
                       occurred_at=written, narrative="\n".join(parts),
                       author_id=note.supervisor_id, status=NoteStatus.FINAL,
                       finalised_at=written)


def with_oversight(notes: Iterable[ContactNote],
                   oversight: Iterable[OversightNote]) -> tuple[ContactNote, ...]:
    """Contact notes and oversight decisions together, newest first."""
    merged = [*notes, *(chronology_entry(o) for o in oversight)]
    return tuple(sorted(merged, key=lambda n: (as_utc(n.occurred_at), n.id), reverse=True))
