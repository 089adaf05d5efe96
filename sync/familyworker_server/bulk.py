"""Bulk writes through the driver's own executemany: the hot path of a push.

SQLAlchemy Core's executemany builds a parameter dict per row through the compiler; for the
thousands of rows of an initial push that bookkeeping cost more than SQLite itself. Only plain
text, integer and boolean columns go through here (dates keep Core's type handling).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table


def mark(conn: Connection) -> str:
    """The driver's placeholder."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str],
                rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    marks = ", ".join([mark(conn)] * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
                         rows)


def bulk_update(conn: Connection, table: Table, columns: Sequence[str], keys: Sequence[str],
                rows: list[tuple[Any, ...]]) -> None:
    """UPDATE ``columns`` WHERE ``keys``; each row holds the column values, then the keys."""
    if not rows:
        return
    m = mark(conn)
    sets = ", ".join(f"{c} = {m}" for c in columns)
    where = " AND ".join(f"{k} = {m}" for k in keys)
    conn.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE {where}", rows)


def select_in(conn: Connection, sql: str, values: Sequence[Any], *,
              head: Sequence[Any] = (), chunk: int = 900) -> list[Any]:
    """Rows of ``sql`` whose ``{in}`` placeholder takes ``values``, in chunks under the limit
    on bound parameters; ``{mark}`` placeholders take ``head``, first."""
    m = mark(conn)
    found: list[Any] = []
    for start in range(0, len(values), chunk):
        part = list(values[start:start + chunk])
        text = sql.format(mark=m, **{"in": ", ".join([m] * len(part))})
        found.extend(conn.exec_driver_sql(text, (*head, *part)).all())
    return found
