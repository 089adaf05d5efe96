"""The audit log becomes a hash chain (SECURITY I2): each row stores hash(previous hash ‖ row),
and audit_head holds the last seq and hash. Rows already there are chained in the order they
were written (time, then id).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from familyworker_server.audit_chain import GENESIS, row_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=True))
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    conn = op.get_bind()
    log = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)),
                   sa.column("seq", sa.BigInteger), *(sa.column(n, sa.String) for n in (
                       "id", "action", "entity", "entity_id", "family_id", "worker_id",
                       "device_id", "detail", "prev_hash", "row_hash")))
    rows = conn.execute(sa.select(log).order_by(log.c.at, log.c.id)).mappings().all()
    previous, updates = GENESIS, []
    for seq, row in enumerate(rows, start=1):
        values = dict(row) | {"seq": seq}
        digest = row_hash(previous, values)
        updates.append({"row": row["id"], "seq": seq, "prev_hash": previous,
                        "row_hash": digest})
        previous = digest
    if updates:
        conn.execute(sa.update(log).where(log.c.id == sa.bindparam("row")).values(
            seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"),
            row_hash=sa.bindparam("row_hash")), updates)
    op.bulk_insert(head, [{"id": 1, "seq": len(rows), "hash": previous}])
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger, nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("row_hash", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_audit_log_seq", ["seq"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_seq", type_="unique")
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    op.drop_table("audit_head")
