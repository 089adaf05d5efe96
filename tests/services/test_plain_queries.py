"""The plain-SQL reads the first screens use say the same as their ORM twins, over the demo
caseload with a concern decided, one awaiting and changes waiting."""

from datetime import date
from typing import Any

import pytest
import sqlcipher3
from sqlmodel import col, func, select

from familyworker.services import families, safeguarding
from familyworker.services.caseload import list_caseload
from familyworker.services.demo import import_demo
from familyworker.services.plain_queries import (
    AWAITING_CONCERNS_SQL,
    live_table_rows,
    waiting_changes_by_family,
)
from familyworker.services.queries import is_waiting_change, last_contact_by_family
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.store.tables import (
    ContactNoteRow,
    FamilyRow,
    MeasureReadingRow,
    OutboxRow,
    PersonRow,
    StarAssessmentRow,
)


@pytest.fixture
def demo_store(store: CaseloadStore) -> CaseloadStore:
    import_demo(store)
    return store


def test_last_contact_matches_the_orm_rule(demo_store: CaseloadStore) -> None:
    with demo_store.read() as session:
        expected = {fid: at.date() for fid, at in last_contact_by_family(session).items()}
    # What the caseload list shows, read from the trigger-kept summary.
    found = {f.id: f.last_contact_on for f in list_caseload(demo_store) if f.last_contact_on}
    assert found == expected
    assert len(found) > 10  # the demo's families have contact notes


def test_waiting_changes_match_the_orm_rule(demo_store: CaseloadStore) -> None:
    with demo_store.read() as session:
        expected = dict(session.exec(select(OutboxRow.family_id, func.count())
                                     .where(is_waiting_change())
                                     .group_by(col(OutboxRow.family_id))).all())
    with demo_store.raw_read() as conn:
        found = waiting_changes_by_family(conn)
    assert found == expected
    assert sum(found.values()) > 0


def test_awaiting_concerns_match_the_service(demo_store: CaseloadStore) -> None:
    family_id = families.add_family(demo_store, reference="FAM-PQ01",
                                    household_name="The Example family",
                                    postcode="LS1 4AB").id
    waiting = safeguarding.raise_concern(demo_store, family_id=family_id, seen_or_heard="One")
    decided = safeguarding.raise_concern(demo_store, family_id=family_id, seen_or_heard="Two")
    safeguarding.record_decision(demo_store, decided.id, decision="no-further-action",
                                 today=date.today())
    with demo_store.read() as session:
        expected = {a.concern_id for a in safeguarding.awaiting_in(session, None)}
    with demo_store.raw_read() as conn:
        found = {row[0] for row in conn.execute(AWAITING_CONCERNS_SQL)}
    assert waiting.id in found and decided.id not in found
    assert found == expected


def test_plain_reads_refuse_a_locked_store(store: CaseloadStore) -> None:
    assert store.setting("worker_name") == "Me"
    store.lock()
    with pytest.raises(StoreError), store.raw_read():
        pass


def test_plain_connections_are_kept_between_reads_and_closed_on_lock(
        store: CaseloadStore) -> None:
    with store.raw_read() as first:
        pass
    with store.raw_read() as second:
        assert second is first  # kept open: no key set-up, no WAL checkpoint per read
    store.lock()
    with pytest.raises(sqlcipher3.dbapi2.ProgrammingError):
        first.execute("SELECT 1")  # closed with the store


@pytest.mark.parametrize("table", [FamilyRow, PersonRow, StarAssessmentRow, MeasureReadingRow,
                                   ContactNoteRow])
def test_live_table_rows_read_every_column_as_the_orm_does(demo_store: CaseloadStore,
                                                           table: Any) -> None:
    """Dates, times, JSON, flags and None come back as the ORM gives them; deleted rows are
    left out (one person deleted here)."""
    with demo_store.unit_of_work() as uow:
        gone = uow.session.exec(select(PersonRow)).first()
        assert gone is not None
        uow.delete(gone)
    # Every column but times (the store's own zone-keeping type: read with the ORM).
    names = tuple(c.name for c in table.__table__.columns
                  if type(c.type).__name__ != "UTCDateTime")
    with demo_store.read() as session:
        expected = sorted((tuple(getattr(row, n) for n in names)
                           for row in session.exec(select(table)
                                                   .where(col(table.deleted_at).is_(None)))),
                          key=repr)
    with demo_store.raw_read() as conn:
        found = sorted(live_table_rows(conn, table, names), key=repr)
    assert found == expected
    assert found, "the demo has rows of every kind tested"


def test_live_table_rows_refuse_a_column_they_cannot_read(demo_store: CaseloadStore) -> None:
    with demo_store.raw_read() as conn, pytest.raises(TypeError, match="occurred_at"):
        live_table_rows(conn, ContactNoteRow, ("id", "occurred_at"))
