"""New rows of a pulled page written by SQLite itself, from the page's JSON.

Parsing a 2,000-row page into Python objects and binding each value cost more client CPU than
SQLCipher's inserts. When every row of a page is new here and every value has a form whose
stored text is known (text, numbers, canonical dates, ISO datetimes with an offset, JSON), one
``INSERT … SELECT … FROM jsonb_each(page)`` per table writes the page without a Python object
per row. Any other page - a row already here (it must be merged), a value in an unusual form, a
table whose columns convert in other ways - is rolled back to a savepoint and applied by the
Python path (page_apply.apply_rows), unchanged. Values are stored as that path stores them,
except JSON columns, written compact (the same JSON when read back).
"""

from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json
from sqlalchemy import JSON, Connection, Date
from sqlmodel.sql.sqltypes import UTCDateTime

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.store.tables import SyncedRow
from familyworker.sync.client import SyncError
from familyworker.sync.page_apply import (
    NOT_PULLED,
    apply_rows,
    insert_plan,
    save_position,
)
from familyworker.sync.write_transaction import WriteTransaction

_DIGIT = "[0-9]"
_DATE = f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}"
_TIME = f"{_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}"
_OFFSET = f"[+-]{_DIGIT * 2}:{_DIGIT * 2}"
# The ISO forms Python's own serialisers write for an aware datetime.
_DATETIME_GLOBS = tuple(f"{_DATE}T{_TIME}{fraction}{zone}"
                        for fraction in (f".{_DIGIT * 6}", "") for zone in (_OFFSET, "Z"))


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
    plan = insert_plan(dialect, row_type)
    reads: list[str] = []  # the CTE's columns
    names: list[str] = []
    values: list[str] = []
    checks: list[str] = []
    for index, (column, default, kind, process) in enumerate(plan.columns):
        path = f"'$.{column}'"
        got = f"v{index}"
        missing = _literal(default if process is None else process(default))
        if missing is None:
            return None
        column_type = table.c[column].type
        # JSON null and a missing field read alike (NULL); they differ only where the column's
        # default is not NULL, and only there is the field's JSON type read as well.
        present = f"t{index} IS NOT NULL"
        if missing != "NULL" and not isinstance(column_type, JSON):
            reads.append(f"json_type(d, {path}) AS t{index}")
        if kind is None and process is None:
            reads.append(f"d ->> {path} AS {got}")
            expression = got
            # An array or object reads as JSON text (the Python path refuses it): any text that
            # starts like one goes to the Python path, which tells them apart.
            checks.append(f"({got} IS NULL OR substr({got}, 1, 1) NOT IN ('[', '{{'))")
        elif isinstance(column_type, Date) and kind is not None:
            reads.append(f"d ->> {path} AS {got}")
            expression = got  # 'YYYY-MM-DD' is stored as it comes
            checks.append(f"date({got}) IS {got}")  # also true for NULL
        elif isinstance(column_type, UTCDateTime):
            reads.append(f"d ->> {path} AS {got}")
            # To UTC, as the column stores it, keeping the microseconds.
            expression = (f"strftime('%Y-%m-%d %H:%M:%S', {got}) || "
                          f"iif(substr({got}, 20, 1) = '.', substr({got}, 20, 7), '.000000')")
            forms = " OR ".join(f"{got} GLOB '{form}'" for form in _DATETIME_GLOBS)
            checks.append(f"({got} IS NULL OR (({forms}) AND strftime('%Y-%m-%dT%H:%M:%S', "
                          f"substr({got}, 1, 19)) = substr({got}, 1, 19)))")
        elif isinstance(column_type, JSON) and kind is None:
            if _literal(process(None)) != "'null'":
                return None
            # JSON null is 'null' here as in the Python path; a missing field is NULL.
            reads.append(f"json(d -> {path}) AS {got}")
            expression, present = got, f"{got} IS NOT NULL"
        else:
            return None
        names.append(column)
        # A missing field takes the column's default, as in the Python path.
        values.append(expression if missing == "NULL" else
                      f"iif({present}, {expression}, {missing})")
    reads += ["value ->> '$.row_id' AS row_id", "json_type(value, '$.row_id') AS row_id_t",
              "value ->> '$.server_seq' AS seq", "json_type(value, '$.server_seq') AS seq_t",
              "json(value -> '$.field_hlc') AS stamps",
              "json_type(value, '$.field_hlc') AS stamps_t",
              "value ->> '$.deleted' AS gone", "value ->> '$.deleted_hlc' AS gone_hlc"]
    names += ["id", "server_seq", "field_hlc", "deleted_at", "deleted_hlc"]
    values += ["row_id", "seq", "stamps",
               # The moment it is written, as datetime.now(UTC) would be stored.
               "iif(gone, strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', NULL)",
               "iif(gone, gone_hlc, NULL)"]
    checks += ["row_id_t = 'text'", "seq_t = 'integer'", "stamps_t = 'object'"]
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
    tables: dict[str, int]  # rows per table


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
    newest = raw.execute(
        "SELECT max(m) FROM (SELECT max(s.value) AS m FROM jsonb_each(:p, '$.rows') AS r, "
        "jsonb_each(r.value, '$.field_hlc') AS s UNION ALL SELECT max(value ->> "
        "'$.deleted_hlc') FROM jsonb_each(:p, '$.rows'))", {"p": blob}).fetchone()[0]
    scope = head[3]
    return blob, PageFacts(rows=int(head[0] or 0), next_cursor=int(head[1]),
                           has_more=bool(head[2]), scope_hash=scope if isinstance(scope, str)
                           else None, newest=str(newest or ""), tables=tables)


def insert_page(conn: Connection, blob: bytes, facts: PageFacts) -> int | None:
    """Insert every row of the page by SQL inside a savepoint; returns the new conflict records
    written, or None (nothing written) when the Python path must apply the page instead."""
    raw = _driver(conn)
    plans: list[tuple[str, SqlPlan]] = []
    for table in facts.tables:
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
