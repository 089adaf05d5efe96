"""Pages written by SQLite from their JSON (page_sql) store exactly what the Python path
stores, and any page it cannot write that way falls back to the Python path."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import from_json, to_json

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.sync import page_sql, row_schema, set_aside
from familyworker.sync.page_apply import SETTING_CURSOR, _defaults, apply_page, merge_rows

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
        flags=["young-carer", "child-in-need"], school_setting='Year 5 "Oak" [class]'),
    row("person", "p2", 3, name="Sam", relationship="son", flags=[]),
    row("person", "p3", 4, deleted=True, name="Gone", relationship="lodger"),
    row("contact_note", "n1", 5, kind="home-visit", narrative="Line one\nline two – ok",
        occurred_at="2026-12-03T10:48:06.704635+00:00", present=["Mum", "Zoë \"Z\""],
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


# ---- the SQL path's checks against the declaration ------------------------------------------

def _valid(column: row_schema.Column) -> Any:
    """A value that fits the column."""
    return {"id": "0193a1b2-c3d4", "text": column.choices[0] if column.choices else "x",
            "int": column.min_value or 0, "date": "2024-01-31",
            "datetime": "2026-12-03T10:48:06+00:00", "text_list": [],
            "star_scores": [{"domain_key": "k", "score": 5}], "json": {"a": 1}}[column.type]


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


_MISSING = object()
# Values of every kind and of the forms nearest the edges of what the SQL path takes.
ODD_VALUES: list[Any] = [
    _MISSING, None, "", "x", "[x", "{x}", "fam-1", "a b", "0193a1b2-c3d4", "0193A1B2-C3", "abc",
    "é" * 150, "x" * 201, "x\u0000y", "x" * 100_001, 0, 1, -1, 7, 2 ** 63, 2 ** 64, 1.5, True,
    False, [], ["a"], [1], [None], ["young-carer"], ["nope"], ["x" * 201], ["x\u0000y"],
    [{"domain_key": "k", "score": 5}], [{"domain_key": "k", "score": 5, "note": "n"}],
    [{"domain_key": "k", "score": 11}], [{"domain_key": "k", "score": 5.0}],
    [{"domain_key": "k", "score": True}], [{"domain_key": "", "score": 5}],
    [{"domain_key": "k", "score": 5, "x": 1}], [{"domain_key": "k", "score": 5, "note": None}],
    [{"domain_key": "k"}], ["k"], {}, {"a": 1}, {"a": 2 ** 64}, _deep(20), _deep(21),
    list(range(1_001)), "2024-01-31", "2024-02-29", "2023-02-29", "2024-02-30", "0000-01-01",
    "0001-01-01", "2024-1-31", "2024-01-31T00:00:00", "2026-12-03T10:48:06+00:00",
    "2026-12-03T10:48:06.704635+00:00", "2026-12-03T10:48:06Z", "2026-12-03T10:48:06",
    "2026-12-03 10:48:06+00:00", "2026-12-03T10:48+00:00", "2026-12-03T24:00:00+00:00",
    "2026-12-03T10:48:06+24:00", "2026-12-03T10:48:06-23:59", "2026-12-03T10:48:06+05:60",
    "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "2026-12-03T10:48:06.704+00:00",
    "2026-12-03T10:48:60+00:00", "2026-02-30T10:48:06+00:00",
    # GLOB and most of SQLite's text functions stop at a NUL; Python does not.
    "2026-12-03T10:48:06+00:00\u0000x", "2024-01-31\u0000x", "abc\u0000", "fam-1\u0000 x",
    "home-visit\u0000x", ["young-carer\u0000x"],
]
BAD_ENVELOPES: list[dict[str, Any]] = [
    {"row_id": 5}, {"row_id": ""}, {"row_id": "a b"}, {"row_id": "x" * 65}, {"server_seq": "7"},
    {"server_seq": -1}, {"server_seq": 1.0}, {"server_seq": 2 ** 64}, {"field_hlc": "x"},
    {"field_hlc": {"*": 5}}, {"field_hlc": {"*": "not a stamp"}},
    {"field_hlc": {"*": "019AE4A9E0C2-0000-laptop"}}, {"field_hlc": {"*": "019ae4a9e0c2-0000-"}},
    {"field_hlc": {"*": STAMP, "name": "0"}}, {"deleted_hlc": "019ae4a9e0c2-0000"},
    {"deleted": "yes"},
    {"deleted": 2}, {"deleted_hlc": "not a stamp"}, {"deleted_hlc": 7}, {"data": [1]},
    {"data": None}, {"table": 5},
]


def _base_row(table: str, key: str) -> dict[str, Any]:
    data = {c.name: _valid(c) for c in row_schema.TABLES[table].columns
            if c.required or c.name == "family_id"}
    return {"table": table, "row_id": key, "family_id": FAMILY, "data": data,
            "field_hlc": {"*": STAMP}, "server_seq": 5, "deleted": False, "deleted_hlc": None}


def _outcome(conn: Any, table: str, key: str) -> tuple[Any, ...] | str | None:
    """The row as stored (JSON columns parsed, deleted_at as present or not), or the code of
    the reason it was set aside, or None (neither)."""
    columns = SYNC_TABLES[table].__table__.c  # type: ignore[attr-defined]
    json_columns = {c.name for c in columns if type(c.type).__name__ == "JSON"}
    result = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (key,))
    found = result.fetchone()
    if found is not None:
        return tuple((json.loads(v) if isinstance(v, str) else v) if n in json_columns
                     else (v is not None) if n == "deleted_at" else v
                     for n, v in zip(result.keys(), found, strict=True))
    reason = conn.exec_driver_sql("SELECT reason FROM sync_set_aside WHERE row_id = ?",
                                  (key,)).scalar()
    return None if reason is None else str(reason).split(":")[0]


PULLED = sorted(t for t in SYNC_TABLES if t not in page_sql.NOT_PULLED)


@pytest.mark.parametrize("table", PULLED)
def test_the_sql_path_takes_only_rows_that_fit_and_stores_them_as_python_does(
        tmp_path: Path, table: str) -> None:
    """Every column given every odd value (and the envelope odd parts): a row the SQL path
    writes fits the declaration and is stored exactly as the Python path stores it; the Python
    path stores every row that fits and sets aside every other, without an exception."""
    store = CaseloadStore.create(tmp_path / "c", PASS, kdf=KDF_FLOOR)
    cases: list[dict[str, Any]] = []
    for column in row_schema.TABLES[table].columns:
        for value in [*ODD_VALUES, *(column.choices or ())]:
            item = _base_row(table, f"r{len(cases)}")
            if value is _MISSING:
                item["data"].pop(column.name, None)
            else:
                item["data"][column.name] = value
            cases.append(item)
    for change in BAD_ENVELOPES:
        cases.append({**_base_row(table, f"r{len(cases)}"), **change})
    taken = 0
    try:
        for item in cases:
            key = set_aside._key(item)[1]
            received = page_sql.read_page(store, page([item]))
            assert received.blob is not None
            fits = set_aside.envelope_problem(item) is None and set_aside.data_problem(
                table, item["data"], complete=True) is None
            with store.engine.connect() as conn:
                with conn.begin() as tx:
                    by_sql = page_sql.insert_page(conn, received.blob, received.facts)
                    sql_stored = _outcome(conn, table, key) if by_sql is not None else None
                    tx.rollback()
                with conn.begin() as tx:
                    merge_rows(conn, from_json(received.page)["rows"])  # never raises
                    python = _outcome(conn, table, key)
                    tx.rollback()
            where = (table, {k: v for k, v in item.items() if k != "data"},
                     {k: str(v)[:40] for k, v in item["data"].items()}
                     if isinstance(item["data"], dict) else item["data"])
            if by_sql is not None:
                taken += 1
                assert fits, where
                assert sql_stored == python, where
            if fits:  # stored, or refused by the database (a NOT NULL the server fills in)
                assert isinstance(python, tuple) or python == "invalid_row", where
            else:
                assert python in ("invalid_row", "invalid_field", "missing_field"), where
    finally:
        store.lock()
    assert taken > 10  # the SQL path takes ordinary rows (it is not refusing everything)
