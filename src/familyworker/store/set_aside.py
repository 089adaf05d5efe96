"""A damaged caseload is moved aside, never deleted or silently recreated (SECURITY A13), and
what is still readable of its unsent changes is kept beside it, sealed with the caseload's key.

Afterwards every command tells the same story: the caseload was set aside, what was saved, and
how to recover (``CaseloadStore.recover``): enrolled, the families come back from the server
and the saved changes are sent; never enrolled, the saved changes are all there is, so say so.
"""

import shutil
from datetime import UTC, datetime
from pathlib import Path

from familyworker.atomic_file import write_atomically
from familyworker.store.database import Connection
from familyworker.store.errors import StoreError
from familyworker.store.paths import StorePaths
from familyworker.store.salvage import SALVAGE_FILE, Salvage, read_what_is_left, seal, unseal
from familyworker.store.server_address import known_server

RECOVER_HOW = "Recover it with 'familyworker recover'"


class CaseloadSetAside(StoreError):
    """The key file is here but the database was set aside as damaged: recover, not init."""


def set_aside(paths: StorePaths, connection: Connection | None,
              data_key: bytes | bytearray) -> str:
    """Save what can be read through ``connection`` (None: nothing can), close it, move the
    database files aside, and return the message to show."""
    salvage: Salvage | None = None
    if connection is not None:
        try:
            salvage = read_what_is_left(connection)
        finally:
            connection.close()
    target = _quarantine(paths)
    if salvage is not None:
        write_atomically(target / SALVAGE_FILE, seal(data_key, salvage))
    return damaged_message(paths, salvage)


def _quarantine(paths: StorePaths) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = paths.quarantine_dir / stamp
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    for file in paths.database_files():
        if file.exists():
            shutil.move(str(file), str(target / file.name))
    return target


def damaged_message(paths: StorePaths, salvage: Salvage | None) -> str:
    saved = len(salvage.outbox) if salvage is not None else 0
    parts = ["The caseload file is damaged and has been set aside (nothing was deleted); "
             "your key is kept."]
    if saved:
        parts.append(f"{saved} unsent change{'s were' if saved != 1 else ' was'} saved from "
                     "it, encrypted with your key.")
    else:
        parts.append("No unsent changes could be read from it.")
    if salvage is not None and salvage.lost_outbox_rows:
        parts.append(f"{salvage.lost_outbox_rows} more could not be read.")
    parts.append(recovery_advice(paths, salvage))
    return " ".join(parts)


def recovery_advice(paths: StorePaths, salvage: Salvage | None = None) -> str:
    if known_server(paths) is not None:
        advice = (f"{RECOVER_HOW} with the same passphrase: your families are downloaded again "
                  "from your organisation's server and the saved changes are sent.")
        if salvage is not None and not salvage.settings_complete:
            advice += (" This laptop's connection details could not be read, so connect it to "
                       "your organisation again afterwards.")
        return advice
    return (f"This caseload was never connected to an organisation's server, so there is no "
            f"copy to download. {RECOVER_HOW} with the same passphrase: it is rebuilt from the "
            "saved changes, which on this laptop are everything that could be read.")


def was_set_aside(paths: StorePaths) -> bool:
    """The key file is here, the database is not, and a damaged one was set aside."""
    return (paths.key_file.exists() and not paths.database.exists()
            and paths.quarantine_dir.is_dir() and any(paths.quarantine_dir.iterdir()))


def set_aside_error(paths: StorePaths) -> CaseloadSetAside:
    return CaseloadSetAside("This caseload's file was damaged and has been set aside; the "
                            "changes that could be read from it are kept, encrypted. "
                            + recovery_advice(paths))


def latest_salvage(paths: StorePaths, data_key: bytes | bytearray) -> Salvage | None:
    """The saved changes of the most recent set-aside (None when nothing could be saved)."""
    if not paths.quarantine_dir.is_dir():
        return None
    for folder in sorted(paths.quarantine_dir.iterdir(), reverse=True):
        sealed = folder / SALVAGE_FILE
        if sealed.is_file():
            return unseal(data_key, sealed.read_bytes())
        if (folder / paths.database.name).exists():
            return None  # the latest set-aside could not be read at all
    return None
