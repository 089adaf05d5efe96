"""A deletion meeting an edit (SYNC §4.4 step 4): the deletion stands on every device, the edit
is kept in a conflict record both workers see, and keeping the edit restores the record
everywhere. An edit made after the device saw the deletion is refused, and kept."""

from pathlib import Path

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import select
from tests.sync.helpers import Server, shared_family, sync
from tests.sync.test_cli_sync import client, run

from familyworker.services import families
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow, OutboxRow
from familyworker.sync.conflicts import list_conflicts, resolve_conflict
from familyworker.sync.protocol import DELETED_VALUE, WHOLE_RECORD
from familyworker_server import models


def _family(store: CaseloadStore, fid: str) -> FamilyRow:
    with store.read() as session:
        row = session.get(FamilyRow, fid)
    assert row is not None
    return row


def _delete(store: CaseloadStore, fid: str) -> None:
    with store.unit_of_work() as uow:
        row = uow.session.get(FamilyRow, fid)
        assert row is not None
        uow.delete(row)


def _settle(server: Server, *stores: CaseloadStore) -> None:
    for _ in range(2):
        for store in stores:
            sync(store, server)


def _server_row(server: Server, fid: str) -> tuple[bool, str]:
    c = models.sync_row.c
    with server.engine.connect() as conn:
        row = conn.execute(sa_select(c.deleted, c.data).where(
            (c.table_name == "family") & (c.row_id == fid))).one()
    return bool(row.deleted), str(row.data)


def test_an_edit_reaching_a_deleted_record_is_kept_in_a_conflict_and_restores_it(
        server: Server, tmp_path: Path) -> None:
    a, b, fid = shared_family(server, tmp_path)
    families.update_family(a, fid, address="Flat 2, 1 High Street")  # offline on A
    _delete(b, fid)  # offline on B, which never saw the new address
    sync(b, server)
    report = sync(a, server)  # A's edit arrives after the deletion
    assert report.conflicts_found == 1
    _settle(server, a, b)
    for device in (a, b):  # the deletion stands everywhere...
        assert _family(device, fid).deleted_at is not None
    [on_a], [on_b] = list_conflicts(a), list_conflicts(b)
    assert on_a.id == on_b.id and on_a.is_deletion and on_a.field == WHOLE_RECORD
    # ...and each worker sees the other side: A its edit, B its deletion.
    assert on_a.mine == {"address": "Flat 2, 1 High Street"} and on_a.theirs == DELETED_VALUE
    assert on_b.mine == DELETED_VALUE and on_b.theirs == {"address": "Flat 2, 1 High Street"}
    assert not on_a.mergeable

    resolve_conflict(a, on_a.id, keep="mine")  # keep the edit: the family comes back
    assert _family(a, fid).deleted_at is None
    _settle(server, a, b)
    for device in (a, b):
        row = _family(device, fid)
        assert row.deleted_at is None and row.address == "Flat 2, 1 High Street"
        assert list_conflicts(device) == []
    deleted, data = _server_row(server, fid)
    assert not deleted and "Flat 2, 1 High Street" in data


def test_a_deletion_of_edits_the_deleting_device_had_not_seen_records_them(
        server: Server, tmp_path: Path) -> None:
    a, b, fid = shared_family(server, tmp_path)
    families.update_family(a, fid, household_name="Smith-Jones", postcode="ZZ9 9ZZ")
    sync(a, server)  # the edit reaches the server first
    _delete(b, fid)  # B deletes without having pulled it
    assert sync(b, server).conflicts_found == 1
    _settle(server, a, b)
    [conflict] = list_conflicts(b)
    assert conflict.mine == DELETED_VALUE
    assert conflict.theirs == {"household_name": "Smith-Jones", "postcode": "ZZ9 9ZZ"}
    assert _family(a, fid).deleted_at is not None

    resolve_conflict(b, conflict.id, keep="mine")  # B keeps its deletion
    _settle(server, a, b)
    for device in (a, b):
        assert _family(device, fid).deleted_at is not None
        assert list_conflicts(device) == []
    assert _server_row(server, fid)[0]


def test_a_deletion_after_seeing_every_edit_is_no_conflict(
        sqlite_server: Server, tmp_path: Path) -> None:
    a, b, fid = shared_family(sqlite_server, tmp_path)
    families.update_family(a, fid, address="1 New Road")
    _settle(sqlite_server, a, b)
    _delete(b, fid)
    assert sync(b, sqlite_server).conflicts_found == 0
    sync(a, sqlite_server)
    assert _family(a, fid).deleted_at is not None
    assert list_conflicts(a) == list_conflicts(b) == []


def test_an_edit_after_the_device_saw_the_deletion_is_refused_and_kept(
        sqlite_server: Server, tmp_path: Path) -> None:
    a, b, fid = shared_family(sqlite_server, tmp_path)
    _delete(b, fid)
    _settle(sqlite_server, b, a)
    with a.unit_of_work() as uow:  # (the app offers no edit of a deleted record)
        row = uow.session.get(FamilyRow, fid)
        assert row is not None and row.deleted_at is not None
        uow.update(row, {"address": "Typed after the deletion"})
    report = sync(a, sqlite_server)
    assert report.rejected == 1 and report.conflicts_found == 0
    with a.read() as session:
        [kept] = session.exec(select(OutboxRow).where(OutboxRow.rejected_reason == "deleted"))
    assert kept.fields == {"address": "Typed after the deletion"}
    assert _server_row(sqlite_server, fid)[0]


def test_a_later_deletion_wins_over_an_earlier_restore(
        sqlite_server: Server, tmp_path: Path) -> None:
    a, b, fid = shared_family(sqlite_server, tmp_path)
    families.update_family(a, fid, address="2 Side Street")
    _delete(b, fid)
    _settle(sqlite_server, b, a)
    [conflict] = list_conflicts(a)
    resolve_conflict(a, conflict.id, keep="mine")  # A restores...
    _settle(sqlite_server, a, b)
    assert _family(b, fid).deleted_at is None  # ...and B sees it back
    _delete(b, fid)  # then B deletes it again, knowingly
    _settle(sqlite_server, b, a)
    for device in (a, b):
        assert _family(device, fid).deleted_at is not None
    assert _server_row(sqlite_server, fid)[0]


def test_the_cli_lists_a_deletion_conflict_in_words_and_restores_it(
        sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, fid = shared_family(sqlite_server, tmp_path)
    families.update_family(a, fid, address="Flat 2, 1 High Street")
    _delete(b, fid)
    _settle(sqlite_server, b, a)
    a.lock()
    code, out, _ = run(capsys, monkeypatch, *client(["conflicts"], tmp_path / "a"))
    assert code == 0
    [conflict_id] = [line.split()[0] for line in out.splitlines() if "deleted and changed" in line]
    assert "mine:   changed address='Flat 2, 1 High Street'" in out
    assert "theirs: deleted" in out
    code, out, _ = run(capsys, monkeypatch, *client(
        ["resolve-conflict", conflict_id, "--keep", "mine"], tmp_path / "a"))
    assert code == 0 and "the record is restored" in out
