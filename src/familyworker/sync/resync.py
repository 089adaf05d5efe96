"""After a full download (410 resync_scope): remove local rows the server no longer has.

The server purges deletion records older than its offline window. A device away for longer
may hold rows deleted meanwhile whose deletions it can no longer be told of, so it downloads
its caseload from the start and then drops every synced row the download did not contain -
except rows with changes still in the outbox (made here, not yet accepted or refused), which
are never discarded.
"""

from sqlalchemy import text

from familyworker.domain.audit import AuditAction
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SYNC_TABLES

# What the worker is told after one (the app's status bar and the sync command).
RESYNC_NOTICE = ("This laptop had been away longer than the server keeps records of deleted "
                 "items, so it downloaded the caseload again. Nothing waiting to be sent was "
                 "lost.")
SETTING_RESYNC = "sync_resync"  # true from the 410 until the full download has finished
# Reference tables (the device's own worker row may exist only here) and the audit trail stay.
KEPT_TABLES = frozenset({"team", "worker", "audit_event"})


def remove_unseen_rows(store: CaseloadStore, seen: set[tuple[str, str]]) -> int:
    """Delete synced rows not in ``seen`` (table, row id) and not waiting in the outbox, and
    end the resync, in one transaction. Returns how many rows were removed."""
    removed = 0
    with store.unit_of_work() as uow:
        session = uow.session
        # In memory: temp_store is pinned to MEMORY, so no identifiers reach a temp file.
        session.execute(text("CREATE TEMP TABLE IF NOT EXISTS resync_seen ("
                             "table_name TEXT NOT NULL, row_id TEXT NOT NULL, "
                             "PRIMARY KEY (table_name, row_id))"))
        session.execute(text("DELETE FROM resync_seen"))
        if seen:
            session.execute(text("INSERT INTO resync_seen VALUES (:table, :row)"),
                            [{"table": table, "row": row} for table, row in sorted(seen)])
        # Rows with changes in the outbox (waiting, or refused and kept for the worker) count as
        # seen: they are never discarded.
        session.execute(text("INSERT OR IGNORE INTO resync_seen "
                             "SELECT table_name, row_id FROM sync_outbox"))
        for name in SYNC_TABLES:
            if name in KEPT_TABLES:
                continue
            result = session.execute(text(
                f'DELETE FROM "{name}" WHERE NOT EXISTS (SELECT 1 FROM resync_seen s '
                f'WHERE s.table_name = :table AND s.row_id = "{name}".id)'), {"table": name})
            removed += max(0, int(getattr(result, "rowcount", 0) or 0))
        # Rows set aside that the download did not bring either.
        session.execute(text(
            "DELETE FROM sync_set_aside WHERE NOT EXISTS (SELECT 1 FROM resync_seen s "
            "WHERE s.table_name = sync_set_aside.table_name AND "
            "s.row_id = sync_set_aside.row_id)"))
        session.execute(text("DROP TABLE resync_seen"))
        store.set_setting(SETTING_RESYNC, None, session=session)
        uow.audit(AuditAction.SYNC, entity="device", entity_id=store.device_id,
                  detail=f"full download; {removed} rows no longer on the server removed")
    return removed
