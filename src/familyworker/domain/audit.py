"""Audit events: who did what to which record, when. Identifiers only, never case content."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
    VIEW = "view"
    PRINT = "print"
    EXPORT = "export"
    IMPORT = "import"
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock-failed"
    LOCK = "lock"
    PASSPHRASE_CHANGED = "passphrase-changed"
    SYNC = "sync"
    PURGE = "purge"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: str
    at: datetime
    action: AuditAction
    entity: str
    entity_id: str | None = None
    family_id: str | None = None
    actor_id: str | None = None
    device_id: str | None = None
    detail: str = ""  # identifiers and counts only
