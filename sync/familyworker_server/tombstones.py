"""Tombstone GC (SYNC §4.8): deletion records older than the offline window are removed, and
the horizon below which a device's cursor can no longer be served is raised.

Deleted rows stay on the server as tombstones so that devices syncing later learn of the
deletion. Kept for ever they would grow without bound, so an administrator (or a nightly job)
purges those older than the longest time a device may stay offline. A device whose cursor is
older than the newest purged tombstone might have missed one of them: its pulls are answered
``410 resync_scope`` and it downloads its caseload again, keeping anything still to be sent.
"""

import time
from dataclasses import dataclass

from pydantic_core import from_json
from sqlalchemy import Engine

from familyworker_server.bulk import mark
from familyworker_server.db import is_sqlite
from familyworker_server.errors import ApiError

DEFAULT_MAX_OFFLINE_DAYS = 180
RESYNC_MESSAGE = ("This device has not synced for longer than the server keeps records of "
                  "deletions, so it will download its caseload again. Changes waiting on "
                  "this device are kept and sent first.")


@dataclass(frozen=True, slots=True)
class PurgeResult:
    removed: int
    horizon: int  # cursors below this (other than 0) must resync


def cutoff_stamp(older_than_days: float, *, now_ms: int | None = None) -> str:
    """The 12-hex-digit wall-clock prefix of an HLC stamp made ``older_than_days`` ago; stamps
    are fixed width, so a smaller prefix is an older stamp."""
    now_ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    return f"{max(0, now_ms - int(older_than_days * 86_400_000)):012x}"


def purge_tombstones(engine: Engine, *, older_than_days: float = DEFAULT_MAX_OFFLINE_DAYS
                     ) -> PurgeResult:
    """Remove tombstones whose deletion, and every field stamp, is older than the window.

    It runs alone: on SQLite it takes the write lock up front (pushes take it too); on
    PostgreSQL it locks ``sync_row`` outright, so no push that has read a tombstone can write it
    back after it is gone, and the horizon is raised in the same transaction.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = cutoff_stamp(older_than_days)
    options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(engine) else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        if not is_sqlite(engine):
            conn.exec_driver_sql("LOCK TABLE sync_row IN ACCESS EXCLUSIVE MODE")
        m = mark(conn)
        old = (f"deleted = {m} AND deleted_hlc IS NOT NULL "
               f"AND substr(deleted_hlc, 1, 12) < {m}")
        candidates = conn.exec_driver_sql(
            f"SELECT table_name, row_id, server_seq, field_hlc FROM sync_row WHERE {old}",
            (True, cutoff)).all()
        # A row edited within the window (an edit that met the deletion) is kept for now.
        purged = [(table, row_id, seq) for table, row_id, seq, stamps in candidates
                  if _newest_stamp(stamps) < cutoff]
        if purged:
            conn.exec_driver_sql(
                f"DELETE FROM sync_row WHERE table_name = {m} AND row_id = {m}",
                [(table, row_id) for table, row_id, _ in purged])
            conn.exec_driver_sql(
                f"UPDATE sync_counter SET tombstone_horizon = {m} "
                f"WHERE id = 1 AND tombstone_horizon < {m}",
                (max(seq for *_, seq in purged),) * 2)
        horizon = int(conn.exec_driver_sql(
            "SELECT tombstone_horizon FROM sync_counter WHERE id = 1").scalar_one())
    return PurgeResult(removed=len(purged), horizon=horizon)


def _newest_stamp(field_hlc: str) -> str:
    """The wall-clock prefix of the newest stamp in a row's stamps JSON."""
    return max((str(stamp)[:12] for stamp in from_json(field_hlc).values()), default="")


def check_cursor(cursor: int, horizon: int) -> None:
    """A pull from before the horizon (other than a first sync) is refused with 410."""
    if 0 < cursor < horizon:
        raise ApiError(410, "resync_scope", RESYNC_MESSAGE)
