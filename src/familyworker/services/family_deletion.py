"""Deleting a family on purpose (one added by mistake), by its lead worker or a supervisor.

One unit of work: the family row becomes a tombstone (it syncs as a ``delete`` op and the family
leaves every device at its next sync), an audit event records the reason as a code, and this
device's unsaved form drafts for the family are dropped. The family's other records are left as
they are: with the family gone nothing shows them, and the server keeps them (and the tombstone)
for its retention period.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from familyworker.domain.audit import AuditAction
from familyworker.domain.errors import ValidationError
from familyworker.domain.family_deletion import (
    DeletionNotAllowed,
    DeletionReason,
    may_delete_family,
)
from familyworker.services.errors import FamilyNotFound
from familyworker.store.caseload_store import SETTING_ROLE, SETTING_WORKER_ID, CaseloadStore
from familyworker.store.tables import FamilyRow, FormDraftRow, SafeguardingConcernRow
from familyworker.store.unit_of_work import UnitOfWork
from familyworker.sync.page_apply import SETTING_CURSOR


class FamilyAlreadyDeleted(ValidationError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"The family {reference} has already been deleted.")


@dataclass(frozen=True, slots=True)
class DeletedFamily:
    id: str
    reference: str
    reason: DeletionReason


def delete_family(store: CaseloadStore, family_id: str,
                  reason: DeletionReason) -> DeletedFamily:
    """Delete the family with this id; refuses anyone but its lead worker or a supervisor."""
    with store.unit_of_work() as uow:
        row = uow.session.get(FamilyRow, family_id)
        if row is None:
            raise FamilyNotFound()
        return _delete(store, uow, row, reason)


def delete_family_by_reference(store: CaseloadStore, reference: str,
                               reason: DeletionReason) -> DeletedFamily:
    """As delete_family, for the family known by this reference (as typed: any case)."""
    ref = reference.strip().upper()
    with store.unit_of_work() as uow:
        rows = uow.session.exec(select(FamilyRow).where(FamilyRow.reference == ref)).all()
        live = [r for r in rows if r.deleted_at is None]
        if not rows:
            raise FamilyNotFound(reference)
        return _delete(store, uow, live[0] if live else rows[0], reason)


def can_delete_family(store: CaseloadStore, family_id: str) -> bool:
    """Whether the person using this caseload may delete the family (to enable the menu item)."""
    with store.read() as session:
        row = session.get(FamilyRow, family_id)
        return row is not None and row.deleted_at is None and _allowed(store, session, row)


def _allowed(store: CaseloadStore, session: Session, row: FamilyRow) -> bool:
    worker_id = store.setting(SETTING_WORKER_ID, session=session)
    role = store.setting(SETTING_ROLE, session=session)
    return may_delete_family(worker_id=str(worker_id) if worker_id else None,
                             role=str(role) if role else None,
                             lead_worker_id=row.lead_worker_id)


def _delete(store: CaseloadStore, uow: UnitOfWork, row: FamilyRow,
            reason: DeletionReason) -> DeletedFamily:
    if row.deleted_at is not None:
        raise FamilyAlreadyDeleted(row.reference)
    if not _allowed(store, uow.session, row):
        raise DeletionNotAllowed()
    if uow.session.exec(select(SafeguardingConcernRow.id).where(
            SafeguardingConcernRow.family_id == row.id)).first() is not None:
        # Concerns are never lost (docs/safeguarding.md): the case is closed instead.
        raise ValidationError("A family with a safeguarding concern cannot be deleted; close "
                              "the case instead.")
    # The cursor: records pulled up to it were seen here; any added under the family since
    # make the deletion a conflict on the server rather than hide them (SYNC §4.4).
    uow.delete(row, audit=False, seen_up_to=int(store.setting(
        SETTING_CURSOR, 0, session=uow.session) or 0))
    # The reason as a code only: the audit trail never holds words someone typed.
    uow.audit(AuditAction.DELETE, row, family_id=row.id, detail=f"reason={reason.value}")
    for draft in uow.session.exec(select(FormDraftRow).where(
            col(FormDraftRow.family_id) == row.id)).all():
        uow.session.delete(draft)
    return DeletedFamily(id=row.id, reference=row.reference, reason=reason)
