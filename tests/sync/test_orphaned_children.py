"""A record added under a family another device deleted is never invisible: the deletion
stands, one conflict both people see names the record, keeping it restores the family with the
record, keeping the deletion leaves the record findable from the conflict (issue: "Sync that
never stops and never drops"). Both orders, one worker's two laptops and two people."""

from pathlib import Path

import pytest
from sqlmodel import select
from tests.sync.helpers import (
    Server,
    add_family,
    add_note,
    enrolled,
    shared_family,
    sync,
    worker_and_supervisor,
)

from familyworker.domain.family_deletion import DeletionReason
from familyworker.services.caseload import list_caseload
from familyworker.services.family_deletion import delete_family
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow, FamilyRow
from familyworker.sync.conflicts import ConflictView, list_conflicts, resolve_conflict
from familyworker.sync.protocol import ADDED_AFTER_DELETION, DELETED_VALUE, WHOLE_RECORD

NOTE = "Visited after school; Mum was upset about the letter."


def _live_references(store: CaseloadStore) -> set[str]:
    return {f.reference for f in list_caseload(store)}


def _note_row(store: CaseloadStore, note_id: str) -> ContactNoteRow | None:
    with store.read() as session:
        return session.get(ContactNoteRow, note_id)


def _settle(server: Server, *stores: CaseloadStore) -> None:
    for _ in range(2):
        for store in stores:
            sync(store, server)


def _only_conflict(store: CaseloadStore, fid: str) -> ConflictView:
    [view] = list_conflicts(store)
    assert (view.table, view.row_id, view.field) == ("family", fid, WHOLE_RECORD)
    return view


def _added_side(view: ConflictView) -> list[dict[str, str]]:
    side = view.theirs if view.mine == DELETED_VALUE else view.mine
    return list(side[ADDED_AFTER_DELETION])


@pytest.mark.parametrize("deletion_first", [True, False], ids=["deletion-first", "note-first"])
def test_a_note_on_a_family_deleted_elsewhere_becomes_a_conflict_and_restores(
        server: Server, tmp_path: Path, deletion_first: bool) -> None:
    a, b, fid = shared_family(server, tmp_path)
    note = add_note(a, fid, NOTE)  # offline on laptop A
    delete_family(b, fid, DeletionReason.ADDED_BY_MISTAKE)  # offline on laptop B
    for store in (b, a) if deletion_first else (a, b):
        sync(store, server)
    _settle(server, a, b)

    for device in (a, b):  # the deletion stands, and both see what it would hide
        assert "FAM-1" not in _live_references(device)
        view = _only_conflict(device, fid)
        assert view.is_deletion
        assert _added_side(view) == [{"table": "contact_note", "row_id": note}]
        kept = _note_row(device, note)
        assert kept is not None and kept.narrative == NOTE  # findable, not lost

    resolve_conflict(b, _only_conflict(b, fid).id,
                     keep="theirs" if _only_conflict(b, fid).mine == DELETED_VALUE else "mine")
    _settle(server, b, a)
    for device in (a, b):
        assert "FAM-1" in _live_references(device)
        assert list_conflicts(device) == []
        restored = _note_row(device, note)
        assert restored is not None and restored.deleted_at is None


def test_across_two_people_keeping_the_deletion_keeps_the_note_findable(
        server: Server, tmp_path: Path) -> None:
    ann, sue = worker_and_supervisor(server)
    ann_laptop = enrolled(server, tmp_path / "ann", ann)
    sue_laptop = enrolled(server, tmp_path / "sue", sue)
    fid = add_family(ann_laptop, "FAM-9", "Khan")
    sync(ann_laptop, server)
    sync(sue_laptop, server)
    delete_family(sue_laptop, fid, DeletionReason.DUPLICATE)  # the supervisor deletes
    sync(sue_laptop, server)
    note = add_note(ann_laptop, fid, NOTE)  # the worker, offline, had written a note
    report = sync(ann_laptop, server)
    assert report.conflicts_found == 1 and report.rejected == 0
    _settle(server, ann_laptop, sue_laptop)
    for device in (ann_laptop, sue_laptop):
        view = _only_conflict(device, fid)
        assert _added_side(view) == [{"table": "contact_note", "row_id": note}]

    view = _only_conflict(sue_laptop, fid)
    resolve_conflict(sue_laptop, view.id, keep="mine" if view.mine == DELETED_VALUE
                     else "theirs")
    _settle(server, sue_laptop, ann_laptop)
    for device in (ann_laptop, sue_laptop):
        assert "FAM-9" not in _live_references(device)
        [resolved] = list_conflicts(device, include_resolved=True)
        assert resolved.resolution is not None
        assert _added_side(resolved) == [{"table": "contact_note", "row_id": note}]
        kept = _note_row(device, note)
        assert kept is not None and kept.narrative == NOTE


def test_a_deletion_after_seeing_the_note_is_no_conflict(server: Server,
                                                         tmp_path: Path) -> None:
    a, b, fid = shared_family(server, tmp_path)
    add_note(a, fid, NOTE)
    sync(a, server)
    sync(b, server)  # B has seen the note
    delete_family(b, fid, DeletionReason.ADDED_BY_MISTAKE)
    assert sync(b, server).conflicts_found == 0
    _settle(server, a, b)
    assert list_conflicts(a) == list_conflicts(b) == []
    with a.read() as session:
        family = session.exec(select(FamilyRow).where(FamilyRow.id == fid)).one()
    assert family.deleted_at is not None


def test_the_added_records_are_named_in_words_never_their_values() -> None:
    from familyworker.views.sync.conflicts_dialog import shown_value

    side = {ADDED_AFTER_DELETION: [{"table": "contact_note", "row_id": "n1"},
                                   {"table": "person", "row_id": "p1"}]}
    text = shown_value(side, whole_record=True)
    assert text.startswith("Added to it after it was deleted:")
    assert "Contact note" in text and "Household member" in text
