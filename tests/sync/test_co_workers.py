"""Co-worker allocations (SYNC §4.7): a worker allocated to a family besides its lead receives
it, works on it, and loses it (purged from the device) when the allocation ends; only a
supervisor of the family's team may allocate, and only from that team."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.services import co_workers
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow, FamilyCoWorkerRow, FamilyRow, OutboxRow


def references(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {r.reference for r in session.exec(select(FamilyRow)).all()}


def narratives(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {n.narrative for n in session.exec(select(ContactNoteRow)).all()}


def north_team(server: Server, tmp_path: Path) -> tuple[str, str, CaseloadStore, str]:
    """Ann (lead) with family FAM-CO synced, Bob (worker), Sue (their supervisor):
    (Bob's id, Sue's id, Ann's laptop, the family id)."""
    team = server.team("North")
    ann, bob = server.worker("Ann", team), server.worker("Bob", team)
    sue = server.worker("Sue", team, role="supervisor")
    ann_laptop = enrolled(server, tmp_path / "ann", ann)
    fid = add_family(ann_laptop, "FAM-CO", "Khan")
    return bob, sue, ann_laptop, fid


def test_a_co_worker_receives_works_on_and_then_loses_the_family(
        server: Server, tmp_path: Path) -> None:
    bob, sue, ann_laptop, fid = north_team(server, tmp_path)
    add_note(ann_laptop, fid, "Mum asked for help with the school run.")
    sync(ann_laptop, server)
    bob_laptop = enrolled(server, tmp_path / "bob", bob)
    sync(bob_laptop, server)
    assert references(bob_laptop) == set()  # not his family yet

    sue_laptop = enrolled(server, tmp_path / "sue", sue)
    sync(sue_laptop, server)
    allocation = co_workers.add_co_worker(sue_laptop, family_id=fid, worker_id=bob)
    with pytest.raises(ValidationError):  # once is enough
        co_workers.add_co_worker(sue_laptop, family_id=fid, worker_id=bob)
    assert sync(sue_laptop, server).rejected == 0

    sync(bob_laptop, server)
    assert references(bob_laptop) == {"FAM-CO"}
    assert narratives(bob_laptop) == {"Mum asked for help with the school run."}
    assert [c.name for c in co_workers.co_workers(bob_laptop, fid)] == ["Bob"]
    add_note(bob_laptop, fid, "Walked to school with the children.")
    assert sync(bob_laptop, server).rejected == 0  # a co-worker may write to the family
    sync(ann_laptop, server)
    assert "Walked to school with the children." in narratives(ann_laptop)

    sync(sue_laptop, server)
    co_workers.end_co_worker(sue_laptop, allocation_id=allocation)
    sync(sue_laptop, server)
    report = sync(bob_laptop, server)
    assert report.purged_families == 1
    assert references(bob_laptop) == set() and narratives(bob_laptop) == set()
    sync(ann_laptop, server)
    assert references(ann_laptop) == {"FAM-CO"}  # the lead keeps it
    for store in (ann_laptop, bob_laptop, sue_laptop):
        store.lock()


def test_only_a_manager_allocates_and_only_from_the_family_team(
        server: Server, tmp_path: Path) -> None:
    north, south = server.team("North"), server.team("South")
    ann, bob = server.worker("Ann", north), server.worker("Bob", north)
    zed = server.worker("Zed", south)
    sue = server.worker("Sue", north, role="supervisor")
    ann_laptop = enrolled(server, tmp_path / "ann", ann)
    fid = add_family(ann_laptop, "FAM-X", "Patel")
    sync(ann_laptop, server)
    with pytest.raises(ValidationError):  # a worker cannot allocate on the device...
        co_workers.add_co_worker(ann_laptop, family_id=fid, worker_id=bob)

    def push_allocation(store: CaseloadStore, worker: str) -> str | None:
        """...nor by writing the row and pushing it: the server refuses it."""
        with store.unit_of_work() as uow:
            uow.add(FamilyCoWorkerRow(id=new_id(), family_id=fid, worker_id=worker,
                                      added_on=date(2026, 12, 1)))
        assert sync(store, server).rejected == 1
        with store.read() as session:
            refused = session.exec(select(OutboxRow).where(
                OutboxRow.table_name == "family_co_worker")).all()
        return refused[-1].rejected_reason if refused else None

    assert push_allocation(ann_laptop, bob) == "forbidden"
    sue_laptop = enrolled(server, tmp_path / "sue", sue)
    sync(sue_laptop, server)
    assert push_allocation(sue_laptop, zed) == "forbidden"  # another team's worker
    with pytest.raises(ValidationError):
        co_workers.add_co_worker(sue_laptop, family_id=fid, worker_id=zed)
    zed_laptop = enrolled(server, tmp_path / "zed", zed)
    sync(zed_laptop, server)
    assert references(zed_laptop) == set()
    for store in (ann_laptop, sue_laptop, zed_laptop):
        store.lock()


def test_a_co_worker_cannot_delete_the_family_but_its_lead_can(
        server: Server, tmp_path: Path) -> None:
    from familyworker.domain.family_deletion import DeletionReason
    from familyworker.services.family_deletion import delete_family

    bob, sue, ann_laptop, fid = north_team(server, tmp_path)
    sync(ann_laptop, server)
    sue_laptop = enrolled(server, tmp_path / "sue", sue)
    sync(sue_laptop, server)
    co_workers.add_co_worker(sue_laptop, family_id=fid, worker_id=bob)
    sync(sue_laptop, server)
    bob_laptop = enrolled(server, tmp_path / "bob", bob)
    sync(bob_laptop, server)
    with bob_laptop.unit_of_work() as uow:  # an older app that let a co-worker delete
        row = uow.session.get(FamilyRow, fid)
        assert row is not None
        uow.delete(row)
    report = sync(bob_laptop, server)
    assert report.rejected == 1
    sync(ann_laptop, server)
    assert references(ann_laptop) == {"FAM-CO"}

    delete_family(ann_laptop, fid, DeletionReason.ADDED_BY_MISTAKE)
    assert sync(ann_laptop, server).rejected == 0
    sync(sue_laptop, server)
    assert references_live(sue_laptop) == set()
    for store in (ann_laptop, bob_laptop, sue_laptop):
        store.lock()


def references_live(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {r.reference for r in session.exec(select(FamilyRow)).all()
                if r.deleted_at is None}
