"""A damaged caseload (SECURITY A13, issue "a flipped byte"): set aside, its unsent changes
saved sealed with its key, every command telling the same story, and recovery putting back
what was saved - once, even when the recovery itself is killed half way."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from tests.cli.test_caseload_cli import run
from tests.conftest import TEST_PASSPHRASE

from familyworker.services import families, recovery
from familyworker.store import database, keys
from familyworker.store.caseload_store import SETTING_RECOVERY_PENDING, CaseloadStore
from familyworker.store.errors import CorruptDatabase, WrongPassphrase
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.paths import StorePaths
from familyworker.store.salvage import SALVAGE_FILE
from familyworker.store.server_address import remember_server
from familyworker.store.set_aside import CaseloadSetAside
from familyworker.store.tables import AuditEventRow, FamilyRow, OutboxRow

PAGE = 4096


@pytest.fixture
def caseload(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "c"
    store = CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    try:
        for i in range(40):
            families.add_family(store, reference=f"FAM-{i:03d}",
                                household_name=f"The Canary{i} family", postcode="LS1 4AB",
                                referred_on=date(2026, 11, 1))
    finally:
        store.lock()
    yield data_dir


def _damage_page_of(data_dir: Path, index_name: str) -> None:
    """Flip one byte in the root page of ``index_name`` (an index of the family table, so the
    outbox's own pages stay readable)."""
    paths = StorePaths(data_dir)
    key = keys.unwrap_data_key(keys.read_key_file(paths.key_file), TEST_PASSPHRASE)
    conn = database.connect(paths.database, key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                        (index_name,)).fetchone()[0]
    conn.close()
    raw = bytearray(paths.database.read_bytes())
    raw[(root - 1) * PAGE + 200] ^= 0xFF
    paths.database.write_bytes(bytes(raw))


def _outbox_ops(store: CaseloadStore) -> list[str]:
    with store.read() as session:
        return [r.op_id for r in session.exec(select(OutboxRow).order_by(OutboxRow.seq)).all()]


def test_a_flipped_byte_saves_the_unsent_changes_and_recovery_rebuilds_the_caseload(
        caseload: Path) -> None:
    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    before = _outbox_ops(store)
    store.lock()
    _damage_page_of(caseload, "ix_family_reference")

    with pytest.raises(CorruptDatabase) as raised:
        CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    message = str(raised.value)
    assert f"{len(before)} unsent changes were saved" in message
    # Never enrolled: no talk of the organisation restoring it; the truth instead.
    assert "never connected to an organisation's server" in message
    assert "Canary" not in message
    sealed = list((caseload / "quarantine").rglob(SALVAGE_FILE))
    assert len(sealed) == 1
    assert b"Canary" not in sealed[0].read_bytes()  # sealed with the caseload's key

    # Every command now tells the same story (it used to be "init" against "exists").
    with pytest.raises(CaseloadSetAside, match="Recover"):
        CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    with pytest.raises(CaseloadSetAside, match="Recover"):
        CaseloadStore.create(caseload, TEST_PASSPHRASE, kdf=KDF_FLOOR)

    with pytest.raises(WrongPassphrase):
        recovery.recover_caseload(caseload, "not the passphrase at all")
    recovered = recovery.recover_caseload(caseload, TEST_PASSPHRASE)
    try:
        assert (recovered.changes_saved, recovered.enrolled) == (len(before), False)
        assert _outbox_ops(recovered.store) == before  # the same ops: nothing sent twice
        with recovered.store.read() as session:
            rows = session.exec(select(FamilyRow)).all()
        assert sorted(r.reference for r in rows) == [f"FAM-{i:03d}" for i in range(40)]
        assert all(r.server_seq is None for r in rows)
        with recovered.store.read() as session:  # the device's own audit trail came back too
            assert len(session.exec(select(AuditEventRow)).all()) == 40
        assert recovered.store.setting(SETTING_RECOVERY_PENDING) is None
    finally:
        recovered.store.lock()
    # And it opens as an ordinary caseload again.
    CaseloadStore.unlock(caseload, TEST_PASSPHRASE).lock()


def test_enrolled_says_the_families_come_back_from_the_server(caseload: Path) -> None:
    remember_server(StorePaths(caseload), "https://sync.example.org")
    _damage_page_of(caseload, "ix_family_reference")
    with pytest.raises(CorruptDatabase) as raised:
        CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    assert "downloaded again from your organisation's server" in str(raised.value)
    assert "never connected" not in str(raised.value)


def test_a_recovery_killed_half_way_finishes_when_run_again(
        caseload: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    before = _outbox_ops(store)
    store.lock()
    _damage_page_of(caseload, "ix_family_reference")
    with pytest.raises(CorruptDatabase):
        CaseloadStore.unlock(caseload, TEST_PASSPHRASE)

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the process stops inside the putting back

    monkeypatch.setattr(recovery, "merge_rows", killed)
    with pytest.raises(KeyboardInterrupt):
        recovery.recover_caseload(caseload, TEST_PASSPHRASE)
    monkeypatch.undo()
    # The new database is in place but marked: the second run finishes the job, once.
    recovered = recovery.recover_caseload(caseload, TEST_PASSPHRASE)
    try:
        assert _outbox_ops(recovered.store) == before
        with recovered.store.read() as session:
            assert len(session.exec(select(FamilyRow)).all()) == 40
    finally:
        recovered.store.lock()
    with pytest.raises(Exception, match="nothing to recover"):
        recovery.recover_caseload(caseload, TEST_PASSPHRASE)


def test_the_cli_reports_and_recovers_in_plain_words(caseload: Path) -> None:
    _damage_page_of(caseload, "ix_family_reference")
    common = ("--data-dir", str(caseload), "--passphrase-stdin")
    listed = run("list-families", *common)
    assert listed.returncode == 1
    assert "set aside" in listed.stderr and "Traceback" not in listed.stderr
    again = run("list-families", *common)
    assert again.returncode == 1 and "familyworker recover" in again.stderr
    init = run("init", *common)
    assert init.returncode != 0 and "familyworker recover" in init.stderr
    recovered = run("recover", *common)
    assert recovered.returncode == 0, recovered.stderr
    assert "40 records rebuilt" in recovered.stdout
    assert "never connected to a server" in recovered.stdout
    assert "40 records rebuilt" in recovered.stdout
    listed = run("list-families", *common)
    assert listed.returncode == 0 and "FAM-039" in listed.stdout
