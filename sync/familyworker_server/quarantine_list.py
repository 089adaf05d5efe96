"""Changes the server refused (SYNC §4.7 quarantine), for an administrator: who, when, which
record and why - identifiers only, never the values the change carried."""

from datetime import datetime
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Engine, select

from familyworker_server import models


def list_quarantine(engine: Engine, *, limit: int = 500) -> list[dict[str, Any]]:
    """The newest refused changes first, each with its device's worker."""
    q, d, w = models.quarantine.c, models.device.c, models.worker.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(q.op_id, q.device_id, q.reason, q.op, q.at, w.name.label("worker"))
            .join(models.device, d.id == q.device_id, isouter=True)
            .join(models.worker, w.id == d.worker_id, isouter=True)
            .order_by(q.at.desc()).limit(limit)).all()
    return [_entry(row) for row in rows]


def _entry(row: Any) -> dict[str, Any]:
    try:
        op = from_json(row.op)
    except ValueError:
        op = {}
    at: datetime = row.at
    return {"at": at.isoformat(), "op_id": row.op_id, "device_id": row.device_id,
            "worker": row.worker, "reason": row.reason,
            # The op's address only: its fields may hold case content.
            "table": op.get("table"), "kind": op.get("kind"), "row_id": op.get("row_id"),
            "family_id": op.get("family_id")}
