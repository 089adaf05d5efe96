"""Versioned schema migrations: NNNN_name.sql files applied in order, tracked by user_version."""

import re
from importlib import resources

from familyworker.store.database import Connection

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def available() -> list[tuple[int, str]]:
    """(version, SQL) for every migration shipped, in order."""
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError("Schema migrations must be numbered 1, 2, 3 … without gaps.")
    return found


def latest_version() -> int:
    return len(available())


def current_version(connection: Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: Connection, *, target: int | None = None) -> int:
    """Apply each pending migration in its own transaction; returns the version reached."""
    goal = latest_version() if target is None else target
    version = current_version(connection)
    for number, sql in available():
        if version < number <= goal:
            # executescript runs the whole script; BEGIN/COMMIT make each step all-or-nothing.
            connection.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\n"
                                     "COMMIT;")
            version = number
    return version
