"""After the server was restored from a backup: queue this device's own changes once more.

A restored server has lost every change acknowledged after its backup was taken, and this
device removed those from its outbox when they were acknowledged. The local rows still hold
them, each field with the stamp (HLC) it was written with. So every field this device stamped
is queued again with its original stamp: the server merges by stamp, so a change it still
has is a no-op, one it lost is stored again, and nobody's later edit is overwritten. Row ids
are the same, so nothing is duplicated. Fields other devices stamped are theirs to re-send
(the server refuses stamps that are not the sender's own).

Not re-sent: teams and workers (the server's own), conflict records (the server makes them)
and audit events (append-only; the server's audit log keeps what it received).
"""

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.codec import row_values
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.store.tables import OutboxRow
from familyworker.sync.protocol import CONFLICT_TABLE, SCHEMA_VERSION

NOT_RESENT = frozenset({"team", "worker", "audit_event", CONFLICT_TABLE})


def _ops_for_row(row: Any, device_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, stamp, fields) for the fields of ``row`` this device stamped, oldest first."""
    stamps: dict[str, str] = json.loads(row.field_hlc or "{}")
    own = "-" + device_id
    ops: list[tuple[str, str, dict[str, Any]]] = []
    by_stamp: dict[str, list[str]] = defaultdict(list)
    content = list(row.content_fields())
    whole = stamps.get("*")
    for name in content:
        stamp = stamps.get(name, whole)
        if stamp is not None and stamp.endswith(own):
            by_stamp[stamp].append(name)
    if whole is not None and whole.endswith(own):
        # The row began here: its insert carries every field the row began with; fields
        # stamped later (here or elsewhere) follow as their own updates, or are others'.
        kind = "append" if row.APPEND_ONLY else "insert"
        ops.append((kind, whole, row_values(row, by_stamp.pop(whole, []))))
    for stamp in sorted(by_stamp):
        ops.append(("update", stamp, row_values(row, by_stamp[stamp])))
    deleted_stamp = getattr(row, "deleted_hlc", None)
    if deleted_stamp is not None and deleted_stamp.endswith(own):
        ops.append(("delete" if row.deleted_at is not None else "restore", deleted_stamp, {}))
    return ops


def queue_own_changes(store: CaseloadStore, session: Session) -> int:
    """Queue every change this device stamped (in the caller's transaction); returns how many
    outbox rows were added. Families first, so their records find them on the server."""
    now = datetime.now(UTC)
    added = 0
    for name, row_type in SYNC_TABLES.items():
        if name in NOT_RESENT:
            continue
        for row in session.exec(select(row_type)).all():
            for kind, stamp, fields in _ops_for_row(row, store.device_id):
                session.add(OutboxRow(
                    op_id=new_id(), table_name=name, row_id=row.id,
                    family_id=getattr(row, "family_id", None), kind=kind, hlc=stamp,
                    fields=fields, base_server_seq=None, schema_version=SCHEMA_VERSION,
                    created_at=now))
                added += 1
    return added
