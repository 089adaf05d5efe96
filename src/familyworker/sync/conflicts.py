"""Conflict records on this device: list them, and resolve one by keeping either value."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlmodel import col, select

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.codec import from_json_value, to_json_value
from familyworker.store.errors import RecordNotFound
from familyworker.store.sync_tables import SYNC_TABLES, SyncConflictRow
from familyworker.store.tables import FamilyRow

Keep = Literal["mine", "theirs"]


@dataclass(frozen=True, slots=True)
class ConflictView:
    """One conflict as the worker sees it: this device's value beside the other one."""

    id: str
    family_id: str
    family_reference: str
    table: str
    row_id: str
    field: str
    mine: Any
    theirs: Any
    current: Any
    resolution: str | None


def _device_of(stamp: str) -> str:
    return stamp.split("-", 2)[2] if stamp.count("-") >= 2 else ""


def _sides(row: SyncConflictRow, device_id: str) -> tuple[Any, Any]:
    """(mine, theirs): the value stamped by this device is mine; otherwise the current one."""
    if _device_of(row.other_hlc) == device_id and _device_of(row.kept_hlc) != device_id:
        return row.other_value, row.kept_value
    return row.kept_value, row.other_value


def list_conflicts(store: CaseloadStore, *, include_resolved: bool = False
                   ) -> list[ConflictView]:
    with store.read() as session:
        query = select(SyncConflictRow).where(col(SyncConflictRow.deleted_at).is_(None))
        if not include_resolved:
            query = query.where(col(SyncConflictRow.resolution).is_(None))
        rows = session.exec(query.order_by(col(SyncConflictRow.detected_at))).all()
        references = {f.id: f.reference for f in session.exec(select(FamilyRow)).all()}
        views = []
        for row in rows:
            mine, theirs = _sides(row, store.device_id)
            target_type = SYNC_TABLES.get(row.table_name)
            target = session.get(target_type, row.row_id) if target_type else None
            current = to_json_value(getattr(target, row.field, None)) if target else None
            views.append(ConflictView(row.id, row.family_id, references.get(row.family_id, ""),
                                      row.table_name, row.row_id, row.field, mine, theirs,
                                      current, row.resolution))
        return views


def resolve_conflict(store: CaseloadStore, conflict_id: str, *, keep: Keep) -> ConflictView:
    """Keep one value: it becomes the field's current value (a new edit that syncs), and the
    conflict is marked resolved on every device."""
    with store.unit_of_work() as uow:
        row = uow.session.get(SyncConflictRow, conflict_id)
        if row is None or row.deleted_at is not None:
            raise RecordNotFound("No such conflict on this device.")
        mine, theirs = _sides(row, store.device_id)
        chosen = mine if keep == "mine" else theirs
        target_type = SYNC_TABLES.get(row.table_name)
        target = uow.session.get(target_type, row.row_id) if target_type else None
        if target is not None and row.field in target_type.content_fields():  # type: ignore[union-attr]
            value = from_json_value(target_type, row.field, chosen)  # type: ignore[arg-type]
            uow.update(target, {row.field: value})
        uow.update(row, {"resolution": f"kept-{keep}", "resolved_by": uow.actor_id,
                         "resolved_at": datetime.now(UTC)})
        return ConflictView(row.id, row.family_id, "", row.table_name, row.row_id, row.field,
                            mine, theirs, chosen, row.resolution)
