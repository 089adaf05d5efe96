"""Local tables the sync engine adds: conflict records (synced, so both sides see them)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from familyworker.store.tables import SYNCED_TABLES, SyncedRow


class SyncConflictRow(SyncedRow, table=True):
    """Both values of one field edited concurrently on two devices; the later HLC is current."""

    __tablename__ = "sync_conflict"
    family_id: str = Field(index=True)
    table_name: str
    row_id: str
    field: str
    kept_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    kept_hlc: str
    other_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    other_hlc: str
    detected_at: datetime
    resolution: str | None = None  # "kept-current" | "kept-other"
    resolved_by: str | None = None
    resolved_at: datetime | None = None


# Every table the sync engine moves: the caseload's own plus the sync tables.
SYNC_TABLES: dict[str, type[SyncedRow]] = {**SYNCED_TABLES, "sync_conflict": SyncConflictRow}
