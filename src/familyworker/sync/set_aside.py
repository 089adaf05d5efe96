"""Pulled rows this version cannot apply, set aside instead of stopping the pass.

A row from the server whose values do not fit this version's declaration of its table
(``row_schema``: a value in a form it does not know, a required field missing - from an older
server, a newer client, a bug) is not written. It is kept in ``sync_set_aside``, inside the
encrypted store, with the reason; the pass goes on and the cursor moves past it. A later version
of the row that fits is applied and the record goes. After an app update (another app version
or store schema) every record is tried again (``page_apply.retry_set_aside``). Reasons name
fields and what is wrong, never values, so they can be logged and shown.
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Connection

from familyworker.store import migrations
from familyworker.sync import row_schema
from familyworker.sync.row_schema import RowProblem

TABLE = "sync_set_aside"
# A version stamp as a pull needs it: "<12 hex ms>-<4 hex counter>-<device>" (protocol.Hlc,
# whose device part is narrower): changes are ordered by comparing stamps as text, and the
# clock parses the newest.
HLC_PATTERN = re.compile(r"[0-9a-f]{12}-[0-9a-f]{4}-.+", re.DOTALL)


@cache
def app_version() -> str:
    try:
        return version("familyworker")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def current_version() -> tuple[str, int]:
    """The app version and store schema a record is set aside under; a record made under
    another is tried again."""
    return app_version(), migrations.latest_version()


def is_stamp(value: Any) -> bool:
    return type(value) is str and HLC_PATTERN.fullmatch(value) is not None


def envelope_problem(item: Any) -> RowProblem | None:
    """What is wrong with a pulled row apart from its data's values (the engine would otherwise
    fail on it: a stamp the clock cannot read, an id that cannot be a key), or None."""
    if type(item) is not dict:
        return RowProblem("invalid_row", "not a row")
    if type(item.get("table")) is not str:
        return RowProblem("invalid_row", "table is not a name")
    row_id = item.get("row_id")
    if type(row_id) is not str or not row_schema.ID_PATTERN.fullmatch(row_id):
        return RowProblem("invalid_row", "row_id is not an identifier")
    seq = item.get("server_seq")
    if type(seq) is not int or not 0 <= seq <= row_schema.MAX_INT:
        return RowProblem("invalid_row", "server_seq is not a sequence number")
    stamps = item.get("field_hlc")
    if type(stamps) is not dict or not all(is_stamp(s) for s in stamps.values()):
        return RowProblem("invalid_row", "field_hlc is not a set of version stamps")
    deleted = item.get("deleted")
    if deleted is not None and (type(deleted) not in (bool, int) or deleted not in (0, 1)):
        return RowProblem("invalid_row", "deleted is not true or false")
    deleted_hlc = item.get("deleted_hlc")
    if deleted_hlc is not None and not is_stamp(deleted_hlc):
        return RowProblem("invalid_row", "deleted_hlc is not a version stamp")
    if type(item.get("data")) is not dict:
        return RowProblem("invalid_row", "data is not an object")
    return None


def data_problem(table: str, data: dict[str, Any], *, complete: bool) -> RowProblem | None:
    """``row_schema.check_fields`` for pulled data: fields this version does not know are
    ignored (a newer peer's), as is a field named like a sync column (the envelope carries
    those; no path ever applied them). ``complete``: the row is new here."""
    try:
        row_schema.check_fields(table, data, complete=complete, allow_unknown=True)
    except RowProblem as problem:
        if problem.code != "unknown_field":
            return problem
        try:
            row_schema.check_fields(
                table, {k: v for k, v in data.items() if k not in row_schema.SYNC_COLUMNS},
                complete=complete, allow_unknown=True)
        except RowProblem as again:
            return again
    return None


def _key(item: Any) -> tuple[str, str, str | None, int | None]:
    """(table, row id, family id, server_seq) of a row, as far as it has them."""
    if type(item) is not dict:
        return "", "", None, None

    def text(value: Any, limit: int) -> str:
        if isinstance(value, str):
            return value[:limit]
        return "" if value is None else to_json(value).decode()[:limit]

    data = item.get("data")
    family = item.get("family_id")
    if not isinstance(family, str) and isinstance(data, dict):
        family = data.get("family_id")
    seq = item.get("server_seq")
    return (text(item.get("table"), 40), text(item.get("row_id"), 64),
            family[:64] if isinstance(family, str) else None,
            seq if type(seq) is int and 0 <= seq <= row_schema.MAX_INT else None)


def record(conn: Connection, rows: Iterable[tuple[Any, RowProblem]]) -> int:
    """Set these rows aside (one record per row: a later version replaces an earlier one).
    Returns how many."""
    app, schema = current_version()
    at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    values = [(*_key(item), str(problem)[:500], to_json(item).decode(), app, schema, at)
              for item, problem in rows]
    if values:
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE} (table_name, row_id, family_id, server_seq, reason, row_json, "
            "app_version, schema_version, set_aside_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (table_name, row_id) DO UPDATE SET family_id = excluded.family_id, "
            "server_seq = excluded.server_seq, reason = excluded.reason, "
            "row_json = excluded.row_json, app_version = excluded.app_version, "
            "schema_version = excluded.schema_version, set_aside_at = excluded.set_aside_at "
            f"WHERE coalesce(excluded.server_seq, -1) >= coalesce({TABLE}.server_seq, -1)", values)
    return len(values)


def any_held(conn: Connection) -> bool:
    return bool(conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {TABLE})").scalar())


def forget(conn: Connection, applied: list[tuple[str, str, int]]) -> None:
    """Drop the records of rows now applied at (table, row id, server_seq) or later."""
    if applied and any_held(conn):
        conn.exec_driver_sql(
            f"DELETE FROM {TABLE} WHERE table_name = ? AND row_id = ? AND "
            "coalesce(server_seq, -1) <= ?", applied)


def held_count(conn: Connection) -> int:
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {TABLE}").scalar_one())


def due_for_retry(conn: Connection) -> list[str]:
    """The rows (as received) set aside under another app version or store schema."""
    app, schema = current_version()
    return [str(r[0]) for r in conn.exec_driver_sql(
        f"SELECT row_json FROM {TABLE} WHERE app_version != ? OR schema_version != ? "
        "ORDER BY server_seq", (app, schema))]
