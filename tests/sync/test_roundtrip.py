"""Two devices and a supervisor through the real client engine and the server app."""

import json
from pathlib import Path

from sqlmodel import select
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.services import families
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow, FamilyRow
from familyworker.sync.conflicts import list_conflicts, resolve_conflict


def family_names(store: CaseloadStore) -> dict[str, str]:
    with store.read() as session:
        return {r.reference: r.household_name for r in session.exec(select(FamilyRow)).all()}


def test_offline_family_reaches_a_second_device_of_the_same_worker(
        server: Server, tmp_path: Path) -> None:
    team = server.team("North")
    ann = server.worker("Ann", team)
    laptop = enrolled(server, tmp_path / "a", ann)
    fid = add_family(laptop, "FAM-1", "Smith")
    add_note(laptop, fid, "Both children present; kitchen warm.")
    report = sync(laptop, server)
    assert report.pushed >= 2 and report.rejected == 0
    tablet = enrolled(server, tmp_path / "b", ann)
    sync(tablet, server)
    assert family_names(tablet) == {"FAM-1": "Smith"}
    with tablet.read() as session:
        narratives = [n.narrative for n in session.exec(select(ContactNoteRow)).all()]
        family = session.get(FamilyRow, fid)
    assert narratives == ["Both children present; kitchen warm."]
    assert family is not None and family.lead_worker_id == ann and family.team_id == team
    laptop.lock()
    tablet.lock()


def test_different_fields_both_survive_and_same_field_makes_a_conflict(
        server: Server, tmp_path: Path) -> None:
    team = server.team("North")
    ann = server.worker("Ann", team)
    a = enrolled(server, tmp_path / "a", ann)
    b = enrolled(server, tmp_path / "b", ann)
    fid = add_family(a, "FAM-1", "Smith")
    sync(a, server)
    sync(b, server)
    families.update_family(a, fid, address="1 High Street", household_name="Smith-Jones")
    families.update_family(b, fid, postcode="ZZ9 9ZZ", household_name="Smyth")
    sync(a, server)
    report = sync(b, server)
    assert report.conflicts_found == 1
    sync(a, server)
    for device in (a, b):
        with device.read() as session:
            row = session.get(FamilyRow, fid)
            assert row is not None
            assert (row.address, row.postcode) == ("1 High Street", "ZZ9 9ZZ")
            assert row.household_name == "Smyth"  # b's edit carries the later stamp
    conflicts_a = list_conflicts(a)
    assert len(conflicts_a) == 1
    assert (conflicts_a[0].mine, conflicts_a[0].theirs) == ("Smith-Jones", "Smyth")
    resolve_conflict(a, conflicts_a[0].id, keep="mine")
    sync(a, server)
    sync(b, server)
    for device in (a, b):
        assert family_names(device) == {"FAM-1": "Smith-Jones"}
        assert list_conflicts(device) == []
    a.lock()
    b.lock()


def test_supervisor_sees_team_and_reallocation_moves_the_family(
        server: Server, tmp_path: Path) -> None:
    team = server.team("North")
    ann = server.worker("Ann", team)
    bob = server.worker("Bob", team)
    sue = server.worker("Sue", team, role="supervisor")
    a = enrolled(server, tmp_path / "a", ann)
    b = enrolled(server, tmp_path / "b", bob)
    s = enrolled(server, tmp_path / "s", sue)
    fid = add_family(a, "FAM-7", "ZEBEDEE-CANARY-7731")
    add_note(a, fid, "Visit note")
    sync(a, server)
    sync(s, server)
    assert family_names(s) == {"FAM-7": "ZEBEDEE-CANARY-7731"}
    sync(b, server)
    assert family_names(b) == {}
    families.update_family(s, fid, lead_worker_id=bob)
    sync(s, server)
    report = sync(a, server)
    assert report.purged_families == 1
    assert family_names(a) == {}
    with a.read() as session:
        assert session.exec(select(ContactNoteRow)).all() == []
    sync(b, server)
    assert family_names(b) == {"FAM-7": "ZEBEDEE-CANARY-7731"}
    with b.read() as session:
        assert len(session.exec(select(ContactNoteRow)).all()) == 1
    for store in (a, b, s):
        store.lock()
    _ = json
