"""Co-worker allocations in scope (SYNC §4.7): ``family_member`` (family, worker) pairs,
derived from the synced ``family_co_worker`` rows.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "family_member",
        sa.Column("family_id", sa.String(ID), primary_key=True),
        sa.Column("worker_id", sa.String(ID), primary_key=True),
    )
    op.create_index("ix_family_member_worker", "family_member", ["worker_id"])


def downgrade() -> None:
    op.drop_index("ix_family_member_worker", table_name="family_member")
    op.drop_table("family_member")
