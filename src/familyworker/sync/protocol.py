"""Wire schemas shared by the client sync engine and the server; pure pydantic, no I/O."""

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PROTOCOL_VERSION = 1
# The wire schema: what tables and fields mean. Raised when a change is not additive.
SCHEMA_VERSION = 1
MIN_SCHEMA_VERSION = 1
MIN_CLIENT_VERSION = "0.1.0"

MAX_BATCH_OPS = 5_000
MAX_FIELD_CHARS = 100_000  # a long case note is ~10k characters; 1 MB is an attack
MAX_FIELDS_PER_OP = 64
MAX_BODY_BYTES = 16 * 1024 * 1024  # after decompression
MAX_PULL_LIMIT = 5_000
# A push whose client clock or stamps run further ahead of the server's is refused (409
# clock_ahead): merges keep the later stamp, so a fast clock would win every same-field edit.
MAX_CLOCK_AHEAD_S = 5 * 60
DEFAULT_PULL_LIMIT = 2_000

# Tables that travel over the wire. audit_event is pushed but never pulled (server audit log).
SYNCED_TABLE_NAMES: tuple[str, ...] = (
    "team", "worker", "family", "family_criterion", "person", "agency_involvement",
    "star_assessment", "plan", "plan_goal", "plan_action", "contact_note", "note_addendum",
    "outcome", "outcome_claim", "sustainability_review", "oversight_note", "family_co_worker",
    "task", "safeguarding_concern", "concern_decision", "measure_reading", "employment_spell",
    "consent_record", "audit_event", "sync_conflict")
APPEND_ONLY_TABLES: frozenset[str] = frozenset(
    {"star_assessment", "note_addendum", "sustainability_review", "oversight_note",
     "safeguarding_concern", "concern_decision", "consent_record", "audit_event"})
# Append-only records the server also refuses to change or delete once stored (reason
# "append_only"): safeguarding concerns and their decisions (docs/safeguarding.md), and
# consent statements (a withdrawal is a later statement, never an edit).
NEVER_CHANGED_TABLES: frozenset[str] = frozenset(
    {"safeguarding_concern", "concern_decision", "consent_record"})
CONFLICT_TABLE = "sync_conflict"
# Every sync answer names the server database's epoch, which changes when it is restored from a
# backup (the server's instance.py); a device seeing it change resyncs (sync/engine.py).
EPOCH_HEADER = "FamilyWorker-Epoch"
# A conflict record's field when a deletion met an edit the deleting device had not seen (SYNC
# §4.4 step 4): the deletion stands and is the kept side (DELETED_VALUE); the other side is the
# edit, {field: value}. Keeping the edit restores the record.
WHOLE_RECORD = "*"
DELETED_VALUE: dict[str, bool] = {"deleted": True}
# The other side of a family's deletion conflict when records were added to it (or changed)
# after, on a device that had not seen the deletion, or before it on one the deleting device
# had not heard from: {ADDED_AFTER_DELETION: [{"table": t, "row_id": id}, ...]}. Keeping
# that side restores the family, and with it those records.
ADDED_AFTER_DELETION = "added_after_deletion"

Uuid = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                        pattern=r"^[0-9A-Za-z-]+$")]
# "<12 hex ms>-<4 hex counter>-<device id>" (familyworker.domain.hlc)
Hlc = Annotated[str, StringConstraints(max_length=100,
                                       pattern=r"^[0-9a-f]{12}-[0-9a-f]{4}-[0-9A-Za-z~-]+$")]
TableName = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z_]+$")]
FieldName = Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]
# restore: undo a deletion (a conflict resolved by keeping the edit). Deleted-or-not is one
# register: the delete or restore with the later stamp wins.
OpKind = Literal["insert", "update", "delete", "append", "restore"]
OpStatus = Literal["applied", "merged", "conflict", "superseded", "duplicate", "rejected"]
Role = Literal["worker", "supervisor", "admin"]


class WireModel(BaseModel):
    """Strict: unknown fields are refused (H2), never silently stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(BaseModel):
    """A server's answer: fields this client does not know are ignored, so a newer server can
    add to an answer without breaking clients already in the field (requests stay strict)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Versioned(WireModel):
    protocol: int = Field(ge=0, le=1_000)
    schema_version: int = Field(ge=0, le=1_000_000)


class Op(WireModel):
    """One change to one row. ``hlc`` stamps every field unless ``field_hlc`` says otherwise."""

    op_id: Uuid
    table: TableName
    row_id: Uuid
    family_id: Uuid | None = None
    kind: OpKind
    hlc: Hlc
    field_hlc: dict[FieldName, Hlc] | None = None
    fields: dict[FieldName, Any] = Field(default_factory=dict, max_length=MAX_FIELDS_PER_OP)
    base_server_seq: int | None = Field(default=None, ge=0)


class PushRequest(Versioned):
    device_id: Uuid
    batch_id: Uuid
    client_time: datetime
    ops: list[Op] = Field(max_length=MAX_BATCH_OPS)


class OpResult(Answer):
    op_id: str
    status: OpStatus
    reason: str | None = None
    server_seq: int | None = None


class PushResponse(Answer):
    batch_id: str
    results: list[OpResult]
    conflicts: int = 0
    server_time: datetime


class PulledRow(Answer):
    """A row's current state on the server (not each intermediate change)."""

    table: str
    row_id: str
    family_id: str | None
    data: dict[str, Any]
    field_hlc: dict[str, str]
    server_seq: int
    deleted: bool = False
    deleted_hlc: str | None = None


class PullResponse(Answer):
    rows: list[PulledRow]
    next_cursor: int
    has_more: bool
    snapshot_seq: int
    # On the last page: a digest of the families in scope (None for admins, who see all);
    # a client whose own digest differs asks /scope for the list and purges the rest.
    scope_hash: str | None = None
    server_time: datetime


class ScopeResponse(Answer):
    families: list[str] | None
    scope_hash: str | None
    server_time: datetime


class EnrolRequest(Versioned):
    code: Annotated[str, StringConstraints(min_length=4, max_length=64)]
    device_id: Uuid
    device_name: Annotated[str, StringConstraints(max_length=100)] = ""


class UnlockRequest(Versioned):
    """SECURITY B2: after 10 wrong passphrases, the code an administrator gave the worker."""

    device_id: Uuid
    code: Annotated[str, StringConstraints(min_length=4, max_length=64)]


class UnlockResponse(Answer):
    device_id: str
    server_time: datetime


class EnrolResponse(Answer):
    device_id: str
    access_token: str
    worker_id: str
    worker_name: str
    role: Role
    team_id: str | None
    server_time: datetime


class StatusResponse(Answer):
    device_id: str
    worker_id: str
    role: Role
    team_id: str | None
    server_time: datetime
    protocol: int = PROTOCOL_VERSION
    schema_version: int = SCHEMA_VERSION
    # Organisation policy (SECURITY B3): days without reaching the server after which a
    # caseload opens only once it has; 0 = no limit; None from servers before 2026-12.
    max_offline_days: int | None = None
    # Organisation policy (SECURITY J1): days after closing that a worker's laptop keeps a
    # closed family (services/closed_purge.py); None from servers before 2026-12.
    closed_grace_days: int | None = None


ErrorCode = Literal[
    "invalid_request", "invalid_json", "body_too_large", "unsupported_encoding",
    "client_too_old", "client_too_new", "invalid_token", "device_revoked",
    "enrolment_code_invalid", "enrolment_code_expired", "device_exists",
    "batch_reused", "batch_in_progress", "clock_ahead", "not_found", "internal",
    "token_expired", "token_reused", "resync_scope", "unlock_code_invalid",
    "unlock_code_expired"]


class ErrorBody(Answer):
    """Every 4xx/5xx answer: a machine-readable code and one plain sentence."""

    code: ErrorCode
    message: str
    min_client_version: str | None = None
    errors: list[dict[str, Any]] | None = None


def scope_hash(family_ids: list[str]) -> str:
    """Order-independent digest of a set of family ids (so both sides compare cheaply)."""
    return joined_scope_hash("\n".join(sorted(family_ids)))


def joined_scope_hash(joined: str | None) -> str:
    """``scope_hash`` of ids already sorted and joined by newlines (as a database joins them;
    None or empty: no families). Each id followed by a newline, hashed in one call."""
    return hashlib.sha256((f"{joined}\n" if joined else "").encode()).hexdigest()
