"""Server tables (SQLAlchemy Core): accounts, devices, the generic row store, sync bookkeeping."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = 64  # UUIDs and device ids

team = Table(
    "team", metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

worker = Table(
    "worker", metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("team_id", String(ID), nullable=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)

device = Table(
    "device", metadata,
    Column("id", String(ID), primary_key=True),
    Column("worker_id", String(ID), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=True),
    # An administrator's revocation (E2): final, the client wipes.
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    # The refresh chain's current generation (0: only a pre-rotation device token exists).
    Column("token_generation", Integer, nullable=False, server_default="0"),
    # The token family stopped because a rotated refresh token came back (E1): every token of
    # this device is refused until it is enrolled again; nothing is wiped.
    Column("tokens_revoked_at", DateTime(timezone=True), nullable=True),
    Column("tokens_revoked_reason", String(20), nullable=True),
)

# Every device credential, as a SHA-256 only (never the token). kind: "access" (short-lived
# bearer), "refresh" (exchanged at /token, rotated on use) or "legacy" (a device token issued
# before rotation: a bearer with no expiry until the device first refreshes with it).
device_token = Table(
    "device_token", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("device_id", String(ID), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    # access: first accepted; refresh and legacy: exchanged for the next pair.
    Column("used_at", DateTime(timezone=True), nullable=True),
    # Replaced before anyone used it (the grace rule); seeing it later means a second holder.
    Column("voided_at", DateTime(timezone=True), nullable=True),
)

enrolment_code = Table(
    "enrolment_code", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("worker_id", String(ID), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("device_id", String(ID), nullable=True),
)

# B2: after 10 wrong passphrases a caseload opens again only once the server confirms one of
# these (an administrator issues it for that device, e.g. over the phone).
unlock_code = Table(
    "unlock_code", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("device_id", String(ID), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)

# Every synced record, whatever its table: the server merges fields without knowing columns,
# so a newer client's additive fields are preserved.
sync_row = Table(
    "sync_row", metadata,
    Column("table_name", String(40), primary_key=True),
    Column("row_id", String(ID), primary_key=True),
    Column("family_id", String(ID), nullable=True),
    Column("team_id", String(ID), nullable=True),
    Column("data", Text, nullable=False),  # JSON {field: value}
    Column("field_hlc", Text, nullable=False),  # JSON {field or "*": hlc}
    Column("field_seq", Text, nullable=False),  # JSON {field or "*": server_seq of last change}
    Column("server_seq", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("deleted_hlc", String(100), nullable=True),
    # The one device every stamp came from, if any: that device already holds this state.
    Column("sole_device", String(ID), nullable=True),
)
Index("ix_sync_row_seq", sync_row.c.server_seq, unique=True)
Index("ix_sync_row_family", sync_row.c.family_id, sync_row.c.server_seq)

family_scope = Table(
    "family_scope", metadata,
    Column("family_id", String(ID), primary_key=True),
    Column("team_id", String(ID), nullable=True, index=True),
    Column("lead_worker_id", String(ID), nullable=True, index=True),
)

sync_batch = Table(
    "sync_batch", metadata,
    Column("device_id", String(ID), primary_key=True),
    Column("batch_id", String(ID), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sync_op = Table(
    "sync_op", metadata,
    Column("op_id", String(ID), primary_key=True),
    Column("device_id", String(ID), nullable=False),
    Column("batch_id", String(ID), nullable=False),
)

# One row; locked as the last step of a push so server_seq order equals commit order.
sync_counter = Table(
    "sync_counter", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
    # The highest server_seq of a purged tombstone: older cursors must resync (tombstones.py).
    Column("tombstone_horizon", BigInteger, nullable=False, server_default="0"),
)

# Rejected operations, kept for a supervisor to look at rather than dropped.
quarantine = Table(
    "quarantine", metadata,
    Column("op_id", String(ID), primary_key=True),
    Column("device_id", String(ID), nullable=False),
    Column("batch_id", String(ID), nullable=False),
    Column("reason", String(100), nullable=False),
    Column("op", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# The legal record: who did what, when; identifiers only. Clients never pull it.
audit_log = Table(
    "audit_log", metadata,
    Column("id", String(ID), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(ID), nullable=True),
    Column("family_id", String(ID), nullable=True, index=True),
    Column("worker_id", String(ID), nullable=True),
    Column("device_id", String(ID), nullable=True),
    Column("detail", String(500), nullable=False, default=""),
    # The hash chain (audit_chain.py, SECURITY I2): place, the row before's hash, this row's.
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("prev_hash", String(64), nullable=False),
    Column("row_hash", String(64), nullable=False),
)

# A family's History, newest first a page at a time (family_history.py; migration 0008).
Index("ix_audit_log_family_seq", audit_log.c.family_id, audit_log.c.seq)

# The chain's head: one row, the last seq and hash, locked by every append.
audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
