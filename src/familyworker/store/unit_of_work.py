"""One user action as one transaction: the change, its outbox entry and its audit event together."""

import json
import threading
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from familyworker.domain.audit import AuditAction
from familyworker.domain.hlc import HybridLogicalClock
from familyworker.domain.ids import new_id
from familyworker.store import migrations
from familyworker.store.codec import row_values, stamps_for_insert, to_json_value
from familyworker.store.tables import AuditEventRow, OutboxRow, SyncedRow

SCHEMA_VERSION = migrations.latest_version()


class UnitOfWork:
    """Records changes to synced rows; every change is stamped, queued for sync and audited."""

    def __init__(self, session: Session, *, clock: HybridLogicalClock,
                 clock_lock: threading.Lock, device_id: str, actor_id: str | None) -> None:
        self.session = session
        self._clock = clock
        self._clock_lock = clock_lock
        self.device_id = device_id
        self.actor_id = actor_id
        self.now = datetime.now(UTC)
        self.changes: list[tuple[str, str]] = []  # (table, row id) changed in this unit

    def _stamp(self) -> str:
        with self._clock_lock:
            return str(self._clock.now())

    def add(self, row: SyncedRow, *, audit: bool = True) -> None:
        """A new row: every content field stamped and queued."""
        hlc = self._stamp()
        fields = row.content_fields()
        row.field_hlc = stamps_for_insert(hlc)
        self.session.add(row)
        kind = "append" if row.APPEND_ONLY else "insert"
        self._queue(row, kind, hlc, row_values(row, fields))
        if audit:
            self.audit(AuditAction.CREATE, row)

    def update(self, row: SyncedRow, changes: dict[str, Any], *, audit: bool = True) -> list[str]:
        """Apply the fields that really change; returns their names (nothing queued if none)."""
        if row.APPEND_ONLY:
            raise ValueError(f"{row.__tablename__} rows are append-only")
        changed = {name: value for name, value in changes.items()
                   if to_json_value(getattr(row, name)) != to_json_value(value)}
        unknown = set(changed) - set(row.content_fields())
        if unknown:
            raise ValueError(f"not editable fields: {sorted(unknown)}")
        if not changed:
            return []
        hlc = self._stamp()
        stamps = json.loads(row.field_hlc or "{}")
        for name, value in changed.items():
            setattr(row, name, value)
            stamps[name] = hlc
        row.field_hlc = json.dumps(stamps)
        self.session.add(row)
        self._queue(row, "update", hlc, row_values(row, list(changed)))
        if audit:
            self.audit(AuditAction.UPDATE, row, detail="fields=" + ",".join(sorted(changed)))
        return sorted(changed)

    def delete(self, row: SyncedRow, *, audit: bool = True, seen_up_to: int | None = None
               ) -> None:
        """Soft delete: a tombstone that syncs like any other change. ``seen_up_to``: the
        sync cursor, for a record whose deletion takes others with it (a family): the server
        tells the deletion from records added under it that this device had not seen."""
        hlc = self._stamp()
        row.deleted_at = self.now
        row.deleted_hlc = hlc
        self.session.add(row)
        base = max(row.server_seq or 0, seen_up_to) if seen_up_to is not None else None
        self._queue(row, "delete", hlc, {}, base_server_seq=base)
        if audit:
            self.audit(AuditAction.DELETE, row)

    def restore(self, row: SyncedRow, *, audit: bool = True) -> None:
        """Undo a soft delete (a deletion conflict resolved by keeping the edit): the later of
        a delete and a restore wins on every device."""
        hlc = self._stamp()
        row.deleted_at = None
        row.deleted_hlc = hlc
        self.session.add(row)
        self._queue(row, "restore", hlc, {})
        if audit:
            self.audit(AuditAction.RESTORE, row)

    def audit(self, action: AuditAction, row: SyncedRow | None = None, *, entity: str = "",
              entity_id: str | None = None, family_id: str | None = None,
              detail: str = "") -> None:
        """Append an audit event (identifiers only) and queue it for the server."""
        if row is not None:
            entity = entity or row.__tablename__  # type: ignore[assignment]
            entity_id = entity_id or row.id
            family_id = family_id or getattr(row, "family_id", None)
        event = AuditEventRow(id=new_id(), at=self.now, action=action.value, entity=entity,
                              entity_id=entity_id, family_id=family_id, actor_id=self.actor_id,
                              device_id=self.device_id, detail=detail)
        self.add(event, audit=False)

    def _queue(self, row: SyncedRow, kind: str, hlc: str, fields: dict[str, Any], *,
               base_server_seq: int | None = None) -> None:
        table_name = str(row.__tablename__)
        self.session.add(OutboxRow(
            op_id=new_id(), table_name=table_name, row_id=row.id,
            family_id=getattr(row, "family_id", None), kind=kind, hlc=hlc, fields=fields,
            base_server_seq=row.server_seq if base_server_seq is None else base_server_seq,
            schema_version=SCHEMA_VERSION, created_at=self.now))
        self.changes.append((table_name, row.id))
