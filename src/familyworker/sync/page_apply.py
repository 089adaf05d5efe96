"""Applying pulled pages to the local store: new rows by one prepared INSERT, existing rows
merged field by field by HLC; the cursor saved in the same transaction as its page (G3).

Every row is checked against its table's declaration (row_schema) before anything is bound: a
new row as a whole, a row already here in the fields the merge would apply. A row that does not
fit - or that the database refuses - is set aside with the reason (set_aside.py) and the page
goes on; nothing of it is written."""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from pydantic_core import from_json, to_json
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, ProgrammingError

from familyworker.store.caseload_store import SETTING_HLC, CaseloadStore
from familyworker.store.codec import from_json_value, temporal_columns
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.store.tables import SyncedRow
from familyworker.sync import row_schema, set_aside
from familyworker.sync.row_schema import RowProblem
from familyworker.sync.write_transaction import WriteTransaction

log = logging.getLogger(__name__)

SETTING_CURSOR = "sync_cursor"
NOT_PULLED = frozenset({"audit_event"})
# What the database may refuse one row for (a constraint, a value it cannot bind): that row is
# set aside. Any other error (a full disk, a lock) stops the pass, as before.
_REFUSED = (IntegrityError, DataError, InterfaceError, ProgrammingError)
# What converting a value that fits the declaration may still raise (a datetime without an
# offset, a date past year 9999 once moved to UTC): that row is set aside.
_UNCONVERTIBLE = (TypeError, ValueError, OverflowError)


_DEFAULTS: dict[str, dict[str, Any]] = {}


def _defaults(row_type: type[SyncedRow]) -> dict[str, Any]:
    name = str(row_type.__tablename__)
    if name not in _DEFAULTS:
        values: dict[str, Any] = {}
        for field_name, info in row_type.model_fields.items():
            if field_name in SyncedRow.SYNC_COLUMNS:
                continue
            values[field_name] = None if info.is_required() else \
                info.get_default(call_default_factory=True)
        _DEFAULTS[name] = values
    return _DEFAULTS[name]


def apply_page(store: CaseloadStore, rows: list[dict[str, Any]], next_cursor: int) -> int:
    """Merge one page and save the cursor in the same transaction (G3). Returns new conflicts.

    Per field, the later HLC wins; local edits still in the outbox carry later stamps than the
    server state they were made on, so they survive until pushed.
    """
    with WriteTransaction(store) as conn:
        return apply_rows(conn, store, rows, next_cursor)


def apply_rows(conn: Connection, store: CaseloadStore, rows: list[Any],
               next_cursor: int) -> int:
    """``apply_page`` inside the caller's write transaction."""
    conflicts, newest = merge_rows(conn, rows)
    save_position(conn, store, newest, next_cursor)
    return conflicts


def merge_rows(conn: Connection, rows: list[Any]) -> tuple[int, str]:
    """Write pulled rows (new ones inserted, rows here merged per field); set aside those this
    version cannot apply. Returns (new conflict records, the newest stamp seen)."""
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    aside: list[tuple[Any, RowProblem]] = []
    for row in rows:
        problem = set_aside.envelope_problem(row)
        if problem is None:
            by_table[row["table"]].append(row)
        else:
            aside.append((row, problem))
    conflicts = 0
    newest = ""
    passed: list[tuple[str, str, int]] = []  # rows that fit: older records of them go
    for table_name, items in by_table.items():
        row_type = SYNC_TABLES.get(table_name)
        if row_type is None or table_name in NOT_PULLED:
            continue  # a table this version does not know: skipped, the cursor moves on
        for item in items:
            newest = max(newest, max(item["field_hlc"].values(), default=""),
                         item.get("deleted_hlc") or "")
        declared = row_schema.TABLES.get(table_name)
        if declared is None:  # synced here but not declared (a test holds them equal)
            aside.extend((item, RowProblem("unknown_table", "")) for item in items)
            continue
        table = row_type.__table__  # type: ignore[attr-defined]
        columns = set(_defaults(row_type))
        existing: dict[str, Any] = {}
        # Which ids are here at all, by the driver (on an initial pull: none, so the full
        # rows - built by Core - are loaded only for the few that will be merged).
        ids = _present_ids(conn, table.name, [item["row_id"] for item in items])
        for start in range(0, len(ids), 900):
            for found in conn.execute(select(table).where(
                    table.c.id.in_(ids[start:start + 900]))):
                existing[found.id] = found
        plan = insert_plan(conn.dialect, row_type)
        updating = update_plan(conn.dialect, row_type)
        new_rows: list[tuple[Any, ...]] = []
        new_items: list[dict[str, Any]] = []
        updates: list[tuple[Any, ...]] = []
        updated_items: list[dict[str, Any]] = []
        for item in items:
            local = existing.get(item["row_id"])
            try:
                if local is None:
                    problem = set_aside.data_problem(table_name, item["data"], complete=True)
                    if problem is not None:
                        raise problem
                    new_rows.append(plan.bind(item, item["field_hlc"]))
                    new_items.append(item)
                    existing[item["row_id"]] = None
                    continue
                merged = _merge_local(row_type, columns, declared.by_name, local, item)
                if merged is not None:
                    updates.append(updating.bind(merged))
                    updated_items.append(item)
                else:
                    passed.append((table_name, item["row_id"], item["server_seq"]))
            except RowProblem as problem:
                aside.append((item, problem))
            except _UNCONVERTIBLE:
                aside.append((item, _unstorable(conn.dialect, row_type, item["data"])))
        for sql, values, written in ((plan.sql, new_rows, new_items),
                                     (updating.sql, updates, updated_items)):
            for item in _execute(conn, sql, values, written, aside):
                passed.append((table_name, item["row_id"], item["server_seq"]))
                if written is new_items and table_name == "sync_conflict":
                    conflicts += 1
    set_aside.forget(conn, passed)
    if aside:
        set_aside.record(conn, aside)
        log.warning("%d pulled rows set aside, kept on this device (%s)", len(aside),
                    "; ".join(sorted({f"{_table_of(item)} {problem}"
                                      for item, problem in aside})))
    return conflicts, newest


def _table_of(item: Any) -> str:
    table = item.get("table") if isinstance(item, dict) else None
    return table if isinstance(table, str) and table in SYNC_TABLES else "a row"


def _execute(conn: Connection, sql: str, values: list[tuple[Any, ...]],
             items: list[dict[str, Any]], aside: list[tuple[Any, RowProblem]]
             ) -> list[dict[str, Any]]:
    """One executemany; if the database refuses a row, each row alone, the refused ones set
    aside. Returns the items written."""
    if not values:
        return []
    conn.exec_driver_sql("SAVEPOINT pulled_rows")
    try:
        conn.exec_driver_sql(sql, values)
        return items
    except _REFUSED:
        conn.exec_driver_sql("ROLLBACK TO pulled_rows")
    finally:
        conn.exec_driver_sql("RELEASE pulled_rows")
    written: list[dict[str, Any]] = []
    for one, item in zip(values, items, strict=True):
        conn.exec_driver_sql("SAVEPOINT pulled_row")
        try:
            conn.exec_driver_sql(sql, one)
            written.append(item)
        except _REFUSED:
            conn.exec_driver_sql("ROLLBACK TO pulled_row")
            aside.append((item, RowProblem("invalid_row", "this version's database refused it")))
        finally:
            conn.exec_driver_sql("RELEASE pulled_row")
    return written


def _unstorable(dialect: Any, row_type: type[SyncedRow], data: Mapping[str, Any]) -> RowProblem:
    """Which field of a row that fits the declaration this version still cannot store."""
    table = row_type.__table__  # type: ignore[attr-defined]
    for name, value in data.items():
        if name not in table.c or name in SyncedRow.SYNC_COLUMNS:
            continue
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        try:
            converted = from_json_value(row_type, name, value)
            if process is not None:
                process(converted)
        except _UNCONVERTIBLE:
            return RowProblem("invalid_field", f"{name} cannot be stored by this version")
    return RowProblem("invalid_row", "this version cannot store it")


def retry_set_aside(store: CaseloadStore) -> tuple[int, int]:
    """After an app update, the rows set aside under another version are tried again: applied
    if this version can, else kept (marked with this version, so they wait for the next one).
    Returns (rows tried, rows now applied)."""
    with store.engine.connect() as conn:
        if not set_aside.due_for_retry(conn):
            return 0, 0
    with WriteTransaction(store) as conn:
        due = set_aside.due_for_retry(conn)
        before = set_aside.held_count(conn)
        _conflicts, newest = merge_rows(conn, [from_json(row) for row in due])
        observe_stamps(conn, store, newest)
        return len(due), before - set_aside.held_count(conn)


def observe_stamps(conn: Connection, store: CaseloadStore, newest: str) -> None:
    """The clock past the newest stamp seen, saved in the caller's transaction."""
    if newest:
        # The store's clock lock: stamps issued after this pull order after what we saw.
        with store._clock_lock:
            store.clock.observe(newest)
            put_setting(conn, SETTING_HLC, str(store.clock.last()))


def save_position(conn: Connection, store: CaseloadStore, newest: str, next_cursor: int) -> None:
    """The clock past the newest stamp seen, and the cursor, in the page's transaction (G3)."""
    observe_stamps(conn, store, newest)
    put_setting(conn, SETTING_CURSOR, next_cursor)


def _present_ids(conn: Connection, table: str, ids: list[str]) -> list[str]:
    """Those of ``ids`` that have a local row (an index-only lookup through the driver)."""
    found: list[str] = []
    cursor = conn.connection.cursor()
    try:
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            cursor.execute(f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
                           chunk)
            found.extend(row[0] for row in cursor.fetchall())
    finally:
        cursor.close()
    return found


_MISSING = object()
_SYNC_NAMES = ("id", "server_seq", "field_hlc", "deleted_at", "deleted_hlc")


@dataclass(frozen=True, slots=True)
class _Convert:
    """One column's conversion: wire ISO text to ``kind`` (date/datetime), then ``process`` (the
    column's SQLAlchemy bind processor). ``none`` and ``empty`` are what it makes of None and
    of an empty list, computed once (_MISSING when it refuses them); ``memo`` caches converted
    date text (a pure function of the text, and few distinct values: a page's dates repeat)."""

    index: int
    kind: Any
    process: Any
    none: Any
    empty: Any
    memo: dict[str, Any]

    def __call__(self, value: Any) -> Any:
        if value is None and self.none is not _MISSING:
            return self.none
        if type(value) is list and not value and self.empty is not _MISSING:
            return self.empty
        if self.kind is not None and isinstance(value, str):
            memo = self.memo
            done = memo.get(value, _MISSING)
            if done is _MISSING:
                converted = self.kind.fromisoformat(value)
                done = converted if self.process is None else self.process(converted)
                if self.kind is date and len(memo) < 10_000:
                    memo[value] = done
            return done
        return value if self.process is None else self.process(value)


@dataclass(frozen=True, slots=True)
class _InsertPlan:
    """A table's INSERT and, per column, (name, default, date kind, bind processor): built once
    so a pulled row becomes a bind-ready tuple without intermediate dicts (pull is client-bound).
    Values are converted exactly as before: wire ISO text to date/datetime, then the column's
    own SQLAlchemy bind processor.

    A row from a current server names every column: its values are then taken in one
    ``itemgetter`` call and only the columns with a conversion are visited."""

    sql: str
    columns: tuple[tuple[str, Any, Any, Any], ...]
    sync_binds: tuple[Any, ...]
    names: frozenset[str]
    getter: Callable[[dict[str, Any]], tuple[Any, ...]] | None
    converts: tuple[_Convert, ...]
    deleted_at: _Convert

    def bind(self, item: dict[str, Any], stamps: dict[str, str]) -> tuple[Any, ...]:
        data: dict[str, Any] = item["data"]
        if self.getter is None or data.keys() != self.names:
            return self._bind_each(item, stamps)
        out = list(self.getter(data))
        for convert in self.converts:
            out[convert.index] = convert(out[convert.index])
        deleted_at = deleted_hlc = None
        if item.get("deleted"):  # as _sync_columns for a row with no local state
            deleted_at = self.deleted_at(datetime.now(UTC))
            deleted_hlc = item.get("deleted_hlc")
        else:
            deleted_at = self.deleted_at.none
        out += (item["row_id"], item["server_seq"], to_json(stamps).decode(), deleted_at,
                deleted_hlc)
        return tuple(out)

    def _bind_each(self, item: dict[str, Any], stamps: dict[str, str]) -> tuple[Any, ...]:
        """Any row: missing columns take their defaults (unconverted, as before)."""
        data: dict[str, Any] = item["data"]
        out: list[Any] = []
        append = out.append
        for name, default, kind, process in self.columns:
            value = data.get(name, _MISSING)
            if value is _MISSING:
                value = default
            elif kind is not None and isinstance(value, str):
                value = kind.fromisoformat(value)
            append(value if process is None else process(value))
        sync = _sync_columns(item, stamps, None, None)
        for name, process in zip(_SYNC_NAMES, self.sync_binds, strict=True):
            value = sync[name]
            append(value if process is None else process(value))
        return tuple(out)


_PLANS: dict[str, _InsertPlan] = {}


def insert_plan(dialect: Any, row_type: type[SyncedRow]) -> _InsertPlan:
    """A table's INSERT and per-column conversions (cached per dialect)."""
    name = f"{row_type.__tablename__}:{dialect.name}"
    plan = _PLANS.get(name)
    if plan is None:
        table = row_type.__table__  # type: ignore[attr-defined]
        kinds = temporal_columns(row_type)

        def processor(column: str) -> Any:
            return table.c[column].type.dialect_impl(dialect).bind_processor(dialect)

        def convert(index: int, column: str) -> _Convert:
            process = processor(column)

            def once(value: Any) -> Any:
                try:
                    return value if process is None else process(value)
                except Exception:  # a processor that refuses this value: never shortcut
                    return _MISSING
            return _Convert(index, kinds.get(column), process, once(None), once([]), {})

        defaults = _defaults(row_type)
        names = [*defaults, *_SYNC_NAMES]
        # The fast path needs a tuple from itemgetter (2+ columns) and no processor on the
        # sync columns other than deleted_at's.
        fast = len(defaults) > 1 and all(
            processor(n) is None for n in _SYNC_NAMES if n != "deleted_at")
        plan = _InsertPlan(
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
            f"({', '.join('?' * len(names))})",
            tuple((n, d, kinds.get(n), processor(n)) for n, d in defaults.items()),
            tuple(processor(n) for n in _SYNC_NAMES),
            frozenset(defaults), itemgetter(*defaults) if fast else None,
            tuple(convert(i, n) for i, n in enumerate(defaults)
                  if kinds.get(n) is not None or processor(n) is not None),
            convert(len(defaults) + _SYNC_NAMES.index("deleted_at"), "deleted_at"))
        _PLANS[name] = plan
    return plan


@dataclass(frozen=True, slots=True)
class _UpdatePlan:
    """A table's UPDATE of a merged row: every content and sync column, by id; each value
    through its column's SQLAlchemy bind processor, as Core would."""

    sql: str
    columns: tuple[tuple[str, Any], ...]

    def bind(self, merged: dict[str, Any]) -> tuple[Any, ...]:
        return (*(merged[n] if p is None else p(merged[n]) for n, p in self.columns),
                merged["id"])


_UPDATES: dict[str, _UpdatePlan] = {}


def update_plan(dialect: Any, row_type: type[SyncedRow]) -> _UpdatePlan:
    name = f"{row_type.__tablename__}:{dialect.name}"
    plan = _UPDATES.get(name)
    if plan is None:
        table = row_type.__table__  # type: ignore[attr-defined]
        names = [*_defaults(row_type), *(n for n in _SYNC_NAMES if n != "id")]
        plan = _UpdatePlan(
            f"UPDATE {table.name} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            tuple((n, table.c[n].type.dialect_impl(dialect).bind_processor(dialect))
                  for n in names))
        _UPDATES[name] = plan
    return plan


def _sync_columns(item: dict[str, Any], stamps: dict[str, str], deleted_at: Any,
                  deleted_hlc: str | None) -> dict[str, Any]:
    incoming = item.get("deleted_hlc")
    if item.get("deleted") and (deleted_hlc is None or (incoming or "") > deleted_hlc):
        deleted_at = deleted_at or datetime.now(UTC)
        deleted_hlc = incoming
    elif not item.get("deleted") and incoming and incoming > (deleted_hlc or ""):
        # Restored on another device after the deletion this device holds (or a restore
        # stamped later than this device's own deletion): the later one wins, as on the server.
        deleted_at, deleted_hlc = None, incoming
    return {"id": item["row_id"], "server_seq": item["server_seq"],
            "field_hlc": to_json(stamps).decode(), "deleted_at": deleted_at,
            "deleted_hlc": deleted_hlc}


def _merge_local(row_type: type[SyncedRow], columns: set[str],
                 declared: Mapping[str, row_schema.Column], local: Any,
                 item: dict[str, Any]) -> dict[str, Any] | None:
    """The local row with the incoming fields whose stamps are later; RowProblem when one of
    those does not fit its column (the row is then left as it is)."""
    local_stamps: dict[str, str] = from_json(local.field_hlc or "{}")
    incoming: dict[str, str] = item["field_hlc"]
    values = {name: getattr(local, name) for name in columns}
    stamps = dict(local_stamps)
    changed = False
    for name, value in item["data"].items():
        if name not in columns:
            continue
        theirs = incoming.get(name) or incoming.get("*", "")
        mine = local_stamps.get(name) or local_stamps.get("*", "")
        if theirs > mine:
            column = declared.get(name)
            problem = None if column is None else row_schema.value_problem(column, value)
            if problem is not None:
                raise RowProblem("invalid_field", f"{name} {problem}")
            values[name] = from_json_value(row_type, name, value)
            stamps[name] = theirs
            changed = True
    sync = _sync_columns(item, stamps, local.deleted_at, local.deleted_hlc)
    if not changed and sync["deleted_hlc"] == local.deleted_hlc and \
            local.server_seq is not None and local.server_seq >= item["server_seq"]:
        return None
    if (local.server_seq or 0) > item["server_seq"]:
        sync["server_seq"] = local.server_seq
    return {**values, **sync}


def put_setting(conn: Connection, key: str, value: Any) -> None:
    conn.execute(text("INSERT INTO local_setting (key, value) VALUES (:k, :v) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                 {"k": key, "v": json.dumps(value)})
