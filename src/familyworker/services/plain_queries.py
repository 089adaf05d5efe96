"""Shared reads as plain SQL on a DBAPI connection (`CaseloadStore.raw_read`), without the ORM.

The first screens after unlock (the caseload list, My week, the sync status line) read through
these so the window shows before SQLAlchemy and SQLModel are imported, and because plain rows
are several times cheaper than ORM rows over thousands of families. Each test here is the same
rule as its ORM twin in `services.queries`; `tests/services/test_plain_queries.py` checks that
the two agree.
"""

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from familyworker.domain.contact import CONTACT_KINDS, ContactOutcome, NoteStatus
from familyworker.store.database import Connection

_CONTACT_KINDS_SQL = ", ".join(f"'{kind}'" for kind in sorted(k.value for k in CONTACT_KINDS))

# `queries.is_contact_made` (`domain.contact.counts_as_contact`) on contact_note: a finalised
# note of a contact kind whose contact happened. Read through ix_contact_note_last_contact.
CONTACT_MADE_SQL = (
    f"deleted_at IS NULL AND status = '{NoteStatus.FINAL.value}' "
    f"AND outcome = '{ContactOutcome.MADE.value}' AND kind IN ({_CONTACT_KINDS_SQL})")

# `queries.is_waiting_change` on sync_outbox: a change the next sync will send.
WAITING_CHANGE_SQL = "table_name != 'audit_event' AND rejected_reason IS NULL"


def day(text: str | None) -> date | None:
    """A stored date or time ("YYYY-MM-DD…", as SQLite keeps them) as its day."""
    return date.fromisoformat(text[:10]) if text else None


def _from_stored(column: Any) -> Callable[[Any], Any] | None:
    """How a value SQLite hands back becomes the column's Python value (None: as it is)."""
    # (Imported here: the first screens use this module before SQLAlchemy is loaded; a table
    # class given to live_table_rows has loaded it.)
    from sqlalchemy import JSON, Boolean, Date, Integer, String
    from sqlmodel.sql.sqltypes import AutoString

    column_type = column.type
    if isinstance(column_type, JSON):
        return json.loads
    if isinstance(column_type, Date):
        return date.fromisoformat
    if isinstance(column_type, Boolean):
        return bool
    if isinstance(column_type, String | Integer | AutoString):
        return None
    # Times carry their zone through a type of the store's own: read those with the ORM.
    raise TypeError(f"live_table_rows does not read {column.name} ({type(column_type).__name__})")


def live_table_rows(connection: Connection, table: Any,
                    names: Sequence[str]) -> list[tuple[Any, ...]]:
    """A table's live rows (not deleted), the named columns as Python values, in one plain
    SELECT. `table` is the store's table class; its column types say how each stored value
    reads. For whole-caseload reports: result processing by SQLAlchemy cost more than the
    report's own figures over 5,000 families and their readings."""
    columns = table.__table__.columns
    converters = [_from_stored(columns[name]) for name in names]
    found = connection.execute(
        f"SELECT {', '.join(names)} FROM {table.__tablename__} "
        "WHERE deleted_at IS NULL").fetchall()
    if not found or not any(converters):
        return found  # type: ignore[no-any-return]
    # Column by column: each distinct date or yes/no converted once, then mapped (a Python call
    # per value, as a generator per row made, cost more than SQLAlchemy's own result rows).
    by_column: list[Sequence[Any]] = list(zip(*found, strict=True))
    for index, convert in enumerate(converters):
        values = by_column[index]
        if convert is json.loads:  # (each value its own object: a caller may keep it)
            by_column[index] = [None if v is None else json.loads(v) for v in values]
        elif convert is not None:
            known: dict[Any, Any] = {v: convert(v) for v in set(values) if v is not None}
            known[None] = None
            by_column[index] = list(map(known.__getitem__, values))
    return list(zip(*by_column, strict=True))


def waiting_changes_by_family(connection: Connection) -> dict[str | None, int]:
    """How many changes the next sync will send, per family (None: not about one family)."""
    rows = connection.execute(
        f"SELECT family_id, count(*) FROM sync_outbox WHERE {WAITING_CHANGE_SQL} "
        "GROUP BY family_id").fetchall()
    return {family_id: int(count) for family_id, count in rows}


# `safeguarding.awaiting_in` without its ordering: live concerns on live families with no live
# decision yet (concern id, family id, raised at).
AWAITING_CONCERNS_SQL = (
    "SELECT c.id, c.family_id, c.raised_at FROM safeguarding_concern c "
    "JOIN family f ON f.id = c.family_id "
    "WHERE c.deleted_at IS NULL AND f.deleted_at IS NULL AND c.id NOT IN ("
    "SELECT concern_id FROM concern_decision WHERE deleted_at IS NULL)")


class WeekSummary(NamedTuple):
    """What My week reads of one family's records (store schema 14, `family_week_summary`)."""

    last_contact_at: str | None
    last_star_on: str | None
    plan_version: int | None
    plan_review_due: str | None


# From scratch, by grouping every row: the rules the trigger-kept summary must agree with.
_LATEST_AGREED_PLANS_SQL = (
    "SELECT family_id, max(version), review_due FROM plan WHERE deleted_at IS NULL "
    "AND status = 'agreed' GROUP BY family_id")
_LAST_STARS_SQL = (
    "SELECT family_id, max(assessed_on) FROM star_assessment WHERE deleted_at IS NULL "
    "GROUP BY family_id")
_LAST_CONTACTS_SQL = (
    f"SELECT family_id, max(occurred_at) FROM contact_note WHERE {CONTACT_MADE_SQL} "
    "GROUP BY family_id")


def week_summaries_from_scratch(connection: Connection) -> dict[str, WeekSummary]:
    """Each live family's summary recomputed from the notes, stars and plans themselves."""
    contacts = dict(connection.execute(_LAST_CONTACTS_SQL).fetchall())
    stars = dict(connection.execute(_LAST_STARS_SQL).fetchall())
    plans = {fid: (version, review) for fid, version, review
             in connection.execute(_LATEST_AGREED_PLANS_SQL)}
    return {fid: WeekSummary(contacts.get(fid), stars.get(fid), *plans.get(fid, (None, None)))
            for (fid,) in connection.execute("SELECT id FROM family WHERE deleted_at IS NULL")}


def week_summaries(connection: Connection) -> dict[str, WeekSummary]:
    """Each live family's summary as the triggers keep it (no row: nothing recorded yet)."""
    return {fid: WeekSummary(*rest) for fid, *rest in connection.execute(
        "SELECT f.id, s.last_contact_at, s.last_star_on, s.plan_version, s.plan_review_due "
        "FROM family f LEFT JOIN family_week_summary s ON s.family_id = f.id "
        "WHERE f.deleted_at IS NULL")}
