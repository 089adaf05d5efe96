"""SECURITY.md A1–A9, A13, A14, K1–K3 for the local store."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tests.conftest import CANARY, TEST_PASSPHRASE

from familyworker.services.families import add_family, add_person
from familyworker.store import database, keys
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import (
    CaseloadExists,
    CaseloadInUse,
    CorruptDatabase,
    KeyFileInvalid,
    NotEncrypted,
    WrongPassphrase,
)
from familyworker.store.keys import KDF_FLOOR, KdfParams, KeyFile, derive_kek
from familyworker.store.paths import StorePaths


def _file_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _contains_canary(folder: Path) -> list[str]:
    needles = [CANARY.encode("utf-8"), CANARY.encode("utf-16-le")]
    return [str(p) for p in folder.rglob("*") if p.is_file()
            and any(n in p.read_bytes() for n in needles)]


def test_a1_database_is_not_readable_by_plain_sqlite(store: CaseloadStore, data_dir: Path) -> None:
    add_family(store, reference="FAM-1", household_name=CANARY, postcode="LS1 4AB")
    conn = store.raw_connection()
    assert conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    head = StorePaths(data_dir).database.read_bytes()[:16]
    assert head != database.SQLITE_HEADER
    plain = sqlite3.connect(StorePaths(data_dir).database)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        plain.execute("SELECT * FROM sqlite_master").fetchall()
    plain.close()


def test_a1_refuses_a_plaintext_database(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    with pytest.raises(NotEncrypted):
        database.connect(path, keys.new_data_key())


def test_a2_no_plaintext_anywhere_under_the_data_dir(store: CaseloadStore, data_dir: Path) -> None:
    family = add_family(store, reference="FAM-7731", household_name=CANARY, postcode="LS1 4AB",
                        address=f"1 {CANARY} Road")
    for i in range(50):
        add_person(store, family.id, name=f"{CANARY} child {i}")
    # Before lock: database, -wal and -shm are all live on disk.
    assert (data_dir / "caseload.db-wal").exists()
    assert _contains_canary(data_dir) == []
    store.lock()
    assert _contains_canary(data_dir) == []


def test_a3_temp_store_in_memory(store: CaseloadStore) -> None:
    conn = store.raw_connection()
    try:
        options = database.compile_options(conn)
        assert any(o in ("TEMP_STORE=2", "TEMP_STORE=3") for o in options)
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2
    finally:
        conn.close()


def test_a4_k1_cipher_and_durability_settings_are_pinned(store: CaseloadStore) -> None:
    conn = store.raw_connection()
    try:
        assert database.verify_settings(conn) == []
        live = database.read_pragmas(conn)
        assert live["cipher_page_size"] == "4096"
        assert live["cipher_hmac_algorithm"] == "HMAC_SHA512"
        assert live["cipher_plaintext_header_size"] == "0"
        assert live["secure_delete"] == "1"
        assert live["journal_mode"] == "wal"
        assert live["synchronous"] == "2"  # FULL
    finally:
        conn.close()


def test_a5_wrong_passphrase_changes_nothing(store: CaseloadStore, data_dir: Path,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    add_family(store, reference="FAM-1", household_name=CANARY, postcode="LS1 4AB")
    store.lock()
    before = _file_hashes(data_dir)
    with pytest.raises(WrongPassphrase, match=r"^Passphrase not recognised\.$"):
        CaseloadStore.unlock(data_dir, "not the passphrase at all")
    assert _file_hashes(data_dir) == before
    # A14: SQLCipher printed nothing.
    captured = capfd.readouterr()
    assert "hmac" not in captured.err.lower() and captured.err == ""


def test_a14_wrong_raw_key_prints_nothing(store: CaseloadStore, data_dir: Path,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    store.lock()
    with pytest.raises(WrongPassphrase):
        database.connect(StorePaths(data_dir).database, bytes(32))
    assert capfd.readouterr().err == ""


def test_a6_key_blob_is_bound_to_user_device_and_unmodified(store: CaseloadStore,
                                                            data_dir: Path) -> None:
    store.lock()
    key_file = keys.read_key_file(StorePaths(data_dir).key_file)
    # The right passphrase unwraps, and the data key opens the database.
    data_key = keys.unwrap_data_key(key_file, TEST_PASSPHRASE)
    database.connect(StorePaths(data_dir).database, data_key).close()

    def try_unwrap(blob: KeyFile) -> None:
        kek = derive_kek(TEST_PASSPHRASE, salt=blob.salt, params=blob.kdf,
                         user_id=blob.user_id, device_id=blob.device_id)
        AESGCM(kek).decrypt(blob.nonce, blob.wrapped_key, blob.associated_data())

    with pytest.raises(InvalidTag):
        try_unwrap(replace(key_file, device_id="another-device"))
    with pytest.raises(InvalidTag):
        try_unwrap(replace(key_file, user_id="someone-else"))
    flipped = bytearray(key_file.wrapped_key)
    flipped[5] ^= 0x01
    tampered = replace(key_file, wrapped_key=bytes(flipped))
    with pytest.raises(WrongPassphrase):
        keys.unwrap_data_key(tampered, TEST_PASSPHRASE)


def test_a7_kdf_floor_enforced_and_recorded(store: CaseloadStore, data_dir: Path) -> None:
    defaults = KdfParams()
    assert defaults.memory_kib >= 65_536 and defaults.iterations >= 3 and defaults.lanes >= 4
    store.lock()
    path = StorePaths(data_dir).key_file
    stored = json.loads(path.read_text())
    assert stored["kdf"]["memory_kib"] >= KDF_FLOOR.memory_kib
    stored["kdf"]["memory_kib"] = 19_456  # the OWASP minimum, below our floor
    path.write_text(json.dumps(stored))
    with pytest.raises(KeyFileInvalid, match="weaker than policy"):
        CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    with pytest.raises(KeyFileInvalid):
        keys.wrap_data_key(keys.new_data_key(), "x" * 12, user_id="u", device_id="d",
                           params=KdfParams(memory_kib=1024, iterations=1, lanes=1))


def test_a8_crypto_self_test_passes() -> None:
    keys.self_test()


def test_a9_change_passphrase_rewraps_only(store: CaseloadStore, data_dir: Path) -> None:
    add_family(store, reference="FAM-1", household_name="The Test family", postcode="LS1 4AB")
    store.lock()
    db = StorePaths(data_dir).database
    db_hash = hashlib.sha256(db.read_bytes()).hexdigest()
    CaseloadStore.change_passphrase(data_dir, TEST_PASSPHRASE, "a brand new passphrase")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == db_hash
    with pytest.raises(WrongPassphrase):
        CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    reopened = CaseloadStore.unlock(data_dir, "a brand new passphrase")
    from familyworker.services.caseload import list_caseload

    assert [s.reference for s in list_caseload(reopened)] == ["FAM-1"]
    reopened.lock()
    assert not list(data_dir.glob(".*.tmp"))


def test_create_refuses_to_overwrite(store: CaseloadStore, data_dir: Path) -> None:
    store.lock()
    before = _file_hashes(data_dir)
    with pytest.raises(CaseloadExists):
        CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    assert _file_hashes(data_dir) == before


def test_a13_corruption_is_quarantined_not_recreated(store: CaseloadStore,
                                                     data_dir: Path) -> None:
    for i in range(40):
        add_family(store, reference=f"FAM-{i:03d}", household_name=f"Family {i}",
                   postcode="LS1 4AB")
    store.lock()
    db = StorePaths(data_dir).database
    # Fold the WAL in first so page 3 of the main file is what gets read.
    checkpoint_key = keys.unwrap_data_key(keys.read_key_file(StorePaths(data_dir).key_file),
                                          TEST_PASSPHRASE)
    conn = database.connect(db, checkpoint_key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    raw[4096 * 2 + 100] ^= 0xFF  # one byte in page 3
    db.write_bytes(bytes(raw))
    with pytest.raises(CorruptDatabase, match="set aside"):
        CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    assert not db.exists()
    quarantined = list((data_dir / "quarantine").rglob("caseload.db"))
    assert len(quarantined) == 1
    assert StorePaths(data_dir).key_file.exists()  # the key is kept


def test_k3_second_instance_refused(store: CaseloadStore, data_dir: Path) -> None:
    with pytest.raises(CaseloadInUse):
        CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)


def test_k2_backup_through_sqlcipher_export_opens(store: CaseloadStore, tmp_path: Path) -> None:
    add_family(store, reference="FAM-1", household_name="Backup family", postcode="LS1 4AB")
    backup = tmp_path / "backup.db"
    conn = store.raw_connection()
    try:
        key_hex = os.urandom(32).hex()
        conn.execute(f"ATTACH DATABASE '{backup}' AS backup KEY \"x'{key_hex}'\"")
        conn.execute("SELECT sqlcipher_export('backup')")
        conn.execute("DETACH DATABASE backup")
    finally:
        conn.close()
    copy = database.connect(backup, bytes.fromhex(key_hex))
    assert database.integrity_ok(copy)
    assert copy.execute("SELECT count(*) FROM family").fetchone()[0] == 1
    copy.close()


def test_k3_hot_wal_after_kill_keeps_committed_rows(tmp_path: Path) -> None:
    data_dir = tmp_path / "c"
    CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    script = (
        "import os\n"
        "from familyworker.store.caseload_store import CaseloadStore\n"
        "from familyworker.services.families import add_family\n"
        f"s = CaseloadStore.unlock(__import__('pathlib').Path({str(data_dir)!r}), "
        f"{TEST_PASSPHRASE!r})\n"
        "for i in range(5):\n"
        "    add_family(s, reference=f'FAM-{i}', household_name='Kill family', "
        "postcode='LS1 4AB')\n"
        "os.kill(os.getpid(), 9)\n")
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == -9
    assert (data_dir / "caseload.db-wal").exists()
    reopened = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    from familyworker.services.caseload import list_caseload

    assert len(list_caseload(reopened)) == 5
    reopened.lock()
