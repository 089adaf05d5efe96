"""Initial server schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "worker",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("team_id", sa.String(ID), nullable=True, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "device",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("worker_id", sa.String(ID), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "enrolment_code",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("worker_id", sa.String(ID), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device_id", sa.String(ID), nullable=True))
    op.create_table(
        "sync_row",
        sa.Column("table_name", sa.String(40), primary_key=True),
        sa.Column("row_id", sa.String(ID), primary_key=True),
        sa.Column("family_id", sa.String(ID), nullable=True),
        sa.Column("team_id", sa.String(ID), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("field_hlc", sa.Text, nullable=False),
        sa.Column("field_seq", sa.Text, nullable=False),
        sa.Column("server_seq", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("deleted_hlc", sa.String(100), nullable=True),
        sa.Column("sole_device", sa.String(ID), nullable=True))
    op.create_index("ix_sync_row_seq", "sync_row", ["server_seq"], unique=True)
    op.create_index("ix_sync_row_family", "sync_row", ["family_id", "server_seq"])
    op.create_table(
        "family_scope",
        sa.Column("family_id", sa.String(ID), primary_key=True),
        sa.Column("team_id", sa.String(ID), nullable=True, index=True),
        sa.Column("lead_worker_id", sa.String(ID), nullable=True, index=True))
    op.create_table(
        "sync_batch",
        sa.Column("device_id", sa.String(ID), primary_key=True),
        sa.Column("batch_id", sa.String(ID), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "sync_op",
        sa.Column("op_id", sa.String(ID), primary_key=True),
        sa.Column("device_id", sa.String(ID), nullable=False),
        sa.Column("batch_id", sa.String(ID), nullable=False))
    op.create_table(
        "sync_counter",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("value", sa.BigInteger, nullable=False))
    op.create_table(
        "quarantine",
        sa.Column("op_id", sa.String(ID), primary_key=True),
        sa.Column("device_id", sa.String(ID), nullable=False),
        sa.Column("batch_id", sa.String(ID), nullable=False),
        sa.Column("reason", sa.String(100), nullable=False),
        sa.Column("op", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(ID), nullable=True),
        sa.Column("family_id", sa.String(ID), nullable=True, index=True),
        sa.Column("worker_id", sa.String(ID), nullable=True),
        sa.Column("device_id", sa.String(ID), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False))


def downgrade() -> None:
    for name in ("audit_log", "quarantine", "sync_counter", "sync_op", "sync_batch",
                 "family_scope", "sync_row", "enrolment_code", "device", "worker", "team"):
        op.drop_table(name)
