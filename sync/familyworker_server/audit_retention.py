"""Audit rows past the schedule's period leave the hash chain behind a checkpoint (J2, I2).

The cut is always a prefix of the chain: the rows numbered 1..S where every one of them is
older than the period (a row synced late, with an old time, after a recent one waits for it).
In one transaction the checkpoint (S and the hash of row S) is written to ``audit_head`` row
``CHECKPOINT_ID`` (no new table: the head's table already holds the chain's anchors), rows
1..S are deleted, and an ``audit-retention`` event is appended. ``audit_chain.verify`` then
starts from the checkpoint instead of the genesis hash, so the rows kept stay verifiable and a
row removed after the cut, or a checkpoint moved, is still found.

Deleting needs DELETE on ``audit_log``: run ``retention --apply`` as the owner role, never the
app's role (data-protection.md). Print the checkpoint for the DPO to keep with the head.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from familyworker.domain.retention import add_years
from familyworker_server import accounts, models
from familyworker_server.audit_chain import CHECKPOINT_ID
from familyworker_server.db import is_sqlite

AUDIT_RETENTION = "audit-retention"


@dataclass(frozen=True, slots=True)
class AuditCut:
    """Rows 1..up_to_seq (``rows`` of them) are older than ``older_than``."""

    older_than: date
    up_to_seq: int
    rows: int
    applied: bool = False


def audit_cut(conn: Connection, *, as_of: date, keep_years: int) -> AuditCut | None:
    """The prefix of the chain older than ``keep_years`` on ``as_of``; None when empty."""
    older_than = add_years(as_of, -keep_years)
    moment = datetime.combine(older_than, time(), tzinfo=UTC)
    log = models.audit_log.c
    first_young = conn.execute(select(func.min(log.seq)).where(log.at >= moment)).scalar()
    last = conn.execute(select(func.max(log.seq))).scalar()
    if last is None:
        return None
    up_to = (int(first_young) - 1) if first_young is not None else int(last)
    rows = conn.execute(select(func.count()).select_from(models.audit_log)
                        .where(log.seq <= up_to)).scalar_one()
    return AuditCut(older_than, up_to, int(rows)) if rows else None


def apply_audit_retention(engine: Engine, *, as_of: date, keep_years: int) -> AuditCut | None:
    """Delete the prefix behind a checkpoint, audited, in one transaction."""
    options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(engine) else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        head = models.audit_head.c
        # Lock the head first (as every append does): no row is chained while the cut is made.
        conn.execute(update(models.audit_head).where(head.id == 1).values(seq=head.seq))
        cut = audit_cut(conn, as_of=as_of, keep_years=keep_years)
        if cut is None:
            return None
        log = models.audit_log.c
        anchor = conn.execute(select(log.row_hash).where(log.seq == cut.up_to_seq)).scalar_one()
        moved = conn.execute(update(models.audit_head).where(head.id == CHECKPOINT_ID)
                             .values(seq=cut.up_to_seq, hash=anchor)).rowcount
        if not moved:
            conn.execute(insert(models.audit_head).values(id=CHECKPOINT_ID, seq=cut.up_to_seq,
                                                          hash=anchor))
        conn.execute(delete(models.audit_log).where(log.seq <= cut.up_to_seq))
        accounts.audit(conn, action=AUDIT_RETENTION, entity="audit_log",
                       detail=f"rows={cut.rows} up_to_seq={cut.up_to_seq} "
                              f"older_than={cut.older_than.isoformat()} "
                              f"checkpoint={anchor}")
    return AuditCut(cut.older_than, cut.up_to_seq, cut.rows, applied=True)
