"""Tombstone GC (SYNC §4.8): the highest ``server_seq`` of a purged deletion record.

A device whose cursor is below it may have missed a deletion that is no longer kept, so its
pulls are answered ``410 resync_scope`` and it downloads its caseload again.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_counter") as batch:
        batch.add_column(sa.Column("tombstone_horizon", sa.BigInteger, nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("sync_counter") as batch:
        batch.drop_column("tombstone_horizon")
