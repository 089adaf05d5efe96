"""Co-worker allocations as the server's scope sees them: derived from the synced
``family_co_worker`` rows on every push that touches them, read on every request (F3)."""

from sqlalchemy import Column, Index, String, Table

from familyworker_server.models import ID, metadata

# (family, worker) for each active co-worker allocation: the worker receives the family.
family_member = Table(
    "family_member", metadata,
    Column("family_id", String(ID), primary_key=True),
    Column("worker_id", String(ID), primary_key=True),
)
Index("ix_family_member_worker", family_member.c.worker_id)
