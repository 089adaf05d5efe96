"""Resolving a conflict with a merged text: it becomes the value on every device, the conflict
closes everywhere, and bad merges are refused without changing anything."""

from pathlib import Path

import pytest
from tests.sync.helpers import Server, add_note, shared_family, sync

from familyworker.domain.errors import ValidationError
from familyworker.services import families
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow
from familyworker.sync.conflicts import (
    ConflictView,
    list_conflicts,
    merged_draft,
    resolve_conflict,
)


def _two_devices_in_conflict(server: Server, tmp_path: Path, **edits: tuple[str, str]
                             ) -> tuple[CaseloadStore, CaseloadStore, str]:
    a, b, fid = shared_family(server, tmp_path)
    for field, (on_a, on_b) in edits.items():
        families.update_family(a, fid, **{field: on_a})
        families.update_family(b, fid, **{field: on_b})
    sync(a, server)
    sync(b, server)
    sync(a, server)
    return a, b, fid


def _household(store: CaseloadStore, fid: str) -> FamilyRow:
    with store.read() as session:
        row = session.get(FamilyRow, fid)
    assert row is not None
    return row


def test_merged_text_syncs_to_both_devices_and_closes_the_conflict(
        sqlite_server: Server, tmp_path: Path) -> None:
    a, b, fid = _two_devices_in_conflict(
        sqlite_server, tmp_path, address=("Flat 2, 1 High Street", "1 High St (back door)"))
    [conflict] = list_conflicts(b)
    assert conflict.mergeable
    assert {conflict.mine, conflict.theirs} == {"Flat 2, 1 High Street", "1 High St (back door)"}
    draft = merged_draft(conflict)
    assert conflict.mine in draft and conflict.theirs in draft
    resolve_conflict(b, conflict.id, keep="merged",
                     merged_text="Flat 2, 1 High Street (use the back door)")
    assert list_conflicts(b) == []
    sync(b, sqlite_server)
    sync(a, sqlite_server)
    for device in (a, b):
        assert _household(device, fid).address == "Flat 2, 1 High Street (use the back door)"
        assert list_conflicts(device) == []
        [closed] = list_conflicts(device, include_resolved=True)
        assert closed.resolution == "merged"
    a.lock()
    b.lock()


def test_a_bad_merge_changes_nothing(sqlite_server: Server, tmp_path: Path) -> None:
    a, b, fid = _two_devices_in_conflict(sqlite_server, tmp_path,
                                         household_name=("Smith-Jones", "Smyth"))
    [conflict] = list_conflicts(b)
    before = _household(b, fid).household_name
    with pytest.raises(ValidationError, match="needs the merged text"):
        resolve_conflict(b, conflict.id, keep="merged")
    with pytest.raises(ValidationError, match="longer than"):
        resolve_conflict(b, conflict.id, keep="merged", merged_text="x" * 100_001)
    assert _household(b, fid).household_name == before
    assert [c.id for c in list_conflicts(b)] == [conflict.id]
    resolve_conflict(b, conflict.id, keep="theirs")
    with pytest.raises(ValidationError, match="already been resolved"):
        resolve_conflict(b, conflict.id, keep="mine")
    a.lock()
    b.lock()


def test_only_text_fields_can_be_merged() -> None:
    def view(table: str, field: str, mine: object, theirs: object) -> ConflictView:
        return ConflictView("c", "f", "FAM-1", table, "r", field, mine, theirs, theirs, None)

    assert view("family", "address", "a", None).mergeable
    assert not view("family", "next_visit_due", "2026-01-01", "2026-02-01").mergeable
    assert not view("family", "criteria", ["a"], ["b"]).mergeable
    assert not view("no_such_table", "x", "a", "b").mergeable
    assert merged_draft(view("family", "address", "same ", "same")) == "same "
    assert merged_draft(view("family", "address", "", "theirs")) == "theirs"


def test_notes_never_conflict_so_there_is_nothing_to_merge(
        sqlite_server: Server, tmp_path: Path) -> None:
    a, b, fid = _two_devices_in_conflict(sqlite_server, tmp_path)
    add_note(a, fid, "visit one")
    add_note(b, fid, "visit two")
    for device in (a, b, a):
        sync(device, sqlite_server)
    assert list_conflicts(a) == [] and list_conflicts(b) == []
    a.lock()
    b.lock()
