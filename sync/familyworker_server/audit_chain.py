"""The audit log as a hash chain (SECURITY I2): each row stores ``hash(previous hash ‖ row)``.

Every audit row is written through ``append``, which takes the chain's head (one row in
``audit_head``) under a write lock, numbers the new rows on from it and moves it on, in the
caller's transaction. ``verify`` walks the rows in order: a row changed, removed or added
outside ``append``, or rows cut from the end, break the chain at a named row.

Identifiers and kinds only, never case content (I3): the same columns as before.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from familyworker_server import models

GENESIS = "0" * 64
# audit_head's second row, once retention has cut the chain: the last removed row's seq and
# hash, where verification starts (audit_retention.py). Row 1 is the head.
CHECKPOINT_ID = 2
# The columns a row's hash covers, in this order (seq ties it to its place in the chain).
HASHED = ("seq", "id", "at", "action", "entity", "entity_id", "family_id", "worker_id",
          "device_id", "detail")


def _moment(value: Any) -> str:
    """One spelling of a time on every database (SQLite hands back naive UTC)."""
    if not isinstance(value, datetime):
        raise TypeError("an audit row's time must be a datetime")
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(previous: str, row: Mapping[str, Any]) -> str:
    values = [_moment(row["at"]) if name == "at" else row[name] for name in HASHED]
    body = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous}|{body}".encode()).hexdigest()


def append(conn: Connection, records: Iterable[Mapping[str, Any]]) -> None:
    """Insert audit rows (without seq or hashes) at the end of the chain."""
    rows = [dict(r) for r in records]
    if not rows:
        return
    # The no-op UPDATE takes the head's write lock before it is read (a row lock on
    # PostgreSQL, the database's on SQLite): two writers never chain from the same head.
    conn.execute(update(models.audit_head).where(models.audit_head.c.id == 1)
                 .values(seq=models.audit_head.c.seq))
    seq, previous = conn.execute(select(models.audit_head.c.seq, models.audit_head.c.hash)
                                 .where(models.audit_head.c.id == 1)).one()
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["at"] = row["at"].astimezone(UTC) if row["at"].tzinfo else row["at"]
        row["prev_hash"] = previous
        row["row_hash"] = previous = row_hash(previous, row)
    conn.execute(insert(models.audit_log), rows)
    conn.execute(update(models.audit_head).where(models.audit_head.c.id == 1)
                 .values(seq=seq, hash=previous))


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int | None
    row_id: str | None
    reason: str

    def in_words(self) -> str:
        where = f"row {self.seq} (id {self.row_id})" if self.seq is not None else "the end"
        return f"The audit chain is broken at {where}: {self.reason}."


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows: int
    head_seq: int
    broken: ChainBreak | None


def _start(conn: Connection) -> tuple[int, str]:
    """(last seq before the first row kept, its hash): the genesis, or retention's checkpoint
    when row 1 is gone. With row 1 still there the checkpoint is not trusted: the whole chain
    is walked, so moving the checkpoint cannot hide anything."""
    log = models.audit_log.c
    first = conn.execute(select(func.min(log.seq))).scalar()
    checkpoint = conn.execute(select(models.audit_head.c.seq, models.audit_head.c.hash)
                              .where(models.audit_head.c.id == CHECKPOINT_ID)).first()
    if checkpoint is None or first == 1:
        return 0, GENESIS
    return int(checkpoint.seq), str(checkpoint.hash)


def verify(conn: Connection, *, batch: int = 5_000) -> ChainReport:
    """Walk the chain from its start (or retention's checkpoint); the first break, or None."""
    head_seq, head_hash = conn.execute(select(models.audit_head.c.seq, models.audit_head.c.hash)
                                       .where(models.audit_head.c.id == 1)).one()
    columns = [models.audit_log.c[name] for name in (*HASHED, "prev_hash", "row_hash")]
    start_seq, previous = _start(conn)
    expected_seq, count, after = start_seq + 1, 0, start_seq
    while True:
        chunk = conn.execute(select(*columns).where(models.audit_log.c.seq > after)
                             .order_by(models.audit_log.c.seq).limit(batch)).mappings().all()
        if not chunk:
            break
        for row in chunk:
            if row["seq"] != expected_seq:
                missing = "missing" if row["seq"] > expected_seq else "out of order"
                return ChainReport(count, head_seq, ChainBreak(
                    expected_seq, None, f"row {expected_seq} is {missing}"))
            if row["prev_hash"] != previous:
                return ChainReport(count, head_seq, ChainBreak(
                    row["seq"], row["id"], "it does not follow the row before it"))
            if row_hash(previous, dict(row)) != row["row_hash"]:
                return ChainReport(count, head_seq, ChainBreak(
                    row["seq"], row["id"], "it was changed after it was written"))
            previous = row["row_hash"]
            expected_seq += 1
            count += 1
        after = chunk[-1]["seq"]
    last_seq = expected_seq - 1
    if last_seq != head_seq or previous != (head_hash if head_seq else GENESIS):
        return ChainReport(count, head_seq, ChainBreak(
            None, None, f"{head_seq - last_seq} rows at the end were removed"
            if last_seq < head_seq else "the chain's head does not match its last row"))
    return ChainReport(count, head_seq, None)
