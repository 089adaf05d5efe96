"""New rows of a pulled page written by SQLite itself, from the page's JSON.

Parsing a 2,000-row page into Python objects and binding each value cost more client CPU than
SQLCipher's inserts. When every row of a page is new here and every value has a form whose
stored text is known (text, numbers, canonical dates, ISO datetimes with an offset, JSON), one
``INSERT … SELECT … FROM jsonb_each(page)`` per table writes the page without a Python object
per row. Any other page - a row already here (it must be merged), a value in an unusual form, a
table whose columns convert in other ways - is rolled back to a savepoint and applied by the
Python path (page_apply.apply_rows), unchanged. Values are stored as that path stores them,
except JSON columns, written compact (the same JSON when read back).

A row is written here only if it fits its table's declaration (row_schema): the checks below
are built from it, and may be stricter than it, never looser (tests/sync/test_page_sql.py holds
them to it value by value). A page with a row that does not fit goes to the Python path, which
checks every row itself and sets aside the ones that do not fit.
"""

from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json
from sqlalchemy import JSON, Connection, Date
from sqlmodel.sql.sqltypes import UTCDateTime

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.store.tables import SyncedRow
from familyworker.sync import row_schema, set_aside
from familyworker.sync.client import SyncError
from familyworker.sync.page_apply import (
    NOT_PULLED,
    apply_rows,
    insert_plan,
    save_position,
)
from familyworker.sync.write_transaction import WriteTransaction

_DIGIT = "[0-9]"
# Years 1000-8999 (moved to UTC, a datetime stays within Python's 1-9999; others go to the
# Python path).
_DATE = f"[1-8]{_DIGIT * 3}-{_DIGIT * 2}-{_DIGIT * 2}"
_TIME = f"[0-2]{_DIGIT}:[0-5]{_DIGIT}:[0-5]{_DIGIT}"
# An offset both SQLite and Python take (SQLite: up to 14:59; Python: under 24 hours).
_OFFSETS = (f"[+-]0{_DIGIT}:[0-5]{_DIGIT}", f"[+-]1[0-4]:[0-5]{_DIGIT}")
# The ISO forms Python's own serialisers write for an aware datetime, the commonest first.
_DATETIME_GLOBS = tuple(f"{_DATE}T{_TIME}{fraction}{zone}"
                        for fraction in (f".{_DIGIT * 6}", "") for zone in (*_OFFSETS, "Z"))
_HEX = "[0-9a-f]"


def _is_stamp(value: str) -> str:
    """SQL: ``value`` is a version stamp (set_aside.HLC_PATTERN; GLOB stops at a NUL)."""
    return f"{value} GLOB '{_HEX * 12}-{_HEX * 4}-?*'"


def _within(got: str, limit: int | None) -> str:
    """SQL: text of at most ``limit`` characters. No text in a row's data is longer than the
    data's JSONB size (``d_len``, known without reading it), so most values are not read at
    all; then a value's byte length, also known without counting, bounds its length; only
    longer text is counted (length() stops at a NUL: none is allowed there)."""
    if limit is None:
        return "1"
    return (f"(d_len <= {limit} OR octet_length({got}) <= {limit} OR "
            f"(length({got}) <= {limit} AND instr({got}, char(0)) = 0))")


def _is_id(got: str, *, text: bool = False) -> str:
    """SQL: text that row_schema.ID_PATTERN matches (``text``: known to be text). Hex digits
    and dashes (a UUID) are found by unhex() at a seventh of GLOB's cost; other ids by the
    GLOB. Both stop at a NUL: none is allowed."""
    return (("" if text else f"typeof({got}) = 'text' AND ") +
            f"octet_length({got}) BETWEEN 1 AND 64 AND instr({got}, char(0)) = 0 AND "
            f"(unhex({got}, '-') IS NOT NULL OR {got} NOT GLOB '*[^0-9A-Za-z-]*')")


def _one_of(got: str, choices: tuple[str, ...] | None) -> str:
    if choices is None:
        return "1"
    return f"{got} IN ({', '.join(str(_literal(c)) for c in choices)})"


def _fits(column: row_schema.Column, got: str, typed: str | None) -> str | None:
    """SQL: a value that is not NULL (not JSON null, for JSON columns) fits ``column`` as
    row_schema.value_problem judges it, or more strictly. ``typed``: the field's JSON type, where
    it is read. None: no check here (the table then has no SQL plan)."""
    kind = column.type
    if kind == "id":
        return _is_id(got)
    if kind == "text":
        # Without the JSON type, an array or object reads as JSON text: any text that starts
        # like one goes to the Python path, which tells them apart.
        text = f"{typed} = 'text'" if typed else (
            f"typeof({got}) = 'text' AND substr({got}, 1, 1) NOT IN ('[', '{{')")
        return " AND ".join(t for t in (text, _within(got, column.max_length),
                                        _one_of(got, column.choices)) if t != "1")
    if kind == "int" and typed:
        low = row_schema.MIN_INT if column.min_value is None else column.min_value
        high = row_schema.MAX_INT if column.max_value is None else column.max_value
        # true reads as 1: the JSON type tells them apart.
        return (f"{typed} = 'integer' AND typeof({got}) = 'integer' AND "
                f"{got} BETWEEN {low} AND {high}")
    if kind == "date":
        # 'YYYY-MM-DD' of a day that exists (date() moves 02-30 on); Python has no year 0.
        return f"typeof({got}) = 'text' AND date({got}) IS {got} AND {got} >= '0001'"
    if kind == "datetime":
        forms = " OR ".join(f"{got} GLOB '{form}'" for form in _DATETIME_GLOBS)
        # One of the forms (GLOB stops at a NUL: none is allowed), at a time that exists
        # (SQLite, not Python, takes hour 24).
        return (f"({forms}) AND instr({got}, char(0)) = 0 AND "
                f"strftime('%Y-%m-%dT%H:%M:%S', substr({got}, 1, 19)) = substr({got}, 1, 19) "
                f"AND substr({got}, 12, 2) != '24'")
    if kind == "text_list":
        limit = column.max_length or row_schema.MAX_TEXT
        choices = "" if column.choices is None else f" OR NOT ({_one_of('value', column.choices)})"
        return (f"({got} = '[]' OR (json_type({got}) = 'array' AND json_array_length({got}) <= "
                f"{row_schema.MAX_LIST_ITEMS} AND NOT EXISTS (SELECT 1 FROM json_each({got}) "
                f"WHERE type != 'text' OR NOT ({_within('value', limit)}){choices})))")
    if kind == "star_scores":
        key, note = "e.value ->> '$.domain_key'", "coalesce(e.value ->> '$.note', '')"
        # Each score an object of domain_key, score and perhaps note, each once.
        return (f"({got} = '[]' OR (json_type({got}) = 'array' AND json_array_length({got}) <= "
                f"100 AND NOT EXISTS (SELECT 1 FROM json_each({got}) AS e WHERE "
                f"e.type != 'object' OR json_type(e.value, '$.domain_key') IS NOT 'text' OR "
                f"length({key}) NOT BETWEEN 1 AND {row_schema.KEY} OR "
                f"instr({key}, char(0)) > 0 OR json_type(e.value, '$.score') IS NOT 'integer' "
                f"OR (e.value ->> '$.score') NOT BETWEEN 1 AND 10 OR "
                f"coalesce(json_type(e.value, '$.note'), 'text') != 'text' OR "
                f"NOT ({_within(note, 4_000)}) OR (SELECT count(*) != count(DISTINCT k.key) OR "
                f"total(k.key NOT IN ('domain_key', 'score', 'note')) > 0 "
                f"FROM json_each(e.value) AS k))))")
    if kind == "json":
        # Plain JSON: 64-bit integers, at most MAX_LIST_ITEMS items per array or object, and
        # nested at most 20 deep (counted from the path; a key holding '.' or '[' counts more).
        return (f"NOT EXISTS (SELECT 1 FROM json_tree({got}) AS n WHERE (n.type = 'integer' AND "
                f"typeof(n.atom) != 'integer') OR (n.type IN ('array', 'object') AND "
                f"(SELECT count(*) FROM json_each(n.value)) > {row_schema.MAX_LIST_ITEMS}) OR "
                f"length(n.fullkey) - length(replace(replace(n.fullkey, '.', ''), '[', '')) > 20)")
    return None


@dataclass(frozen=True, slots=True)
class SqlPlan:
    """One table's INSERT … SELECT over a page (``:page`` JSONB, ``:table`` its name)."""

    sql: str


_PLANS: dict[str, SqlPlan | None] = {}


def sql_plan(dialect: Any, row_type: type[SyncedRow]) -> SqlPlan | None:
    """The table's plan, or None when one of its columns converts in a way not handled here."""
    name = f"{row_type.__tablename__}:{dialect.name}"
    if name not in _PLANS:
        _PLANS[name] = _build(dialect, row_type)
    return _PLANS[name]


def _literal(value: Any) -> str | None:
    """An SQL literal for a precomputed stored value; None when there is none."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return None


def _build(dialect: Any, row_type: type[SyncedRow]) -> SqlPlan | None:
    """Each field is looked up once (a materialised CTE: SQLite would otherwise re-read the
    JSON for every mention), then checked and converted."""
    table = row_type.__table__  # type: ignore[attr-defined]
    declared = row_schema.TABLES.get(table.name)
    if declared is None:
        return None
    plan = insert_plan(dialect, row_type)
    reads: list[str] = []  # the CTE's columns
    names: list[str] = []
    values: list[str] = []
    checks: list[str] = []
    for index, (column, default, kind, process) in enumerate(plan.columns):
        spec = declared.by_name.get(column)
        path = f"'$.{column}'"
        got = f"v{index}"
        missing = _literal(default if process is None else process(default))
        if missing is None or spec is None:
            return None
        column_type = table.c[column].type
        is_json = isinstance(column_type, JSON)
        # JSON null and a missing field read alike (NULL); they differ only where the column's
        # default is not NULL, and only there is the field's JSON type read as well (and for
        # whole numbers, where true reads as 1).
        typed = not is_json and (missing != "NULL" or spec.type == "int"
                                 or (spec.required and spec.nullable))
        present = f"t{index} IS NOT NULL"
        if typed:
            reads.append(f"json_type(d, {path}) AS t{index}")
        if kind is None and process is None:
            reads.append(f"d ->> {path} AS {got}")
            expression = got
        elif isinstance(column_type, Date) and kind is not None:
            reads.append(f"d ->> {path} AS {got}")
            expression = got  # 'YYYY-MM-DD' is stored as it comes
        elif isinstance(column_type, UTCDateTime):
            reads.append(f"d ->> {path} AS {got}")
            # To UTC, as the column stores it, keeping the microseconds.
            expression = (f"strftime('%Y-%m-%d %H:%M:%S', {got}) || "
                          f"iif(substr({got}, 20, 1) = '.', substr({got}, 20, 7), '.000000')")
        elif is_json and kind is None:
            if _literal(process(None)) != "'null'":
                return None
            # JSON null is 'null' here as in the Python path; a missing field is NULL.
            reads.append(f"json(d -> {path}) AS {got}")
            expression, present = got, f"{got} IS NOT NULL"
        else:
            return None
        fits = _fits(spec, got, f"t{index}" if typed else None)
        if fits is None:
            return None
        # A missing field takes its default unless it is required; a JSON null fits only a
        # column that may be empty (where missing and null read alike and the default is
        # NULL, a NOT NULL column refuses either: the Python path then decides). Every ``fits``
        # is false for NULL. Written as conditions of the WHERE clause, where AND and OR stop
        # at the first answer (as the arguments of a function such as iif() they would be
        # evaluated whole).
        if is_json:  # NULL: missing; 'null': JSON null
            checks.append("(" + " OR ".join(
                [f"({got} != 'null' AND {fits})",
                 *([] if spec.required else [f"{got} IS NULL"]),
                 *([f"{got} = 'null'"] if spec.nullable else [])]) + ")")
        elif spec.required:
            checks.append(f"(t{index} IS NOT NULL AND ({got} IS NULL OR {fits}))"
                          if spec.nullable else f"({fits})")
        elif spec.nullable:
            checks.append(f"({got} IS NULL OR {fits})")
        else:  # missing: the default; JSON null: refused
            checks.append(f"(t{index} IS NULL OR {fits})" if typed else f"({fits})")
        names.append(column)
        values.append(expression if missing == "NULL" else
                      f"iif({present}, {expression}, {missing})")
    reads += ["octet_length(d) AS d_len",
              "value ->> '$.row_id' AS row_id", "json_type(value, '$.row_id') AS row_id_t",
              "value ->> '$.server_seq' AS seq", "json_type(value, '$.server_seq') AS seq_t",
              "json(value -> '$.field_hlc') AS stamps",
              "json_type(value, '$.field_hlc') AS stamps_t",
              "value ->> '$.deleted' AS gone", "value ->> '$.deleted_hlc' AS gone_hlc"]
    names += ["id", "server_seq", "field_hlc", "deleted_at", "deleted_hlc"]
    values += ["row_id", "seq", "stamps",
               # The moment it is written, as datetime.now(UTC) would be stored.
               "iif(gone, strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', NULL)",
               "iif(gone, gone_hlc, NULL)"]
    # The envelope as set_aside.envelope_problem wants it; the stamps are checked with the
    # page's facts (page_facts), and a data value that is not an object fails every required
    # column.
    checks += ["row_id_t = 'text'", _is_id("row_id", text=True), "seq_t = 'integer'",
               "typeof(seq) = 'integer'", "seq >= 0", "stamps_t = 'object'",
               "(gone IS NULL OR (typeof(gone) = 'integer' AND gone IN (0, 1)))"]
    return SqlPlan(
        # The row's data object is taken out once: each field is then found in it directly.
        f"WITH base AS MATERIALIZED (SELECT value, jsonb_extract(value, '$.data') AS d "
        f"FROM jsonb_each(:page, '$.rows') WHERE value ->> '$.table' = :table), "
        f"r AS MATERIALIZED (SELECT {', '.join(reads)} FROM base) "
        f'INSERT INTO "{table.name}" ({", ".join(names)}) '
        f"SELECT {', '.join(values)} FROM r WHERE {' AND '.join(checks)}")


def _driver(conn: Connection) -> Any:
    """The DB-API connection under a SQLAlchemy one (SQLite's JSON functions are called on it
    directly: no statement building per page)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    return driver


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the engine needs of a page, read by SQLite from its JSON."""

    rows: int
    next_cursor: int
    has_more: bool
    scope_hash: str | None
    newest: str  # the latest stamp in the page ('' when none)
    tables: dict[Any, int]  # rows per table (a row without a table name: its JSON value)
    odd_stamps: bool = False  # a stamp that is not one: the Python path sets its row aside


def page_facts(raw: Any, page: bytes) -> tuple[bytes, PageFacts]:
    """The page as JSONB (parsed once, in C) and its facts; ``raw`` is the DB-API connection."""
    try:
        blob = raw.execute("SELECT jsonb(?)", (page.decode(),)).fetchone()[0]
    except (raw.DatabaseError, UnicodeDecodeError):
        raise SyncError("The sync server sent a page this app could not read; nothing was "
                        "changed on this laptop.") from None
    head = raw.execute(
        "SELECT json_array_length(:p, '$.rows'), :p ->> '$.next_cursor', "
        ":p ->> '$.has_more', :p ->> '$.scope_hash'", {"p": blob}).fetchone()
    tables = dict(raw.execute(
        "SELECT value ->> '$.table', count(*) FROM jsonb_each(:p, '$.rows') GROUP BY 1",
        {"p": blob}).fetchall())
    # (CASE stops at the first failing test, as a WHERE clause does.)
    newest, odd = raw.execute(
        f"SELECT max(m), total(odd) FROM (SELECT max(s.value) AS m, total(CASE WHEN "
        f"s.type = 'text' AND {_is_stamp('s.value')} THEN 0 ELSE 1 END) AS odd "
        f"FROM jsonb_each(:p, '$.rows') AS r, jsonb_each(r.value, '$.field_hlc') AS s "
        f"UNION ALL SELECT max(h), total(CASE WHEN h IS NULL OR {_is_stamp('h')} THEN 0 "
        f"ELSE 1 END) FROM (SELECT value ->> '$.deleted_hlc' AS h "
        f"FROM jsonb_each(:p, '$.rows')))", {"p": blob}).fetchone()
    scope = head[3]
    return blob, PageFacts(rows=int(head[0] or 0), next_cursor=int(head[1]),
                           has_more=bool(head[2]), scope_hash=scope if isinstance(scope, str)
                           else None, newest=str(newest or ""), tables=tables,
                           odd_stamps=bool(odd))


def insert_page(conn: Connection, blob: bytes, facts: PageFacts) -> int | None:
    """Insert every row of the page by SQL inside a savepoint; returns the new conflict records
    written, or None (nothing written) when the Python path must apply the page instead."""
    raw = _driver(conn)
    if facts.odd_stamps:
        return None
    plans: list[tuple[str, SqlPlan]] = []
    for table in facts.tables:
        if not isinstance(table, str):
            return None  # a row without a table name: the Python path sets it aside
        row_type = SYNC_TABLES.get(table)
        if row_type is None or table in NOT_PULLED:
            continue  # the Python path skips these too
        plan = sql_plan(conn.dialect, row_type)
        if plan is None:
            return None
        plans.append((table, plan))
    raw.execute("SAVEPOINT page_sql")
    try:
        for table, plan in plans:
            written = raw.execute(plan.sql, {"page": blob, "table": table}).rowcount
            if written != facts.tables[table]:
                raw.execute("ROLLBACK TO page_sql")  # a row in a form not handled here
                return None
    except raw.IntegrityError:
        raw.execute("ROLLBACK TO page_sql")  # a row already here: it must be merged
        return None
    finally:
        raw.execute("RELEASE page_sql")
    if set_aside.any_held(conn):  # rows set aside earlier, now applied: their records go
        raw.execute(f"DELETE FROM {set_aside.TABLE} WHERE (table_name, row_id) IN (SELECT "
                    "value ->> '$.table', value ->> '$.row_id' FROM jsonb_each(?, '$.rows'))",
                    (blob,))
    return facts.tables.get("sync_conflict", 0)


@dataclass(frozen=True, slots=True)
class ReceivedPage:
    """A page as received (JSON bytes) and its facts; ``blob`` is its JSONB form, or None where
    this SQLite has no JSONB (the Python path then applies it, from ``rows``)."""

    page: bytes
    blob: bytes | None
    facts: PageFacts
    rows: list[dict[str, Any]] | None = None


_JSONB_SINCE = (3, 45, 0)


_JSONB_BY_DRIVER: dict[type, bool] = {}


def _has_jsonb(raw: Any) -> bool:
    """Whether this driver's SQLite has JSONB; asked once per driver, not on every page."""
    driver = type(raw)
    if driver not in _JSONB_BY_DRIVER:
        version = str(raw.execute("SELECT sqlite_version()").fetchone()[0])
        _JSONB_BY_DRIVER[driver] = \
            tuple(int(part) for part in version.split(".")[:3]) >= _JSONB_SINCE
    return _JSONB_BY_DRIVER[driver]


def read_page(store: CaseloadStore, page: bytes) -> ReceivedPage:
    """Parse a page into JSONB and read its facts on a connection of its own: no write lock,
    so the fetching thread can do it while the previous page is being written."""
    with store.engine.connect() as conn:
        raw = _driver(conn)
        if _has_jsonb(raw):
            blob, facts = page_facts(raw, page)
            return ReceivedPage(page, blob, facts)
    parsed = from_json(page)
    rows: list[dict[str, Any]] = parsed["rows"]
    scope = parsed.get("scope_hash")
    return ReceivedPage(page, None, PageFacts(
        rows=len(rows), next_cursor=int(parsed["next_cursor"]),
        has_more=bool(parsed["has_more"]), scope_hash=scope if isinstance(scope, str) else None,
        newest="", tables={}), rows)


def apply_received(store: CaseloadStore, received: ReceivedPage, *, keys: bool = False
                   ) -> tuple[int, list[tuple[str, str]]]:
    """Apply one page and save the cursor in the same transaction (G3): by SQL when it can
    (insert_page), else by the Python path. Returns the new conflict records and, with
    ``keys``, every row's (table, row id)."""
    facts = received.facts
    with WriteTransaction(store) as conn:
        blob = received.blob
        if blob is None:
            rows = received.rows or []
            return (apply_rows(conn, store, rows, facts.next_cursor),
                    [(str(r["table"]), str(r["row_id"])) for r in rows] if keys else [])
        found: list[tuple[str, str]] = []
        if keys:
            found = [(str(t), str(r)) for t, r in _driver(conn).execute(
                "SELECT value ->> '$.table', value ->> '$.row_id' FROM jsonb_each(?, '$.rows')",
                (blob,))]
        conflicts = insert_page(conn, blob, facts)
        if conflicts is None:
            conflicts = apply_rows(conn, store, from_json(received.page)["rows"],
                                   facts.next_cursor)
        else:
            save_position(conn, store, facts.newest, facts.next_cursor)
    return conflicts, found
