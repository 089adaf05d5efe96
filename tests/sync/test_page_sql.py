"""Pages written by SQLite from their JSON (page_sql) store exactly what the Python path
stores, and any page it cannot write that way falls back to the Python path."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import to_json

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.sync import page_sql
from familyworker.sync.page_apply import SETTING_CURSOR, _defaults, apply_page

PASS = "a long test passphrase"
STAMP = "019ae4a9e0c2-0000-laptop"
FAMILY = "fam-1"


def row(table: str, key: str, seq: int, deleted: bool = False, **data: Any
        ) -> dict[str, Any]:
    values = {**_defaults(SYNC_TABLES[table]), "family_id": FAMILY, **data}
    return {"table": table, "row_id": key, "family_id": FAMILY, "data": values,
            "field_hlc": {"*": STAMP, "name": "019ae4a9e0c3-0001-tablet"}, "server_seq": seq,
            "deleted": deleted, "deleted_hlc": "019ae4a9e0c4-0000-tablet" if deleted else None}


def page(rows: list[dict[str, Any]]) -> bytes:
    return to_json({"rows": rows, "next_cursor": 99, "has_more": False, "snapshot_seq": 99,
                    "scope_hash": None, "server_time": "2026-12-03T10:00:00+00:00"})


VARIED = [
    row("family", FAMILY, 1, reference="FAM-1", household_name="Zoë's household",
        address="1 Long Lane", postcode="AB1 2CD", status="open", referred_on="2024-01-31",
        opened_on=None, lead_worker_id="w1", team_id="t1"),
    row("person", "p1", 2, name="Zoë", relationship="daughter", date_of_birth="2015-03-04",
        flags=["young carer", "school \"refuser\""]),
    row("person", "p2", 3, name="Sam", relationship="son", flags=[]),
    row("person", "p3", 4, deleted=True, name="Gone", relationship="lodger"),
    row("contact_note", "n1", 5, kind="home-visit", narrative="Line one\nline two – ok",
        occurred_at="2026-12-03T10:48:06.704635+00:00", present=["Mum", "Zoë"],
        status="final", finalised_at="2026-12-03T10:48:06Z"),
    row("contact_note", "n2", 6, kind="phone", narrative="Called",
        occurred_at="2026-12-03T23:30:00+01:00", finalised_at="2026-12-04T01:48:06.000001-09:00",
        present=[], status="final"),
    row("sync_conflict", "c1", 7, table_name="family", row_id=FAMILY, field="address",
        kept_value="1 Long Lane", kept_hlc=STAMP, other_value={"a": [1, 2.5, None]},
        other_hlc=STAMP, detected_at="2026-12-03T10:00:00+00:00", resolution=None),
]


def stored(store: CaseloadStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the page touched, JSON columns parsed, deleted_at as present
    or not (it is the moment of writing)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in ("family", "person", "contact_note", "sync_conflict"):
            columns = SYNC_TABLES[table].__table__.c  # type: ignore[attr-defined]
            json_columns = {c.name for c in columns if type(c.type).__name__ == "JSON"}
            result = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")
            names = list(result.keys())
            found[table] = [tuple(
                (json.loads(v) if isinstance(v, str) else v) if n in json_columns
                else (v is not None) if n == "deleted_at" else v
                for n, v in zip(names, r, strict=True)) for r in result]
        found["cursor"] = [(store.setting(SETTING_CURSOR),)]
    return found


@pytest.fixture
def two_stores(tmp_path: Path) -> tuple[CaseloadStore, CaseloadStore]:
    return (CaseloadStore.create(tmp_path / "sql", PASS, kdf=KDF_FLOOR),
            CaseloadStore.create(tmp_path / "python", PASS, kdf=KDF_FLOOR))


def apply_by_sql(store: CaseloadStore, rows: list[dict[str, Any]],
                 monkeypatch: pytest.MonkeyPatch) -> bool:
    """Applies the page as the engine does; returns whether the SQL path wrote it."""
    used: list[bool] = []
    real = page_sql.insert_page

    def spy(*args: Any) -> int | None:
        written = real(*args)
        used.append(written is not None)
        return written

    monkeypatch.setattr(page_sql, "insert_page", spy)
    received = page_sql.read_page(store, page(rows))
    assert received.blob is not None  # this SQLCipher has JSONB
    page_sql.apply_received(store, received)
    return used == [True]


def test_sql_path_stores_what_the_python_path_stores(
        two_stores: tuple[CaseloadStore, CaseloadStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    by_sql, by_python = two_stores
    assert apply_by_sql(by_sql, VARIED, monkeypatch)
    apply_page(by_python, json.loads(page(VARIED))["rows"], 99)
    assert stored(by_sql) == stored(by_python)
    assert len(stored(by_sql)["person"]) == 3
    for store in two_stores:
        store.lock()


@pytest.mark.parametrize("odd", [
    {"occurred_at": "2026-12-03T10:48:06.704+00:00"},   # a 3-digit fraction
    {"occurred_at": "2026-02-30T10:48:06+00:00"},       # no such day (both paths refuse)
    {"narrative": ["a", "list"]},                       # a list in a text column
])
def test_a_value_in_another_form_falls_back_to_the_python_path(
        two_stores: tuple[CaseloadStore, CaseloadStore], monkeypatch: pytest.MonkeyPatch,
        odd: dict[str, Any]) -> None:
    by_sql, by_python = two_stores
    rows = [*VARIED[:4], {**VARIED[4], "data": {**VARIED[4]["data"], **odd}}]
    try:
        apply_page(by_python, json.loads(page(rows))["rows"], 99)
    except Exception as refused:
        with pytest.raises(type(refused)):
            apply_by_sql(by_sql, rows, monkeypatch)
    else:
        assert not apply_by_sql(by_sql, rows, monkeypatch)
        assert stored(by_sql) == stored(by_python)
    for store in two_stores:
        store.lock()


def test_a_row_already_here_is_merged_by_the_python_path(
        two_stores: tuple[CaseloadStore, CaseloadStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    by_sql, by_python = two_stores
    for store in two_stores:
        apply_page(store, json.loads(page(VARIED[:2]))["rows"], 50)
    newer = {**VARIED[1], "server_seq": 8, "field_hlc": {"*": "019ae4a9e0ff-0000-tablet"},
             "data": {**VARIED[1]["data"], "name": "Zoë Renamed"}}
    assert not apply_by_sql(by_sql, [newer, VARIED[2]], monkeypatch)
    apply_page(by_python, json.loads(page([newer, VARIED[2]]))["rows"], 99)
    assert stored(by_sql) == stored(by_python)
    with by_sql.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM person WHERE id = 'p1'").scalar() == \
            "Zoë Renamed"
    for store in two_stores:
        store.lock()
