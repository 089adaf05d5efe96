"""``backup`` and ``restore``: a consistent copy of a running server's database, and back.

SQLite: SQLite's online backup API copies one snapshot while pushes go on (in WAL mode readers
and the writer do not wait for each other). The copy is one file, 0600, in rollback-journal
mode, and carries a fresh epoch (instance.py), so whatever restores it, devices notice.
PostgreSQL: ``pg_dump --format=custom`` (one snapshot, also online) and ``pg_restore``.
Restore goes only into an empty data folder or an empty database: it never merges.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import inspect, make_url

from familyworker_server import db, instance
from familyworker_server.accounts import AdminError, now
from familyworker_server.config import DATABASE_FILE, ServerSettings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupDone:
    path: Path
    bytes: int
    kind: str  # "sqlite" | "postgresql"


def _private_new_file(path: Path, *, force: bool) -> None:
    """``path`` made empty and 0600 (the copy holds names and notes in clear)."""
    if path.exists() and not force:
        raise AdminError(f"{path} already exists; give another file or --force to replace it.")
    if not path.parent.is_dir():
        raise AdminError(f"The folder {path.parent} does not exist.")
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def backup(settings: ServerSettings, out: Path, *, force: bool = False) -> BackupDone:
    if settings.database_url:
        return _pg_backup(settings.resolved_url(), out, force=force)
    assert settings.data_dir is not None
    source = settings.data_dir / DATABASE_FILE
    if not source.is_file():
        raise AdminError(f"There is no server database in {settings.data_dir}.")
    _private_new_file(out, force=force)
    try:
        with contextlib.closing(sqlite3.connect(source, timeout=30)) as live, \
                contextlib.closing(sqlite3.connect(out)) as copy:
            live.backup(copy)  # one snapshot: pushes committed after it began are not in it
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            copy.execute("UPDATE server_instance SET epoch = ?", (instance.fresh_epoch(),))
            copy.commit()
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise AdminError("The copy failed its integrity check; nothing was kept.")
    except (sqlite3.Error, AdminError):
        out.unlink(missing_ok=True)
        raise
    return BackupDone(out, out.stat().st_size, "sqlite")


def _libpq(url: str) -> tuple[str, str | None]:
    """A libpq connection string for pg_dump/pg_restore, and the schema the URL pins with
    ``options=-csearch_path=...`` (then only that schema is dumped), if any."""
    parsed = make_url(url).set(drivername="postgresql")
    schema = None
    options = parsed.query.get("options")
    for value in ([options] if isinstance(options, str) else list(options or ())):
        for part in unquote(value).split():
            if part.startswith("-csearch_path="):
                schema = part.removeprefix("-csearch_path=").split(",")[0]
    rendered = parsed.render_as_string(hide_password=False)
    return rendered, schema


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AdminError(f"{name} is not on PATH; install the PostgreSQL client tools (the "
                         "version of the server or newer), or run it yourself as "
                         "docs/deploy.md shows.")
    return found


def _pg_backup(url: str, out: Path, *, force: bool) -> BackupDone:
    tool = _pg_tool("pg_dump")
    _private_new_file(out, force=force)
    target, schema = _libpq(url)
    command = [tool, "--format=custom", "--no-owner", f"--file={out}"]
    if schema:
        command.append(f"--schema={schema}")
    done = subprocess.run([*command, f"--dbname={target}"], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        out.unlink(missing_ok=True)
        raise AdminError(f"pg_dump failed: {_first_line(done.stderr)}")
    return BackupDone(out, out.stat().st_size, "postgresql")


def _first_line(text: str) -> str:
    # pg_dump's messages name the database and objects, never row contents.
    return (text.strip().splitlines() or ["no message"])[0][:300]


def restore(settings: ServerSettings, source: Path) -> str:
    """Restore ``source`` into the empty target; returns the restored database's new epoch."""
    if not source.is_file():
        raise AdminError(f"There is no backup file {source}.")
    with source.open("rb") as handle:
        magic = handle.read(16)
    if settings.database_url:
        if not magic.startswith(PG_DUMP_MAGIC):
            raise AdminError(f"{source} is not a PostgreSQL backup (pg_dump --format=custom).")
        _pg_restore(settings.resolved_url(), source)
    else:
        if magic != SQLITE_MAGIC:
            raise AdminError(f"{source} is not an SQLite backup of the server.")
        assert settings.data_dir is not None
        _sqlite_restore(settings.data_dir, source)
    engine = db.make_engine(settings.resolved_url())
    try:
        db.migrate(engine)  # a backup from an older server version is brought up to date
        return instance.renew_epoch(engine, restored_at=now())
    finally:
        engine.dispose()


def _sqlite_restore(data_dir: Path, source: Path) -> None:
    target = data_dir / DATABASE_FILE
    if any(path.exists() and path.stat().st_size > 0 for path in db.sqlite_files(target)):
        raise AdminError(f"The data folder {data_dir} already holds a database; restore only "
                         "into an empty folder (move the old one aside first).")
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _private_new_file(target, force=True)
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db, \
            contextlib.closing(sqlite3.connect(target)) as live:
        backup_db.backup(live)
        live.execute("PRAGMA journal_mode = WAL")


def _pg_restore(url: str, source: Path) -> None:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise AdminError("The database already holds tables; restore only into an empty "
                         "database (create a new one first).")
    tool = _pg_tool("pg_restore")
    target, _schema = _libpq(url)
    done = subprocess.run([tool, "--no-owner", "--exit-on-error", f"--dbname={target}",
                           str(source)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AdminError(f"pg_restore failed: {_first_line(done.stderr)}")
