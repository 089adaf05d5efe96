"""Opening the SQLCipher database with a raw data key, with pinned and self-checked settings."""

import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3

from familyworker.store.errors import NotEncrypted, WrongPassphrase

SQLITE_HEADER = b"SQLite format 3\x00"

# What SQLCipher 4 promises and we rely on (A3, A4, K1); checked on every open.
EXPECTED_PRAGMAS: dict[str, str] = {
    "cipher_page_size": "4096",
    "cipher_use_hmac": "1",
    "cipher_plaintext_header_size": "0",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "secure_delete": "1",
    "temp_store": "2",
    "journal_mode": "wal",
    "synchronous": "2",
    "foreign_keys": "1",
}

DatabaseError = sqlcipher3.dbapi2.DatabaseError
Connection = Any  # sqlcipher3.dbapi2.Connection; untyped upstream


def is_plaintext_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def connect(path: Path, data_key: bytes | bytearray, *, check_same_thread: bool = False
            ) -> Connection:
    """An open, keyed, verified connection; WrongPassphrase if the key does not open the file."""
    if is_plaintext_sqlite(path):
        raise NotEncrypted()
    connection = sqlcipher3.connect(str(path), check_same_thread=check_same_thread,
                                    isolation_level=None)
    return _configure(connection, data_key)


def connect_unencrypted_for_benchmark(path: Path) -> Connection:
    """Plain SQLite through the same code path; only the store benchmark uses this."""
    return _configure(sqlite3.connect(str(path), check_same_thread=False, isolation_level=None),
                      None)


def _configure(connection: Connection, data_key: bytes | bytearray | None) -> Connection:
    try:
        # Before the key: SQLCipher otherwise prints "hmac check failed" to stderr (A14).
        if data_key is not None:
            connection.execute("PRAGMA cipher_log_level = NONE")
            connection.execute(f"PRAGMA key = \"x'{bytes(data_key).hex()}'\"")
        try:
            # A wrong key only shows on the first read.
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except (DatabaseError, sqlite3.DatabaseError):
            raise WrongPassphrase() from None
        if data_key is not None and not connection.execute("PRAGMA cipher_version").fetchone():
            raise NotEncrypted()
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("PRAGMA secure_delete = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA busy_timeout = 10000")
    except BaseException:
        connection.close()
        raise
    return connection


def read_pragmas(connection: Connection) -> dict[str, str]:
    """The live values of the settings we pin, as strings."""
    values: dict[str, str] = {}
    settings = {row[0] for row in connection.execute("PRAGMA cipher_settings").fetchall()}
    for line in settings:
        name, _, value = line.removeprefix("PRAGMA ").rstrip(";").partition(" = ")
        values[name] = value
    for name in ("secure_delete", "temp_store", "journal_mode", "synchronous", "foreign_keys"):
        values[name] = str(connection.execute(f"PRAGMA {name}").fetchone()[0])
    return values


def verify_settings(connection: Connection) -> list[str]:
    """Names of pinned settings whose live value differs (empty when all is well)."""
    live = read_pragmas(connection)
    return [name for name, expected in EXPECTED_PRAGMAS.items() if live.get(name) != expected]


def compile_options(connection: Connection) -> list[str]:
    return [row[0] for row in connection.execute("PRAGMA compile_options").fetchall()]


def integrity_ok(connection: Connection) -> bool:
    try:
        quick = connection.execute("PRAGMA quick_check").fetchall()
        cipher = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    except (DatabaseError, sqlite3.DatabaseError):
        return False
    return quick == [("ok",)] and not cipher
