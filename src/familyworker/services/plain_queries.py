"""Shared reads as plain SQL on a DBAPI connection (`CaseloadStore.raw_read`), without the ORM.

The first screens after unlock (the caseload list, My week, the sync status line) read through
these so the window shows before SQLAlchemy and SQLModel are imported, and because plain rows
are several times cheaper than ORM rows over thousands of families. Each test here is the same
rule as its ORM twin in `services.queries`; `tests/services/test_plain_queries.py` checks that
the two agree.
"""

from datetime import date
from typing import NamedTuple

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
