"""Device credentials: rotated refresh tokens and short-lived access tokens (E1).

Each existing device token moves to ``device_token`` as a "legacy" credential (its hash only): it
keeps working as a bearer until the device first exchanges it at /token, which rotates it like a
refresh token. ``device.token_hash`` goes.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "device_token",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(ID), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("INSERT INTO device_token (token_hash, device_id, kind, generation, issued_at) "
               "SELECT token_hash, id, 'legacy', 0, created_at FROM device")
    # Batch mode: SQLite rebuilds the table (it cannot drop a column with a constraint).
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("token_generation", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("tokens_revoked_at", sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("tokens_revoked_reason", sa.String(20), nullable=True))
        batch.drop_column("token_hash")


def downgrade() -> None:
    # Only a device still holding its legacy token can go back; the others must enrol again.
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("token_hash", sa.String(64), nullable=True))
        batch.drop_column("tokens_revoked_reason")
        batch.drop_column("tokens_revoked_at")
        batch.drop_column("token_generation")
    op.execute("UPDATE device SET token_hash = (SELECT t.token_hash FROM device_token t "
               "WHERE t.device_id = device.id AND t.kind = 'legacy' AND t.used_at IS NULL)")
    op.drop_table("device_token")
