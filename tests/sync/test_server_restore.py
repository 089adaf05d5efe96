"""A laptop meets a server restored from a backup (its epoch changed): it re-sends its own
changes and downloads again, also when it has to connect again first (its refresh token
was renewed after the backup), and it does not skip rows numbered below its old cursor."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.sync.helpers import (
    SERVER_URL,
    add_family,
    add_note,
    enrolled,
    make_server,
    sync,
)

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync import credentials
from familyworker.sync.client import TokenUnknown
from familyworker.sync.engine import SETTING_SERVER_EPOCH, enrol, is_enrolled
from familyworker.sync.page_apply import SETTING_CURSOR
from familyworker_server import accounts, backup
from familyworker_server.config import ServerSettings


def _notes(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {str(i) for i in session.execute(text(
            "SELECT id FROM contact_note WHERE deleted_at IS NULL")).scalars()}


def test_reconnecting_to_a_restored_server_still_resyncs(tmp_path: Path) -> None:
    live, restored, saved = tmp_path / "live", tmp_path / "restored", tmp_path / "fw.bak"
    with make_server("sqlite", live) as server:
        ann = server.worker("Ann", server.team("North"))
        a = enrolled(server, tmp_path / "a", ann)
        b = enrolled(server, tmp_path / "b", ann)
        family = add_family(a, "FAM-1", "Smith")
        early = add_note(a, family, "before the backup")
        sync(a, server)
        sync(b, server)
        old_epoch = b.setting(SETTING_SERVER_EPOCH)
        assert old_epoch
        backup.backup(ServerSettings(data_dir=live), saved)
        lost = [add_note(a, family, f"after the backup {n}") for n in range(3)]
        sync(a, server)
        # b's access token runs out, so this sync renews b's token pair: the backup never
        # saw the new one.
        held = credentials.load(b)
        assert held is not None
        credentials.save(b, replace(held, access_expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
        sync(b, server)  # b's cursor is now past everything the backup holds
        assert credentials.load(b) != held
        cursor_before = int(b.setting(SETTING_CURSOR))
        with server.engine.connect() as conn:
            top_before = conn.execute(text("SELECT value FROM sync_counter")).scalar_one()
    backup.restore(ServerSettings(data_dir=restored), saved)

    with make_server("sqlite", restored) as server:
        # b's tokens are unknown to the restored server: it is told to connect again (nothing
        # deleted), and the restored server accepts it back with a new code.
        with pytest.raises(TokenUnknown):
            sync(b, server)
        assert not is_enrolled(b)
        enrol(b, server_url=SERVER_URL, code=accounts.new_enrolment_code(
            server.engine, worker=ann), http=server.client)
        assert b.setting(SETTING_SERVER_EPOCH) == old_epoch  # kept until the resync
        with server.engine.connect() as conn:
            # The restored numbering is behind b's cursor: new rows get numbers b has passed.
            assert conn.execute(text("SELECT value FROM sync_counter")).scalar_one() < \
                cursor_before <= top_before
        fresh = add_note(b, family, "after the restore, from b")
        report = sync(b, server)
        assert report.resynced
        assert b.setting(SETTING_SERVER_EPOCH) != old_epoch
        report = sync(a, server)
        assert report.resynced  # a re-sends the notes the server lost
        sync(b, server)
        everything = {early, fresh, *lost}
        assert _notes(a) == _notes(b) == everything
        with server.engine.connect() as conn:
            rows = conn.execute(text("SELECT row_id FROM sync_row "
                                     "WHERE table_name = 'contact_note'")).scalars().all()
        assert sorted(rows) == sorted(everything)


def test_first_epoch_is_kept_without_a_resync(tmp_path: Path) -> None:
    """A caseload from before epochs (none stored) takes the first one it sees quietly."""
    with make_server("sqlite", tmp_path / "server") as server:
        a = enrolled(server, tmp_path / "a", server.worker("Ann", server.team("North")))
        a.set_setting(SETTING_SERVER_EPOCH, None)
        add_family(a, "FAM-1")
        assert not sync(a, server).resynced
        assert a.setting(SETTING_SERVER_EPOCH)


@pytest.mark.parametrize("bad", ["not-sqlite", "pg"])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, bad: str) -> None:
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"PGDMP..." if bad == "pg" else b"hello, not a database")
    with pytest.raises(accounts.AdminError, match="is not an SQLite backup"):
        backup.restore(ServerSettings(data_dir=tmp_path / "target"), junk)
    assert not (tmp_path / "target" / "familyworker-server.db").exists()
