"""Small shared queries over live (not deleted) rows."""

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, func, select

from familyworker.domain.contact import CONTACT_KINDS, ContactOutcome, NoteStatus
from familyworker.domain.errors import ValidationError
from familyworker.services.errors import FamilyNotFound, RecordMissing
from familyworker.store.tables import ContactNoteRow, FamilyRow, OutboxRow, PersonRow, SyncedRow

RowT = TypeVar("RowT", bound=SyncedRow)


def live_rows(session: Session, row_type: type[RowT], family_id: str) -> Sequence[RowT]:
    statement = select(row_type).where(
        col(row_type.family_id) == family_id,  # type: ignore[attr-defined]
        col(row_type.deleted_at).is_(None))
    return session.exec(statement).all()


def get_live(session: Session, row_type: type[RowT], row_id: str, what: str) -> RowT:
    row = session.get(row_type, row_id)
    if row is None or row.deleted_at is not None:
        raise RecordMissing(what)
    return row


def member_of(session: Session, family_id: str, person_id: str) -> PersonRow:
    """A live member of this family; a person of another family is refused in words."""
    row = get_live(session, PersonRow, person_id, "person")
    if row.family_id != family_id:
        raise ValidationError("That person is not a member of this family.")
    return row


def family_by_reference(session: Session, reference: str) -> FamilyRow:
    ref = reference.strip().upper()
    row = session.exec(select(FamilyRow).where(FamilyRow.reference == ref,
                                               col(FamilyRow.deleted_at).is_(None))).first()
    if row is None:
        raise FamilyNotFound(reference)
    return row


def family_by_id(session: Session, family_id: str) -> FamilyRow:
    row = session.get(FamilyRow, family_id)
    if row is None or row.deleted_at is not None:
        raise FamilyNotFound()
    return row


def is_waiting_change() -> ColumnElement[bool]:
    """An outbox row the next sync will send: not an audit event (bookkeeping, not a change) and
    not a change the server refused (those stay, marked, as needing attention)."""
    return and_(OutboxRow.table_name != "audit_event",  # type: ignore[arg-type]
                col(OutboxRow.rejected_reason).is_(None))


def is_contact_made() -> ColumnElement[bool]:
    """``domain.contact.counts_as_contact`` as SQL: a finalised note of a contact kind whose
    contact happened. Every count of contact (caseload, team view, My week) uses this."""
    return and_(col(ContactNoteRow.deleted_at).is_(None),
                col(ContactNoteRow.status) == NoteStatus.FINAL.value,
                col(ContactNoteRow.outcome) == ContactOutcome.MADE.value,
                col(ContactNoteRow.kind).in_(sorted(k.value for k in CONTACT_KINDS)))


def last_contact_by_family(session: Session) -> dict[str, datetime]:
    """When each family was last contacted (families never contacted are absent)."""
    rows = session.exec(select(ContactNoteRow.family_id, func.max(ContactNoteRow.occurred_at))
                        .where(is_contact_made()).group_by(ContactNoteRow.family_id)).all()
    return {family_id: at for family_id, at in rows if at is not None}
