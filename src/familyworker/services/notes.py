"""Contact notes: save a draft, finalise it, correct a finalised note with an addendum."""

from datetime import date, datetime

from familyworker.domain.contact import (
    Addendum,
    ChildSeen,
    ContactNote,
    ContactOutcome,
    NoteKind,
    addendum_for,
)
from familyworker.domain.errors import ImmutableRecord
from familyworker.domain.ids import new_id
from familyworker.services.queries import family_by_id, get_live
from familyworker.services.tasks import add_follow_up_tasks
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import note_from_row, note_values
from familyworker.store.tables import ContactNoteRow, NoteAddendumRow


def save_note(store: CaseloadStore, *, family_id: str, kind: NoteKind, occurred_at: datetime,
              narrative: str, present: tuple[str, ...] = (), agencies: tuple[str, ...] = (),
              duration_minutes: int | None = None, follow_ups: str = "",
              note_id: str | None = None, finalise: bool = False,
              outcome: ContactOutcome = ContactOutcome.MADE,
              child_seen: ChildSeen = ChildSeen.NOT_RECORDED, child_voice: str = "",
              next_meeting_on: date | None = None) -> ContactNote:
    """Create or update a draft note (and optionally finalise it) in one transaction."""
    details = {"outcome": outcome, "child_seen": child_seen, "child_voice": child_voice,
               "next_meeting_on": next_meeting_on}
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        row = uow.session.get(ContactNoteRow, note_id) if note_id else None
        if row is None:
            note = ContactNote(id=note_id or new_id(), family_id=family_id, kind=kind,
                               occurred_at=occurred_at, narrative=narrative, present=present,
                               agencies=agencies, duration_minutes=duration_minutes,
                               follow_ups=follow_ups, author_id=uow.actor_id,
                               outcome=outcome, child_seen=child_seen,
                               child_voice=child_voice, next_meeting_on=next_meeting_on)
            if finalise:
                note = note.finalise(at=uow.now)
            uow.add(ContactNoteRow(id=note.id, family_id=family_id, **note_values(note)))  # type: ignore[arg-type]
            add_follow_up_tasks(uow, note)  # follow-ups become tasks once, with the note
            return note
        current = note_from_row(row)
        note = current.edit(kind=kind, occurred_at=occurred_at, narrative=narrative,
                            present=present, agencies=agencies,
                            duration_minutes=duration_minutes, follow_ups=follow_ups,
                            **details)
        if finalise:
            note = note.finalise(at=uow.now)
        uow.update(row, note_values(note))
        add_follow_up_tasks(uow, note)
        return note


def finalise_note(store: CaseloadStore, note_id: str) -> ContactNote:
    with store.unit_of_work() as uow:
        row = get_live(uow.session, ContactNoteRow, note_id, "note")
        note = note_from_row(row).finalise(at=uow.now)
        uow.update(row, note_values(note))
        add_follow_up_tasks(uow, note)
        return note


def edit_note(store: CaseloadStore, note_id: str, **changes: object) -> ContactNote:
    """Change a draft; a finalised note raises ImmutableRecord and nothing is written."""
    with store.unit_of_work() as uow:
        row = get_live(uow.session, ContactNoteRow, note_id, "note")
        note = note_from_row(row).edit(**changes)
        uow.update(row, note_values(note))
        return note


def add_addendum(store: CaseloadStore, note_id: str, text: str) -> Addendum:
    with store.unit_of_work() as uow:
        row = get_live(uow.session, ContactNoteRow, note_id, "note")
        addendum = addendum_for(note_from_row(row), addendum_id=new_id(), text=text,
                                at=uow.now, author_id=uow.actor_id)
        uow.add(NoteAddendumRow(id=addendum.id, family_id=addendum.family_id,
                                note_id=addendum.note_id, text=addendum.text,
                                written_at=addendum.written_at, author_id=addendum.author_id))
        return addendum


def delete_draft_note(store: CaseloadStore, note_id: str) -> None:
    with store.unit_of_work() as uow:
        row = get_live(uow.session, ContactNoteRow, note_id, "note")
        if note_from_row(row).is_final:
            raise ImmutableRecord("A finalised note cannot be deleted.")
        uow.delete(row)
