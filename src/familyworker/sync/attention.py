"""Changes the server refused: kept in the outbox, marked, listed for the worker ("needs
attention") rather than dropped. Identifiers and reasons only, never the changed values."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore

# Audit events travel through the outbox too; they are bookkeeping, not the worker's changes
# (the status bar counts the same way).
_ATTENTION = ("FROM sync_outbox o LEFT JOIN family f ON f.id = o.family_id "
              "WHERE o.rejected_reason IS NOT NULL AND o.table_name != 'audit_event'")


@dataclass(frozen=True, slots=True)
class RejectedChange:
    """One refused change: which record, what kind of change, and the server's reason code."""

    op_id: str
    table: str
    row_id: str
    family_id: str | None
    family_reference: str | None  # the case reference, if the family is still on this device
    kind: str
    reason: str
    rejected_at: datetime | None


def needs_attention(store: CaseloadStore) -> list[RejectedChange]:
    """Every refused change still held on this device, oldest first."""
    with store.read() as session:
        rows = session.execute(text(
            "SELECT o.op_id, o.table_name, o.row_id, o.family_id, f.reference, o.kind, "
            "o.rejected_reason, o.rejected_at " + _ATTENTION + " ORDER BY o.seq")).all()
    return [RejectedChange(op_id=str(r[0]), table=str(r[1]), row_id=str(r[2]),
                           family_id=r[3], family_reference=r[4], kind=str(r[5]),
                           reason=str(r[6]), rejected_at=_when(r[7])) for r in rows]


def needs_attention_count(store: CaseloadStore) -> int:
    with store.read() as session:
        return int(session.execute(text("SELECT count(*) " + _ATTENTION)).scalar_one())


def retry_rejected(store: CaseloadStore, op_ids: list[str] | None = None) -> int:
    """Queue refused changes again (all, or those ``op_ids``), e.g. after a supervisor fixed
    the allocation. Each goes to the end of the outbox under a new op id: the server already
    recorded the old id, and a batch cut before must not change under its id. Returns how many.
    """
    with store.unit_of_work() as uow:
        conn = uow.session.connection()
        seqs = [int(r[0]) for r in conn.execute(text(
            "SELECT seq, op_id FROM sync_outbox WHERE rejected_reason IS NOT NULL "
            "ORDER BY seq")).all() if op_ids is None or r[1] in op_ids]
        for seq in seqs:
            conn.execute(text(
                "INSERT INTO sync_outbox (op_id, batch_id, table_name, row_id, family_id, kind, "
                "hlc, fields, base_server_seq, schema_version, created_at) SELECT :op, NULL, "
                "table_name, row_id, family_id, kind, hlc, fields, base_server_seq, "
                "schema_version, created_at FROM sync_outbox WHERE seq = :seq"),
                {"op": new_id(), "seq": seq})
            conn.execute(text("DELETE FROM sync_outbox WHERE seq = :seq"), {"seq": seq})
    return len(seqs)


def _when(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None
