"""Re-allocate a family to another lead worker of the team.

Changing ``lead_worker_id`` is an ordinary synced update: the server checks the supervisor may
manage the family, re-stamps the family's rows so the new lead's next pull brings them, and the
old lead's device purges the family when its scope digest no longer matches.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from familyworker.domain.errors import ValidationError
from familyworker.domain.team import Role
from familyworker.services.queries import family_by_id
from familyworker.services.team_roles import require_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow, WorkerRow

LEAD_ROLES = (Role.WORKER.value, Role.SUPERVISOR.value)


@dataclass(frozen=True, slots=True)
class LeadWorker:
    id: str
    name: str
    team_id: str | None


def lead_workers(store: CaseloadStore, *, team_id: str | None) -> list[LeadWorker]:
    """Who can lead a family of this team (the team's workers and supervisors), by name."""
    with store.read() as session:
        rows = session.exec(select(WorkerRow).where(
            col(WorkerRow.deleted_at).is_(None), col(WorkerRow.role).in_(LEAD_ROLES),
            WorkerRow.team_id == team_id)).all()
    return sorted((LeadWorker(r.id, r.name, r.team_id) for r in rows),
                  key=lambda w: w.name.casefold())


def check_team_worker(session: Session, family: FamilyRow, worker_id: str, *, task: str,
                      other_team: str) -> None:
    """Refuse anyone who is not a current worker of the family's team, or already leads it
    (``task``: what they would do, e.g. "lead this family"; ``other_team``: why not another's)."""
    worker = session.get(WorkerRow, worker_id)
    if worker is None or worker.deleted_at is not None or worker.role not in LEAD_ROLES:
        raise ValidationError(f"Choose a worker of the team to {task}.")
    if worker.team_id != family.team_id:
        raise ValidationError(f"That worker is in another team; {other_team}.")
    if family.lead_worker_id == worker_id:
        raise ValidationError("That worker already leads this family.")


def reallocate(store: CaseloadStore, *, family_id: str, worker_id: str) -> None:
    """Make ``worker_id`` the family's lead worker; refuses anyone outside the family's team."""
    require_manager(store)
    with store.unit_of_work() as uow:
        family = family_by_id(uow.session, family_id)
        check_team_worker(uow.session, family, worker_id, task="lead this family",
                          other_team="a family can only move within its team")
        uow.update(family, {"lead_worker_id": worker_id})


def allocation_choices(store: CaseloadStore, family_id: str) -> tuple[list[LeadWorker], str | None]:
    """Who could lead this family (its team's workers), and who leads it now."""
    with store.read() as session:
        family = family_by_id(session, family_id)
        team_id, current = family.team_id, family.lead_worker_id
    return lead_workers(store, team_id=team_id), current
