"""The server's epoch: an id that changes whenever the database is restored from a backup.

A restored database is the server's past: its sequence numbers run again from where the backup
was taken, and changes acknowledged after it are gone. A device that only compared cursors
would skip the new rows numbered below its cursor and never send again what it had already had
acknowledged. So every sync answer carries the epoch (``EPOCH_HEADER``); a device that sees it
change downloads its caseload again and re-sends its own changes (familyworker.sync.engine).

Kept in a one-row table of its own, created at first start outside the Alembic history: it is
the same on every schema version, and a backup carries it like any other table. The backup
command writes a fresh epoch into an SQLite copy, and ``restore`` writes another, so a restored
database never answers with the epoch devices already hold.
"""

import secrets
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    select,
    update,
)

from familyworker.sync import protocol

EPOCH_HEADER = protocol.EPOCH_HEADER
_metadata = MetaData()
server_instance = Table(
    "server_instance", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", String(40), nullable=False),
    # When ``restore`` made this database: until a device is seen again after it, the device
    # may connect again with a new enrolment code (accounts.enrol), as its tokens were most
    # likely renewed after the backup and are unknown here.
    Column("restored_at", DateTime(timezone=True), nullable=True),
)


def fresh_epoch() -> str:
    return secrets.token_hex(16)


def ensure_epoch(engine: Engine) -> str:
    """The epoch, made (with its table) at the first start of an empty database."""
    _metadata.create_all(engine, checkfirst=True)
    with engine.begin() as conn:
        current = read_epoch(conn)
        if current is not None:
            return current
        epoch = fresh_epoch()
        conn.execute(server_instance.insert().values(id=1, epoch=epoch))
        return epoch


def read_epoch(conn: Connection) -> str | None:
    value = conn.execute(select(server_instance.c.epoch).where(server_instance.c.id == 1)).scalar()
    return None if value is None else str(value)


def renew_epoch(engine: Engine, *, restored_at: datetime | None = None) -> str:
    """A new epoch: this database is no longer the one devices last spoke to."""
    _metadata.create_all(engine, checkfirst=True)
    epoch = fresh_epoch()
    values = {"epoch": epoch, "restored_at": restored_at}
    with engine.begin() as conn:
        if conn.execute(update(server_instance).where(server_instance.c.id == 1)
                        .values(**values)).rowcount == 0:
            conn.execute(server_instance.insert().values(id=1, **values))
    return epoch


def restored_at(conn: Connection) -> datetime | None:
    """When ``restore`` made this database, or None."""
    value = conn.execute(select(server_instance.c.restored_at)
                         .where(server_instance.c.id == 1)).scalar()
    return value if isinstance(value, datetime) else None
