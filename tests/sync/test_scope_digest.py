"""The digest of the families held on a device, built by SQLite, is the protocol's digest of the
same ids (the server's, compared on every pass to decide whether anything must leave)."""

import uuid
from datetime import date
from pathlib import Path

from tests.sync.helpers import new_store

from familyworker.store.tables import FamilyRow
from familyworker.sync import protocol
from familyworker.sync.engine import local_scope_hash


def test_the_local_digest_matches_the_protocols(tmp_path: Path) -> None:
    store = new_store(tmp_path / "a")
    assert local_scope_hash(store) == protocol.scope_hash([])
    # Inserted out of order, and not time-ordered, as ids from other devices arrive.
    ids = [str(uuid.uuid4()) for _ in range(50)]
    with store.unit_of_work() as uow:
        for number, family_id in enumerate(ids):
            uow.add(FamilyRow(id=family_id, family_id=family_id, reference=f"FAM-{number}",
                              household_name="Household", referred_on=date(2024, 1, 1),
                              lead_worker_id=store.worker_id), audit=False)
    assert sorted(ids) != ids
    assert local_scope_hash(store) == protocol.scope_hash(ids)
    assert local_scope_hash(store) != protocol.scope_hash(ids[1:])
    store.lock()
