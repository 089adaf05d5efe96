"""Roles on the server: supervisors read and manage their team only, admins the whole service;
a re-allocated family moves from one worker's device to the other's (SQLite and PostgreSQL)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.services import allocation, families
from familyworker.services.oversight import add_oversight_note
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    ContactNoteRow,
    FamilyRow,
    OutboxRow,
    OversightNoteRow,
    WorkerRow,
)


@dataclass
class Service:
    server: Server
    ids: dict[str, str]  # worker name -> worker id
    teams: dict[str, str]
    devices: dict[str, CaseloadStore]
    families: dict[str, str]  # reference -> family id


@pytest.fixture
def service(server: Server, tmp_path: Path) -> Iterator[Service]:
    north, south = server.team("North"), server.team("South")
    ids = {"ann": server.worker("Ann", north), "bob": server.worker("Bob", north),
           "sue": server.worker("Sue", north, "supervisor"),
           "zed": server.worker("Zed", south), "sam": server.worker("Sam", south, "supervisor"),
           "cat": server.worker("Cat", None, "admin")}
    devices = {name: enrolled(server, tmp_path / name, wid, fast=True)
               for name, wid in ids.items()}
    fams = {"N-1": add_family(devices["ann"], "N-1"), "N-2": add_family(devices["bob"], "N-2"),
            "S-1": add_family(devices["zed"], "S-1")}
    add_note(devices["ann"], fams["N-1"], "First visit.")
    for name in ("ann", "bob", "zed"):
        sync(devices[name], server)
    for name in ("sue", "sam", "cat"):
        sync(devices[name], server)
    yield Service(server, ids, {"north": north, "south": south}, devices, fams)
    for store in devices.values():
        store.lock()


def references(store: CaseloadStore) -> list[str]:
    with store.read() as session:
        return sorted(r.reference for r in session.exec(select(FamilyRow)).all())


def worker_names(store: CaseloadStore) -> list[str]:
    with store.read() as session:
        return sorted(r.name for r in session.exec(select(WorkerRow)).all())


def test_supervisors_read_their_team_only_and_admins_everything(service: Service) -> None:
    d = service.devices
    assert references(d["ann"]) == ["N-1"]
    assert references(d["bob"]) == ["N-2"]
    assert references(d["sue"]) == ["N-1", "N-2"]
    assert references(d["sam"]) == ["S-1"]
    assert references(d["cat"]) == ["N-1", "N-2", "S-1"]
    # Worker records travel with the team (names for the team view), all of them to admins.
    assert worker_names(d["sue"]) == ["Ann", "Bob", "Sue"]
    assert worker_names(d["sam"]) == ["Sam", "Zed"]
    assert set(worker_names(d["cat"])) >= {"Ann", "Bob", "Sue", "Sam", "Zed"}


def test_a_supervisor_cannot_write_into_another_team(service: Service) -> None:
    """Sam (South) copies a North family's id into an oversight op: the server refuses it."""
    d, north_family = service.devices, service.families["N-1"]
    sam = d["sam"]
    # Forge the family locally on Sam's device (as a tampered client could) and write to it.
    with sam.unit_of_work() as uow:
        uow.session.add(FamilyRow(id=north_family, family_id=north_family,
                                  reference="N-1", household_name="x"))
    add_oversight_note(sam, family_id=north_family, decision="Close the case.")
    report = sync(sam, service.server)
    assert report.rejected == 1
    sync(d["sue"], service.server)
    sync(d["ann"], service.server)
    for name in ("sue", "ann", "cat"):
        with d[name].read() as session:
            assert session.exec(select(OversightNoteRow)).all() == [], name


def test_an_admin_may_write_to_any_team(service: Service) -> None:
    d = service.devices
    add_oversight_note(d["cat"], family_id=service.families["S-1"], decision="Audit: fine.")
    assert sync(d["cat"], service.server).rejected == 0
    sync(d["zed"], service.server)
    with d["zed"].read() as session:
        assert [r.decision for r in session.exec(select(OversightNoteRow)).all()] == [
            "Audit: fine."]


def test_reallocation_moves_the_family_and_its_history_between_devices(
        service: Service) -> None:
    d, fid = service.devices, service.families["N-1"]
    bob_cursor_before = d["bob"].setting("sync_cursor")
    assert bob_cursor_before > 0  # Bob has synced before: only re-stamping can bring old rows
    allocation.reallocate(d["sue"], family_id=fid, worker_id=service.ids["bob"])
    assert sync(d["sue"], service.server).rejected == 0
    report = sync(d["ann"], service.server)
    assert report.purged_families == 1 and references(d["ann"]) == []
    with d["ann"].read() as session:
        assert session.exec(select(ContactNoteRow)).all() == []
    sync(d["bob"], service.server)
    assert references(d["bob"]) == ["N-1", "N-2"]
    with d["bob"].read() as session:
        # The note was written before the move and before Bob's last sync: re-stamped for him.
        assert [n.narrative for n in session.exec(select(ContactNoteRow)).all()] == [
            "First visit."]
        family = session.get(FamilyRow, fid)
    assert family is not None and family.lead_worker_id == service.ids["bob"]
    # Bob can now work on it, and Ann's device no longer may.
    families.update_family(d["bob"], fid, postcode="LS9 9ZZ")
    assert sync(d["bob"], service.server).rejected == 0


def test_a_worker_cannot_reallocate_their_own_family(service: Service) -> None:
    """A forged lead_worker_id from a worker's device is ignored by the server."""
    ann, fid = service.devices["ann"], service.families["N-1"]
    with ann.unit_of_work() as uow:
        row = uow.session.get(FamilyRow, fid)
        assert row is not None
        uow.update(row, {"lead_worker_id": service.ids["bob"]})
    sync(ann, service.server)
    sync(service.devices["bob"], service.server)
    assert references(service.devices["bob"]) == ["N-2"]
    with ann.read() as session:
        assert session.exec(select(OutboxRow).where(OutboxRow.table_name == "family")).all() \
            == []


def test_a_supervisor_cannot_hand_a_family_to_another_teams_worker(service: Service) -> None:
    sue, fid = service.devices["sue"], service.families["N-1"]
    with sue.unit_of_work() as uow:  # bypasses allocation.reallocate's own team check
        row = uow.session.get(FamilyRow, fid)
        assert row is not None
        uow.update(row, {"lead_worker_id": service.ids["zed"]})
    sync(sue, service.server)
    sync(service.devices["zed"], service.server)
    assert references(service.devices["zed"]) == ["S-1"]
