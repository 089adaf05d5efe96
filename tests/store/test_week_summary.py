"""The trigger-kept per-family summary (store schema 14) always equals what the rules give from
scratch (`plain_queries.week_summaries_from_scratch`), whoever writes the notes, stars and
plans: local plain SQL (adds, edits, tombstones, removals), pulled pages written by SQLite from
their JSON, and pulled pages merged by Python. Also: the migration builds it for a caseload
that already has records."""

import json
import random
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import to_json
from tests.conftest import TEST_PASSPHRASE

from familyworker.domain.contact import CONTACT_KINDS
from familyworker.services.plain_queries import (
    _CONTACT_KINDS_SQL,
    WeekSummary,
    week_summaries,
    week_summaries_from_scratch,
)
from familyworker.store import database, keys, migrations
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.paths import StorePaths
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.sync import page_sql
from familyworker.sync.page_apply import _defaults, apply_page

FAMILIES = ("fam-a", "fam-b", "fam-c")
KINDS = (*sorted(k.value for k in CONTACT_KINDS), "text", "email", "other")
STATUSES = ("draft", "final")
OUTCOMES = ("made", "no-answer", "cancelled")
PLAN_STATUSES = ("draft", "agreed", "superseded")


class _Writer:
    """Random writes of every kind; remembers which rows exist so edits find them."""

    def __init__(self, store: CaseloadStore, rng: random.Random) -> None:
        self.store, self.rng = store, rng
        self.rows: dict[str, list[str]] = {"contact_note": [], "star_assessment": [], "plan": []}
        self.serial = 0
        self.stamp_ms = 0x019AE4A9E0C2

    def _next(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def _stamp(self) -> str:
        self.stamp_ms += 1
        return f"{self.stamp_ms:012x}-0000-tablet"

    def _day(self) -> str:
        return f"2026-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def values(self, table: str) -> dict[str, Any]:
        """Fields that matter to the summary, random (and a family, sometimes another one)."""
        rng = self.rng
        family = rng.choice(FAMILIES)
        if table == "contact_note":
            return {"family_id": family, "kind": rng.choice(KINDS),
                    "occurred_at": f"{self._day()}T{rng.randint(0, 23):02d}:00:00+00:00",
                    "status": rng.choice(STATUSES), "outcome": rng.choice(OUTCOMES)}
        if table == "star_assessment":
            return {"family_id": family, "assessed_on": self._day(), "template_key": "web-star",
                    "template_version": 1}
        self.serial += 1  # unique versions: a family never has two plans of one version
        return {"family_id": family, "version": self.serial,
                "status": rng.choice(PLAN_STATUSES),
                "review_due": rng.choice((None, self._day()))}

    def pull(self) -> None:
        """A page of new rows and newer versions of rows here, some of them tombstones."""
        items = []
        for _ in range(self.rng.randint(1, 6)):
            table = self.rng.choice(tuple(self.rows))
            known = self.rows[table]
            row_id = self.rng.choice(known) if known and self.rng.random() < 0.5 \
                else self._next(table)
            if row_id not in known:
                known.append(row_id)
            data = {**_defaults(SYNC_TABLES[table]), **self.values(table)}
            deleted = self.rng.random() < 0.2
            items.append({"table": table, "row_id": row_id, "family_id": data["family_id"],
                          "data": data, "field_hlc": {"*": self._stamp()},
                          "server_seq": self.serial, "deleted": deleted,
                          "deleted_hlc": self._stamp() if deleted else None})
        # Rows of one id must not repeat within a page.
        items = list({(i["table"], i["row_id"]): i for i in items}.values())
        if self.rng.random() < 0.5:
            page = to_json({"rows": items, "next_cursor": self.serial, "has_more": False,
                            "snapshot_seq": self.serial, "scope_hash": None,
                            "server_time": "2026-12-03T10:00:00+00:00"})
            page_sql.apply_received(self.store, page_sql.read_page(self.store, page))
        else:
            apply_page(self.store, json.loads(to_json(items)), self.serial)

    def add(self, conn: Any, table: str, values: dict[str, Any]) -> None:
        row_id = self._next(table)
        self.rows[table].append(row_id)
        data = {**_defaults(SYNC_TABLES[table]), **values}
        data = {k: json.dumps(v) if isinstance(v, list) else v for k, v in data.items()}
        columns = ["id", "field_hlc", *data]
        conn.execute(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES '
                     f'({", ".join("?" * len(columns))})', (row_id, "{}", *data.values()))

    def local(self) -> None:
        """One local write in plain SQL: an add, an edit, a tombstone, undoing one, a removal."""
        table = self.rng.choice(tuple(self.rows))
        known = self.rows[table]
        action = self.rng.choice(("add", "edit", "tombstone", "restore", "remove")) if known \
            else "add"
        conn = self.store.raw_connection()
        try:
            if action == "add":
                self.add(conn, table, self.values(table))
            else:
                row_id = self.rng.choice(known)
                if action == "edit":
                    field, value = self.rng.choice(tuple(self.values(table).items()))
                    conn.execute(f'UPDATE "{table}" SET {field} = ? WHERE id = ?',
                                 (value, row_id))
                elif action == "tombstone":
                    conn.execute(f'UPDATE "{table}" SET deleted_at = ? WHERE id = ?',
                                 ("2026-12-07 10:00:00", row_id))
                elif action == "restore":
                    conn.execute(f'UPDATE "{table}" SET deleted_at = NULL WHERE id = ?',
                                 (row_id,))
                else:
                    conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))
                    known.remove(row_id)
            conn.commit()
        finally:
            conn.close()


def _families_pulled(store: CaseloadStore) -> None:
    rows = [{"table": "family", "row_id": fid, "family_id": fid,
             "data": {**_defaults(SYNC_TABLES["family"]), "family_id": fid,
                      "reference": fid.upper(), "household_name": "A household",
                      "status": "open", "referred_on": "2026-01-05", "team_id": "t1"},
             "field_hlc": {"*": "019ae4a9e0c1-0000-tablet"}, "server_seq": n,
             "deleted": False, "deleted_hlc": None} for n, fid in enumerate(FAMILIES, 1)]
    apply_page(store, rows, len(rows))


def _summaries(store: CaseloadStore) -> tuple[dict[str, WeekSummary], dict[str, WeekSummary]]:
    with store.raw_read() as conn:
        return week_summaries(conn), week_summaries_from_scratch(conn)


@pytest.mark.parametrize("seed", range(6))
def test_summary_equals_a_recomputation_after_random_writes(store: CaseloadStore,
                                                            seed: int) -> None:
    _families_pulled(store)
    writer = _Writer(store, random.Random(seed))
    seen_values = set()
    for step in range(60):
        writer.pull() if writer.rng.random() < 0.4 else writer.local()
        kept, recomputed = _summaries(store)
        assert kept == recomputed, f"step {step}"
        seen_values |= {field is not None for summary in kept.values() for field in summary}
    assert seen_values == {True, False}  # the sequence made and unmade summaries


def test_a_tombstoned_contact_no_longer_counts(store: CaseloadStore) -> None:
    _families_pulled(store)
    conn = store.raw_connection()
    try:
        for row_id, at in (("n1", "2026-03-01 10:00:00"), ("n2", "2026-04-01 10:00:00")):
            conn.execute("INSERT INTO contact_note (id, field_hlc, family_id, kind, occurred_at, "
                         "narrative, present, agencies, follow_ups, status, outcome, "
                         "child_seen, child_voice) VALUES (?, '{}', 'fam-a', 'home-visit', ?, "
                         "'', '[]', '[]', '', 'final', 'made', 'not-recorded', '')",
                         (row_id, at))
        conn.commit()
        assert _summaries(store)[0]["fam-a"].last_contact_at == "2026-04-01 10:00:00"
        conn.execute("UPDATE contact_note SET deleted_at = '2026-12-07' WHERE id = 'n2'")
        conn.commit()
    finally:
        conn.close()
    assert _summaries(store)[0]["fam-a"].last_contact_at == "2026-03-01 10:00:00"


def test_triggers_use_the_contact_made_rule() -> None:
    """The migration spells out the contact kinds; they must be the domain's."""
    sql = dict(migrations.available())[14]
    assert f"kind IN ({_CONTACT_KINDS_SQL})" in sql
    assert sql.count("kind IN (") == sql.count(f"kind IN ({_CONTACT_KINDS_SQL})") >= 4


def test_migration_builds_the_summary_for_an_existing_caseload(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    paths = StorePaths(data_dir)
    data_key = keys.new_data_key()
    key_file = keys.wrap_data_key(data_key, TEST_PASSPHRASE, user_id="u1", device_id="d1",
                                  params=keys.KDF_FLOOR)
    conn = database.connect(paths.database, data_key)
    assert migrations.migrate(conn, target=13) == 13
    conn.executemany("INSERT INTO local_setting (key, value) VALUES (?, ?)",
                     [("device_id", json.dumps("d1")), ("worker_id", json.dumps("u1")),
                      ("worker_name", json.dumps("Before schema 14"))])
    conn.commit()
    conn.close()
    keys.write_key_file(paths.key_file, key_file)
    # Records written before the summary existed: the triggers are not there yet.
    conn = database.connect(paths.database, data_key)
    try:
        fake = _Recorder(conn)
        _families_raw(conn)
        writer = _Writer(fake, random.Random(7))  # type: ignore[arg-type]
        for _ in range(40):
            writer.local()
        writer.add(conn, "contact_note", {"family_id": "fam-a", "kind": "home-visit",
                                          "occurred_at": "2026-11-30 10:00:00",
                                          "status": "final", "outcome": "made"})
        writer.add(conn, "star_assessment", {"family_id": "fam-b", "assessed_on": "2026-10-01",
                                             "template_key": "web-star",
                                             "template_version": 1})
        writer.add(conn, "plan", {"family_id": "fam-c", "version": 999, "status": "agreed",
                                  "review_due": "2027-01-04"})
        conn.commit()
        assert migrations.current_version(conn) == 13
    finally:
        conn.close()
    store = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    try:
        kept, recomputed = _summaries(store)
        assert kept == recomputed
        assert any(s.last_contact_at for s in kept.values())
        assert any(s.plan_version for s in kept.values())
        assert any(s.last_star_on for s in kept.values())
    finally:
        store.lock()


class _Recorder:
    """Stands in for the store where the writer only needs a connection (before schema 14)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def raw_connection(self) -> Any:
        return _Unclosed(self._connection)


class _Unclosed:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, *args: Any) -> Any:
        return self._connection.execute(*args)

    def commit(self) -> None:
        self._connection.commit()

    def close(self) -> None:
        pass


def _families_raw(conn: Any) -> None:
    for fid in FAMILIES:
        conn.execute(
            "INSERT INTO family (id, server_seq, field_hlc, family_id, reference, "
            "household_name, address, postcode, locality, status, consent_scope) "
            "VALUES (?, NULL, '{}', ?, ?, 'A household', '', 'LS1 4AB', '', 'open', '')",
            (fid, fid, fid.upper()))
    conn.commit()
