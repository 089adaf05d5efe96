"""Changes since my last review: the team's families changed by others since the supervisor
last marked each one reviewed on this device (kinds and counts, never content)."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from familyworker.domain.audit import AuditAction
from familyworker.domain.errors import ValidationError
from familyworker.services.queries import family_by_id
from familyworker.services.team_roles import require_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.store.tables import FamilyRow, TeamReviewMarkRow, WorkerRow

# What a change to each table means to a supervisor (kinds, never content).
CHANGE_KINDS: dict[str, str] = {
    "family": "details", "family_criterion": "details", "person": "household",
    "agency_involvement": "household", "star_assessment": "star", "plan": "plan",
    "plan_goal": "plan", "plan_action": "plan", "contact_note": "notes",
    "note_addendum": "notes", "outcome": "outcomes", "oversight_note": "oversight",
    "sync_conflict": "conflict"}
NOT_NEWS = frozenset({"team", "worker", "audit_event"})


def change_kind(table: str) -> str:
    """Tables added later (claims, sustainability reviews, ...) still show, by their own name."""
    return CHANGE_KINDS.get(table, table.replace("_", " "))


@dataclass(frozen=True, slots=True)
class FamilyChanges:
    """One family changed by others since this device last marked it reviewed."""

    family_id: str
    reference: str
    household_name: str
    worker_name: str
    kinds: tuple[tuple[str, int], ...]  # (kind, rows changed), by kind
    up_to_seq: int  # "Mark reviewed" records this, so later changes stay queued
    reviewed_at: datetime | None  # None: never reviewed on this device

    @property
    def summary(self) -> str:
        """In words: "1 note, 24 plan changes" (it read "notes (1), plan (24)")."""
        return ", ".join(kind_words(kind, count) for kind, count in self.kinds)


# How a supervisor reads each kind, one and many.
KIND_WORDS: dict[str, tuple[str, str]] = {
    "details": ("change to the family's details", "changes to the family's details"),
    "household": ("household change", "household changes"),
    "star": ("Web Star", "Web Stars"), "plan": ("plan change", "plan changes"),
    "notes": ("note or addendum", "notes or addenda"), "outcomes": ("outcome", "outcomes"),
    "oversight": ("oversight entry", "oversight entries"),
    "conflict": ("conflict to resolve", "conflicts to resolve")}


def kind_words(kind: str, count: int) -> str:
    one, many = KIND_WORDS.get(kind, (f"{kind} change", f"{kind} changes"))
    return f"{count:,} {one if count == 1 else many}"


def changes_since_review(store: CaseloadStore) -> list[FamilyChanges]:
    """The review queue: families with synced changes (made on other devices) since the mark."""
    device = store.device_id
    per_family: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    top: dict[str, int] = {}
    with store.read() as session:
        conn = session.connection()
        for table in SYNC_TABLES:
            if table in NOT_NEWS:
                continue
            kind = change_kind(table)
            # Table names come from the model registry, never from input. Rows no stamp of
            # this device touched are counted in SQL; the few it did are checked one by one.
            since = (f"FROM {table} t LEFT JOIN team_review_mark m "
                     "ON m.family_id = t.family_id WHERE t.server_seq IS NOT NULL "
                     "AND t.server_seq > coalesce(m.reviewed_seq, 0) ")
            counted = conn.execute(text(
                f"SELECT t.family_id, count(*), max(t.server_seq) {since}"
                "AND instr(t.field_hlc, :device) = 0 GROUP BY t.family_id"),
                {"device": device}).all()
            mine = conn.execute(text(
                f"SELECT t.family_id, t.server_seq, t.field_hlc {since}"
                "AND instr(t.field_hlc, :device) > 0"), {"device": device}).all()
            for fid, count, seq in counted:
                per_family[fid][kind] += int(count)
                top[fid] = max(top.get(fid, 0), int(seq))
            for fid, seq, stamps in mine:
                if _only_from(stamps, device):
                    continue  # this device's own work is not news to its supervisor
                per_family[fid][kind] += 1
                top[fid] = max(top.get(fid, 0), int(seq))
        marks: dict[str, Any] = dict(conn.execute(text(
            "SELECT family_id, reviewed_at FROM team_review_mark")).all())
        names = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
        rows_by_id: dict[str, tuple[str, str, str | None]] = {
            fid: (reference, household, lead) for fid, reference, household, lead in
            session.exec(select(FamilyRow.id, FamilyRow.reference, FamilyRow.household_name,
                                FamilyRow.lead_worker_id)
                         .where(col(FamilyRow.deleted_at).is_(None))).all()}
    queue = []
    for fid, kinds in per_family.items():
        family = rows_by_id.get(fid)
        if family is None:
            continue
        reviewed = marks.get(fid)
        reference, household, lead = family
        queue.append(FamilyChanges(
            fid, reference, household, names.get(lead or "", "Unallocated"),
            tuple(sorted(kinds.items())), top[fid],
            _as_datetime(reviewed)))
    return sorted(queue, key=lambda c: c.reference)


def _as_datetime(value: Any) -> datetime | None:
    """Stored as naive UTC by SQLite; handed out aware."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _only_from(field_hlc: str, device_id: str) -> bool:
    try:
        stamps = json.loads(field_hlc or "{}").values()
        return bool(stamps) and all(str(s).split("-", 2)[2] == device_id for s in stamps)
    except (ValueError, IndexError, AttributeError):
        return False


def mark_reviewed(store: CaseloadStore, family_id: str, up_to_seq: int) -> None:
    """Record that this supervisor reviewed a family up to ``up_to_seq``; audited (ids only)."""
    require_manager(store)
    if up_to_seq < 0:
        raise ValidationError("A review mark cannot be negative.")
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        mark = uow.session.get(TeamReviewMarkRow, family_id)
        if mark is None:
            mark = TeamReviewMarkRow(family_id=family_id, reviewed_seq=up_to_seq,
                                     reviewed_at=uow.now)
        else:
            # Never move the mark backwards (an older queue shown on screen).
            mark.reviewed_seq = max(mark.reviewed_seq, up_to_seq)
            mark.reviewed_at = uow.now
        uow.session.add(mark)
        uow.audit(AuditAction.VIEW, entity="family", entity_id=family_id, family_id=family_id,
                  detail=f"supervisor review up to seq {up_to_seq}")
