"""Schema migrations: a version-1 database opens and migrates; the schema matches the tables."""

import json
from pathlib import Path

from sqlmodel import SQLModel
from tests.conftest import TEST_PASSPHRASE

from familyworker.store import database, keys, migrations
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.paths import StorePaths


def _make_version_one(data_dir: Path) -> None:
    """A caseload exactly as the first release wrote it (schema version 1)."""
    data_dir.mkdir(parents=True)
    paths = StorePaths(data_dir)
    data_key = keys.new_data_key()
    key_file = keys.wrap_data_key(data_key, TEST_PASSPHRASE, user_id="u1", device_id="d1",
                                  params=keys.KDF_FLOOR)
    conn = database.connect(paths.database, data_key)
    assert migrations.migrate(conn, target=1) == 1
    conn.executemany("INSERT INTO local_setting (key, value) VALUES (?, ?)",
                     [("device_id", json.dumps("d1")), ("worker_id", json.dumps("u1")),
                      ("worker_name", json.dumps("Old release"))])
    conn.execute(
        "INSERT INTO family (id, server_seq, field_hlc, family_id, reference, household_name, "
        "address, postcode, locality, status, consent_scope) "
        "VALUES ('f1', NULL, '{}', 'f1', 'FAM-0001', 'Version one family', '', 'LS1 4AB', '', "
        "'open', '')")
    conn.close()
    keys.write_key_file(paths.key_file, key_file)


def test_version_one_database_migrates_to_current(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    _make_version_one(data_dir)
    store = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    try:
        conn = store.raw_connection()
        assert migrations.current_version(conn) == migrations.latest_version() > 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "form_draft" in tables
        conn.close()
        from familyworker.services.caseload import list_caseload

        assert [s.household_name for s in list_caseload(store)] == ["Version one family"]
    finally:
        store.lock()


def test_migrated_schema_matches_table_definitions(store: CaseloadStore) -> None:
    conn = store.raw_connection()
    try:
        for table in SQLModel.metadata.sorted_tables:
            live = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
            assert live == {c.name for c in table.columns}, table.name
    finally:
        conn.close()


def test_migrated_indexes_match_table_definitions(store: CaseloadStore) -> None:
    """Every index the models declare exists after migrating, and no other (migration 8 dropped
    those no query used; a write pays for each)."""
    conn = store.raw_connection()
    try:
        for table in SQLModel.metadata.sorted_tables:
            live = {row[1] for row in conn.execute(f"PRAGMA index_list('{table.name}')")
                    if row[3] == "c"}  # created by CREATE INDEX (not a key's own index)
            assert live == {i.name for i in table.indexes}, table.name
        partial = conn.execute("SELECT sql FROM sqlite_master WHERE name = "
                               "'ix_sync_outbox_batch_id'").fetchone()[0]
        assert "WHERE batch_id IS NOT NULL" in partial
    finally:
        conn.close()


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [v for v, _ in migrations.available()]
    assert versions == list(range(1, len(versions) + 1))
