"""Sequence numbers and server stamps: what every server write takes, push or admin command.

Kept apart from the merge (apply.py) so the admin side (accounts.py) takes them without
importing the merge, which imports the accounts.
"""

import time

from sqlalchemy import Connection

from familyworker_server.bulk import mark

SERVER_DEVICE = "server"


def server_stamp(after: str | None = None) -> str:
    """An HLC for a value the server sets; later than ``after`` so it wins the merge."""
    wall = time.time_ns() // 1_000_000
    if after:
        wall = max(wall, int(after[:12], 16) + 1)
    return f"{wall:012x}-0000-{SERVER_DEVICE}"


def next_seqs(conn: Connection, count: int) -> list[int]:
    """Take ``count`` sequence numbers. The row lock is held to commit: seq order = commit order."""
    if count == 0:
        return []
    # Driver SQL: this runs in every push, and Core's statement handling cost more than it.
    top = int(conn.exec_driver_sql(
        f"UPDATE sync_counter SET value = value + {mark(conn)} WHERE id = 1 RETURNING value",
        (count,)).scalar_one())
    return list(range(top - count + 1, top + 1))
