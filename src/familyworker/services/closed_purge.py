"""Closed families leave a worker's laptop (SECURITY J1), run after each successful sync pass.

A worker's laptop drops a family ``grace_days`` (default 28) after it closed, once every
change made to it here has reached the server, unless its sustainability review falls within
30 days either side of today (domain.retention.leaves_laptop). The rows are deleted locally
without outbox operations (as a family leaving the worker's scope is: sync.engine
purge_families), so the server keeps the record; each family's purge is audited here.
Supervisors keep their team's families. A family with an unsaved form draft stays until the
draft is saved or discarded.

The server still counts the family in the worker's scope, so its later changes would reach
this laptop as loose rows: the families dropped are remembered (ids and review dates only,
in the encrypted store). One whose rows come back and that still leaves is dropped again; one
that comes back reopened, or whose review window opens, makes the next pass download the
caseload again (as after a 410 resync), which brings the whole family back.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from familyworker.domain.retention import (
    DEFAULT_CLOSED_GRACE_DAYS,
    leaves_laptop,
    review_window_open,
)
from familyworker.services.offline_policy import SETTING_CLOSED_GRACE_DAYS
from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.store.tables import FamilyRow, FormDraftRow, OutboxRow
from familyworker.sync.engine import purge_families
from familyworker.sync.resync import SETTING_RESYNC

SETTING_CLOSED_PURGED = "closed_purged"  # {family id: review due (ISO) or null}
KEEPS_TEAM = frozenset({"supervisor", "admin"})
KEPT_TABLES = frozenset({"team", "worker", "audit_event"})


@dataclass(frozen=True, slots=True)
class ClosedPurge:
    purged: tuple[str, ...] = ()  # family ids dropped from this laptop now
    download_again: bool = False  # a dropped family is needed again: the next pass fetches all


def purge_closed_families(store: CaseloadStore, *, today: date,
                          grace_days: int | None = None) -> ClosedPurge:
    """Drop the closed families this laptop no longer needs; see the module docstring."""
    role = store.setting(SETTING_ROLE)
    if role in KEEPS_TEAM:
        return ClosedPurge()
    grace = int(grace_days if grace_days is not None
                else store.setting(SETTING_CLOSED_GRACE_DAYS, DEFAULT_CLOSED_GRACE_DAYS))
    dropped: dict[str, str | None] = dict(store.setting(SETTING_CLOSED_PURGED, {}) or {})
    with store.read() as session:
        families = {row.id: row for row in session.execute(
            select(FamilyRow).where(col(FamilyRow.deleted_at).is_(None))).scalars()}
        waiting = _families_with_local_work(session)
        download_again = False
        again: list[str] = []
        for family_id, review in list(dropped.items()):
            row = families.get(family_id)
            review_due = row.sustainability_review_due if row else _day(review)
            closed_on = row.closed_on if row else date.min
            if (row is not None and row.status != "closed") or \
                    review_window_open(review_due, today) or \
                    not leaves_laptop(closed_on, review_due, today, grace_days=grace):
                download_again = True  # reopened, or its review is near: bring it all back
                del dropped[family_id]
            elif _has_rows(session, family_id):
                again.append(family_id)  # later changes arrived as loose rows: drop them
        leaving = [
            family_id for family_id, row in families.items()
            if family_id not in dropped and row.status == "closed"
            and family_id not in waiting
            and leaves_laptop(row.closed_on, row.sustainability_review_due, today,
                              grace_days=grace)]
        reviews = {family_id: families[family_id].sustainability_review_due
                   for family_id in leaving}
    if leaving or again:
        purge_families(store, sorted(leaving + again), detail="closed")
    for family_id in leaving:
        review_due = reviews[family_id]
        dropped[family_id] = review_due.isoformat() if review_due else None
    with store.unit_of_work() as uow:
        store.set_setting(SETTING_CLOSED_PURGED, dropped or None, session=uow.session)
        if download_again:
            store.set_setting(SETTING_RESYNC, True, session=uow.session)
    return ClosedPurge(purged=tuple(sorted(leaving)), download_again=download_again)


def _families_with_local_work(session: Session) -> set[str]:
    """Families with changes not yet accepted (or refused and kept) or an unsaved draft."""
    outbox = session.execute(select(col(OutboxRow.family_id)).where(
        col(OutboxRow.family_id).is_not(None),
        col(OutboxRow.table_name) != "audit_event")).scalars()
    drafts = session.execute(select(col(FormDraftRow.family_id)).where(
        col(FormDraftRow.family_id).is_not(None))).scalars()
    return {str(family) for family in (*outbox, *drafts)}


def _has_rows(session: Session, family_id: str) -> bool:
    for name, row_type in SYNC_TABLES.items():
        if name in KEPT_TABLES:
            continue
        family_col: Any = row_type.__table__.c.family_id  # type: ignore[attr-defined]
        if session.execute(select(func.count()).select_from(row_type).where(
                family_col == family_id)).scalar_one():
            return True
    return False


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


__all__ = ["ClosedPurge", "purge_closed_families"]
