"""Local tables the sync engine adds: conflict records (synced, so both sides see them) and
pulled rows set aside (device-local)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

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


class SetAsideRow(SQLModel, table=True):
    """A pulled row this version could not apply (a value of a form it does not know, a
    required field missing): kept here, inside the encrypted store, with the reason, instead of
    stopping the pass; tried again after an app update (sync/set_aside.py). One per row: a
    later version of the row replaces it. ``reason`` names fields, never values."""

    __tablename__ = "sync_set_aside"
    table_name: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True)
    family_id: str | None = Field(default=None, index=True)  # purged with its family
    server_seq: int | None = None
    reason: str
    row_json: str = Field(sa_type=Text)  # the pulled row as received (case data: encrypted)
    app_version: str  # the app and store schema that could not apply it
    schema_version: int
    set_aside_at: datetime


# Every table the sync engine moves: the caseload's own plus the sync tables.
SYNC_TABLES: dict[str, type[SyncedRow]] = {**SYNCED_TABLES, "sync_conflict": SyncConflictRow}
