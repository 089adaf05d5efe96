"""Conflict records on this device: list them, and resolve one by keeping either value or a
merged text."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlmodel import col, select

from familyworker.domain.errors import ValidationError
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.codec import from_json_value, temporal_columns, to_json_value
from familyworker.store.errors import RecordNotFound
from familyworker.store.sync_tables import SYNC_TABLES, SyncConflictRow
from familyworker.store.tables import FamilyRow
from familyworker.sync.protocol import ADDED_AFTER_DELETION, DELETED_VALUE, WHOLE_RECORD

Keep = Literal["mine", "theirs", "merged"]
MAX_MERGED_CHARS = 100_000  # the wire's per-field limit


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

    @property
    def is_deletion(self) -> bool:
        """A deletion met an edit: one side is the deletion, the other the edit's values;
        keeping the edit restores the record."""
        return self.field == WHOLE_RECORD

    @property
    def mergeable(self) -> bool:
        """Both sides are text (or empty), so the worker can combine them by hand."""
        return all(v is None or isinstance(v, str) for v in (self.mine, self.theirs)) and \
            _is_text_field(self.table, self.field)


def _is_text_field(table: str, field: str) -> bool:
    row_type = SYNC_TABLES.get(table)
    return row_type is not None and field in row_type.content_fields() and \
        field not in temporal_columns(row_type)


def added_after_deletion(value: Any) -> list[tuple[str, str]] | None:
    """(table, row id) of the records a family's deletion would hide, when ``value`` is that
    side of a deletion conflict; None for an edit's fields or the deletion itself."""
    if not isinstance(value, dict) or not isinstance(value.get(ADDED_AFTER_DELETION), list):
        return None
    return [(str(item.get("table", "")), str(item.get("row_id", "")))
            for item in value[ADDED_AFTER_DELETION] if isinstance(item, dict)]


def merged_draft(view: ConflictView) -> str:
    """The starting point for a merge: both texts, this device's first, neither lost."""
    parts = [v for v in (view.mine, view.theirs) if isinstance(v, str) and v.strip()]
    if len(parts) == 2 and parts[0].strip() == parts[1].strip():
        return parts[0]
    return "\n\n".join(parts)


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
            current = _current(target, row.field)
            views.append(ConflictView(row.id, row.family_id, references.get(row.family_id, ""),
                                      row.table_name, row.row_id, row.field, mine, theirs,
                                      current, row.resolution))
        return views


def _current(target: Any, field: str) -> Any:
    if target is None:
        return None
    if field == WHOLE_RECORD:
        return DELETED_VALUE if target.deleted_at is not None else {"deleted": False}
    return to_json_value(getattr(target, field, None))


def resolve_conflict(store: CaseloadStore, conflict_id: str, *, keep: Keep,
                     merged_text: str | None = None) -> ConflictView:
    """Keep one value, or (text fields) a merged text: it becomes the field's current value (a
    new edit that syncs), and the conflict is marked resolved on every device."""
    if keep == "merged" and merged_text is None:
        raise ValidationError("A merged resolution needs the merged text.")
    if merged_text is not None and len(merged_text) > MAX_MERGED_CHARS:
        raise ValidationError(f"The merged text is longer than {MAX_MERGED_CHARS:,} characters.")
    with store.unit_of_work() as uow:
        row = uow.session.get(SyncConflictRow, conflict_id)
        if row is None or row.deleted_at is not None:
            raise RecordNotFound("No such conflict on this device.")
        if row.resolution is not None:
            raise ValidationError("That conflict has already been resolved.")
        mine, theirs = _sides(row, store.device_id)
        if keep == "merged":
            if not _is_text_field(row.table_name, row.field) or \
                    not all(v is None or isinstance(v, str) for v in (mine, theirs)):
                raise ValidationError("Only text can be merged; keep one of the two values.")
            chosen: Any = merged_text
        else:
            chosen = mine if keep == "mine" else theirs
        target_type = SYNC_TABLES.get(row.table_name)
        target = uow.session.get(target_type, row.row_id) if target_type else None
        if target is not None and row.field == WHOLE_RECORD:
            # Keeping the deletion deletes the record again if someone restored it meanwhile;
            # keeping the edit restores it (the edit's values are in it already).
            if chosen == DELETED_VALUE and target.deleted_at is None:
                uow.delete(target)
            elif chosen != DELETED_VALUE and target.deleted_at is not None:
                uow.restore(target)
        elif target is not None and row.field in target_type.content_fields():  # type: ignore[union-attr]
            value = from_json_value(target_type, row.field, chosen)  # type: ignore[arg-type]
            uow.update(target, {row.field: value})
        uow.update(row, {"resolution": f"kept-{keep}" if keep != "merged" else "merged",
                         "resolved_by": uow.actor_id, "resolved_at": datetime.now(UTC)})
        return ConflictView(row.id, row.family_id, "", row.table_name, row.row_id, row.field,
                            mine, theirs, chosen, row.resolution)
