"""Retention and legal holds on the server (SECURITY J2).

A closed family's record is deleted from the server once the schedule's family rule has run
out (``familyworker.domain.retention``), unless a legal hold stands. Each deletion is one
transaction: every synced row of the family, its scope and co-worker bookkeeping and its
refused changes go, one ``retention-delete`` audit event (identifiers only) is written, and the
tombstone horizon is raised past every sequence number issued so far, so a device that last
synced before the deletion downloads its caseload again (410 ``resync_scope``, tombstones.py)
and drops the family, rather than keeping a copy the server no longer has.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Column, Connection, DateTime, Engine, String, Table, select, update

from familyworker import resources
from familyworker.domain.ids import new_id
from familyworker.domain.retention import (
    AUDIT,
    FAMILY,
    RetentionRule,
    RetentionScheduleError,
    family_kept_until,
    parse_schedule,
)
from familyworker_server import accounts
from familyworker_server.audit_retention import AuditCut, apply_audit_retention, audit_cut
from familyworker_server.bulk import mark
from familyworker_server.db import is_sqlite
from familyworker_server.models import ID, metadata, sync_row
from familyworker_server.scope_models import family_member

legal_hold = Table(
    "legal_hold", metadata,
    Column("id", String(ID), primary_key=True),
    Column("family_id", String(ID), nullable=False, index=True),
    Column("reason", String(500), nullable=False),  # here only: it may name people
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("placed_by", String(200), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=True),
)

RETENTION_DELETE = "retention-delete"

EXPIRED = "expired"  # past its time, no hold: deleted by --apply
HELD = "held"  # past its time, but under a legal hold
BIRTH_DATE_MISSING = "birth-date-missing"  # closed long enough, a person's birth date unknown


@dataclass(frozen=True, slots=True)
class FamilyDue:
    """A closed family whose closure period has run out; what retention makes of it."""

    family_id: str
    reference: str
    closed_on: date
    kept_until: date
    state: str  # EXPIRED, HELD or BIRTH_DATE_MISSING


@dataclass(frozen=True, slots=True)
class RetentionReport:
    as_of: date
    due: list[FamilyDue]
    deleted: list[str]  # family ids
    audit: AuditCut | None = None  # the audit rows past their period (cut when applied)

    def in_state(self, state: str) -> list[FamilyDue]:
        return [family for family in self.due if family.state == state]


def load_schedule() -> dict[str, RetentionRule]:
    """The shipped schedule, checked; AdminError in one sentence when it is not usable."""
    try:
        return parse_schedule(resources.load_json("retention", "schedule.json"))
    except (OSError, ValueError) as error:
        if isinstance(error, RetentionScheduleError):
            raise accounts.AdminError(str(error)) from None
        raise accounts.AdminError("The retention schedule file could not be read.") from None


# ----- legal holds ---------------------------------------------------------------------------

def find_family(conn: Connection, ref: str) -> str:
    """A family's id from its id or its reference (the family row's ``reference``)."""
    c = _family_rows()
    rows = conn.execute(select(c.row_id, c.data).where(c.table_name == FAMILY)).all()
    if any(row_id == ref for row_id, _ in rows):
        return ref
    wanted = ref.strip().casefold()
    found = [row_id for row_id, data in rows
             if str(from_json(data).get("reference") or "").strip().casefold() == wanted]
    if len(found) != 1:
        raise accounts.AdminError("No family has that reference or id." if not found else
                                  "More than one family has that reference; give its id.")
    return str(found[0])


def held_families(conn: Connection) -> set[str]:
    h = legal_hold.c
    return {str(family) for family in conn.execute(
        select(h.family_id).where(h.released_at.is_(None))).scalars()}


def place_hold(engine: Engine, *, family: str, reason: str, placed_by: str) -> str:
    """Put a family under legal hold; returns its id. The reason stays in legal_hold only."""
    reason, placed_by = reason.strip(), placed_by.strip()
    if not reason:
        raise accounts.AdminError("Give the reason for the hold with --reason.")
    if len(reason) > 500:
        raise accounts.AdminError("The reason must be at most 500 characters.")
    with accounts.write_connection(engine) as conn, conn.begin():
        family_id = find_family(conn, family)
        if family_id in held_families(conn):
            raise accounts.AdminError("That family is already under a legal hold.")
        conn.execute(legal_hold.insert().values(
            id=new_id(), family_id=family_id, reason=reason, placed_at=accounts.now(),
            placed_by=placed_by[:200] or "administrator"))
        accounts.audit(conn, action="legal-hold", entity="family", entity_id=family_id,
                       family_id=family_id)
    return family_id


def release_hold(engine: Engine, *, family: str) -> str:
    with accounts.write_connection(engine) as conn, conn.begin():
        family_id = find_family(conn, family)
        h = legal_hold.c
        released = conn.execute(update(legal_hold).where(
            h.family_id == family_id, h.released_at.is_(None)).values(
            released_at=accounts.now())).rowcount
        if not released:
            raise accounts.AdminError("That family is not under a legal hold.")
        accounts.audit(conn, action="legal-hold-release", entity="family",
                       entity_id=family_id, family_id=family_id)
    return family_id


# ----- the retention run ---------------------------------------------------------------------

def due_families(conn: Connection, rule: RetentionRule, as_of: date) -> list[FamilyDue]:
    """Closed families whose record may be deleted on ``as_of`` (or would be, but for a hold
    or an unknown birth date), oldest closure first. Open families are never listed."""
    c = _family_rows()
    holds = held_families(conn)
    youngest: dict[str, date | None] = {}
    missing_birth: set[str] = set()
    for family_id, data in conn.execute(select(c.family_id, c.data).where(
            c.table_name == "person", c.deleted.is_(False))):
        born = _day(from_json(data).get("date_of_birth"))
        if born is None:
            missing_birth.add(str(family_id))
            continue
        current = youngest.get(str(family_id))
        youngest[str(family_id)] = born if current is None else max(current, born)
    due: list[FamilyDue] = []
    for family_id, data in conn.execute(select(c.row_id, c.data).where(
            c.table_name == FAMILY, c.deleted.is_(False))):
        fields = from_json(data)
        closed_on = _day(fields.get("closed_on"))
        if closed_on is None or fields.get("status") not in (None, "closed"):
            continue
        family_id = str(family_id)
        kept_until = family_kept_until(rule, closed_on, youngest.get(family_id))
        if kept_until > as_of:
            continue
        state = HELD if family_id in holds else \
            BIRTH_DATE_MISSING if family_id in missing_birth \
            and rule.keep_until_youngest_child_age is not None else EXPIRED
        due.append(FamilyDue(family_id=family_id, reference=str(fields.get("reference") or ""),
                             closed_on=closed_on, kept_until=kept_until, state=state))
    return sorted(due, key=lambda family: (family.closed_on, family.reference))


def run_retention(engine: Engine, *, as_of: date | None = None, apply: bool = False,
                  schedule: dict[str, RetentionRule] | None = None,
                  today: Callable[[], date] | None = None,
                  include_audit: bool = True) -> RetentionReport:
    """List (and with ``apply`` delete) the families past their retention time on ``as_of``
    (default: ``today()``, the server's UTC date), and the audit rows past theirs.
    ``include_audit`` False: families only (the daily run inside ``serve``, whose database
    role may not delete audit rows; audit_retention.py)."""
    rules = schedule or load_schedule()
    rule = rules[FAMILY]
    audit_years = rules[AUDIT].keep_years if AUDIT in rules and include_audit else None
    as_of = as_of or (today or (lambda: accounts.now().date()))()
    with engine.connect() as conn:
        due = due_families(conn, rule, as_of)
        # Listing only: with --apply the cut is taken under the lock, after the families.
        audit = None if audit_years is None or apply else \
            audit_cut(conn, as_of=as_of, keep_years=audit_years)
    deleted: list[str] = []
    if apply:
        for family in due:
            if family.state == EXPIRED and _delete_family(engine, family, as_of):
                deleted.append(family.family_id)
        if audit_years is not None:  # after the families: their deletions are audited first
            audit = apply_audit_retention(engine, as_of=as_of, keep_years=audit_years)
    return RetentionReport(as_of=as_of, due=due, deleted=deleted, audit=audit)


def _delete_family(engine: Engine, family: FamilyDue, as_of: date) -> bool:
    """One family's deletion in one transaction; False when a hold was placed meanwhile."""
    options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(engine) else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        if not is_sqlite(engine):
            # As the tombstone purge: no push that read these rows writes them back after.
            conn.exec_driver_sql("LOCK TABLE sync_row IN ACCESS EXCLUSIVE MODE")
        if family.family_id in held_families(conn):
            return False
        m = mark(conn)
        rows = conn.exec_driver_sql(
            f"DELETE FROM sync_row WHERE family_id = {m} "
            f"OR (table_name = {m} AND row_id = {m})",
            (family.family_id, FAMILY, family.family_id)).rowcount
        conn.exec_driver_sql(f"DELETE FROM family_scope WHERE family_id = {m}",
                             (family.family_id,))
        conn.exec_driver_sql(f"DELETE FROM {family_member.name} WHERE family_id = {m}",
                             (family.family_id,))
        _delete_refused_changes(conn, family.family_id)
        # Every cursor issued so far predates the deletion: those devices resync (410).
        conn.exec_driver_sql("UPDATE sync_counter SET value = value + 1, "
                             "tombstone_horizon = value + 1 WHERE id = 1")
        accounts.audit(conn, action=RETENTION_DELETE, entity="family",
                       entity_id=family.family_id, family_id=family.family_id,
                       detail=f"rows={rows} as_of={as_of.isoformat()}")
    return True


def _delete_refused_changes(conn: Connection, family_id: str) -> None:
    """Quarantined ops of the family carry its values: they go with it."""
    m = mark(conn)
    ops = conn.exec_driver_sql("SELECT op_id, op FROM quarantine").all()
    gone = [(op_id,) for op_id, op in ops if _op_family(op) == family_id]
    if gone:
        conn.exec_driver_sql(f"DELETE FROM quarantine WHERE op_id = {m}", gone)


def _op_family(op: str) -> str | None:
    try:
        value = from_json(op)
    except ValueError:
        return None
    family = value.get("family_id") if isinstance(value, dict) else None
    if family is None and isinstance(value, dict) and value.get("table") == FAMILY:
        family = value.get("row_id")
    return str(family) if family is not None else None


def _family_rows() -> Any:
    return sync_row.c


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
