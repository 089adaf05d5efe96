"""Small shared queries over live (not deleted) rows."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from familyworker.services.errors import FamilyNotFound, RecordMissing
from familyworker.store.tables import FamilyRow, OutboxRow, SyncedRow

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
