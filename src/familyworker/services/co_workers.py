"""Co-workers: workers of the family's team allocated to it besides its lead worker.

A supervisor (or co-ordinator) adds and ends allocations; each is an ordinary synced row. The
server checks who may allocate, re-stamps the family's records so the co-worker's next sync
brings them, and leaves them out of the co-worker's scope once the allocation ends (their
device then purges the family, F4).
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.services.allocation import check_team_worker
from familyworker.services.queries import family_by_id
from familyworker.services.team_roles import require_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyCoWorkerRow, WorkerRow


@dataclass(frozen=True, slots=True)
class CoWorker:
    allocation_id: str
    worker_id: str
    name: str
    added_on: date
    ended_on: date | None

    @property
    def active(self) -> bool:
        return self.ended_on is None


def co_workers(store: CaseloadStore, family_id: str) -> list[CoWorker]:
    """The family's co-worker allocations, current ones first, then by name."""
    with store.read() as session:
        rows = session.exec(select(FamilyCoWorkerRow).where(
            FamilyCoWorkerRow.family_id == family_id,
            col(FamilyCoWorkerRow.deleted_at).is_(None))).all()
        names = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
    found = [CoWorker(r.id, r.worker_id, names.get(r.worker_id, "Unknown worker"), r.added_on,
                      r.ended_on) for r in rows]
    return sorted(found, key=lambda c: (not c.active, c.name.casefold(), c.added_on))


def add_co_worker(store: CaseloadStore, *, family_id: str, worker_id: str,
                  today: date | None = None) -> str:
    """Allocate ``worker_id`` to the family as a co-worker; returns the allocation id."""
    require_manager(store)
    with store.unit_of_work() as uow:
        family = family_by_id(uow.session, family_id)
        check_team_worker(uow.session, family, worker_id, task="work with this family",
                          other_team="co-workers come from the family's own team")
        current = uow.session.exec(select(FamilyCoWorkerRow).where(
            FamilyCoWorkerRow.family_id == family_id, FamilyCoWorkerRow.worker_id == worker_id,
            col(FamilyCoWorkerRow.ended_on).is_(None),
            col(FamilyCoWorkerRow.deleted_at).is_(None))).first()
        if current is not None:
            raise ValidationError("That worker is already a co-worker for this family.")
        row = FamilyCoWorkerRow(id=new_id(), family_id=family_id, worker_id=worker_id,
                                added_on=today or date.today(), added_by=store.worker_id)
        uow.add(row)
        return row.id


def end_co_worker(store: CaseloadStore, *, allocation_id: str,
                  today: date | None = None) -> None:
    """End an allocation (kept, dated, for the family's history)."""
    require_manager(store)
    with store.unit_of_work() as uow:
        row = uow.session.get(FamilyCoWorkerRow, allocation_id)
        if row is None or row.deleted_at is not None:
            raise ValidationError("That allocation no longer exists.")
        if row.ended_on is not None:
            raise ValidationError("That allocation has already ended.")
        uow.update(row, {"ended_on": today or date.today()})
