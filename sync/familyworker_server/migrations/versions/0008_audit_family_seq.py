"""A family's History (issue 16) reads its audit rows newest first a page at a time: an index
on (family_id, seq) serves each page from the index instead of sorting all the family's rows.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_family_seq", "audit_log", ["family_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_family_seq", table_name="audit_log")
