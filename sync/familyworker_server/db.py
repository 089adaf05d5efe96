"""The database engine for one app: SQLite (embedded default) or PostgreSQL, migrated by Alembic."""

import contextlib
import os
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, insert, make_url, select

from familyworker_server import instance, models

_HOLDS_WRITER = "familyworker_writer"
# The files SQLite keeps beside a database; it creates each with the database file's own mode
# (os_unix.c), so they stay 0600 whenever it re-creates them, after a checkpoint say.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_files(database: Path) -> list[Path]:
    """The database file and the files SQLite may keep beside it."""
    return [database, *(database.with_name(database.name + side) for side in SQLITE_SIDE_FILES)]


def sqlite_path(url: str) -> Path | None:
    """The database file of an SQLite URL; None for PostgreSQL and in-memory databases."""
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database)


def _create_private(database: Path) -> None:
    """A new data folder 0700 and a new database file 0600, made so before SQLite opens it.

    The server's database holds names and notes in clear: created by SQLite under a usual
    umask (022) they would be readable by every local user. Existing ones are left as they are
    (the CLI refuses to start on ones others can read).
    """
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # An empty file is an empty SQLite database; O_EXCL leaves an existing one untouched.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = sqlite_path(url)
        if database is not None:
            _create_private(database)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30,
                                                  "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.close()

        # Writers of this process queue on a lock, woken the moment the previous one commits;
        # left to SQLite, each waiter sleeps in its busy handler (up to 100 ms a try), which
        # under fifty devices made the queue, not the work, the latency. Held from BEGIN
        # IMMEDIATE until the connection goes back to the pool, after its commit.
        writer = threading.Lock()

        # pysqlite's own transaction handling defers BEGIN; we issue it ourselves so a push
        # can take the write lock up front (BEGIN IMMEDIATE) and never deadlock on upgrade.
        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            if mode == "IMMEDIATE":
                writer.acquire()
                conn.info[_HOLDS_WRITER] = True
            conn.exec_driver_sql(f"BEGIN {mode}")

        @event.listens_for(engine.pool, "checkin")
        @event.listens_for(engine.pool, "invalidate")
        def _release(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
            if record is not None and record.info.pop(_HOLDS_WRITER, False):
                writer.release()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    # A plain path: importlib.resources cannot list an editable install's package folder.
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision; make sure the counter row and the epoch exist."""
    command.upgrade(alembic_config(engine), "head")
    with engine.begin() as conn:
        if conn.execute(select(models.sync_counter.c.id)).first() is None:
            conn.execute(insert(models.sync_counter).values(id=1, value=0))
    instance.ensure_epoch(engine)
