"""What can still be read from a damaged caseload before it is set aside (SECURITY A13).

The outbox is the part that matters: it holds every change not yet on the server (on a
caseload never enrolled, every change ever made), each a self-contained op. Those ops, and the
local settings (the device's enrolment among them), are read row by row so one damaged page
costs only what is on it, and sealed with a key derived from the caseload's own data key: the
file is no more readable than the caseload was.
"""

import json
import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from familyworker.store.database import Connection, DatabaseError
from familyworker.store.errors import StoreError

SALVAGE_FILE = "unsent-changes.sealed"
_MAGIC = b"FWSALV1\n"
_INFO = b"familyworker salvage v1"
_OUTBOX_COLUMNS = ("seq", "op_id", "batch_id", "table_name", "row_id", "family_id", "kind",
                   "hlc", "fields", "base_server_seq", "schema_version", "created_at",
                   "rejected_reason", "rejected_at")
_CHUNK = 200
_READ_ERRORS = (DatabaseError, sqlite3.DatabaseError)


class SalvageUnreadable(StoreError):
    def __init__(self) -> None:
        super().__init__("The changes saved from the damaged caseload could not be read with "
                         "this caseload's key.")


@dataclass(slots=True)
class Salvage:
    """The outbox ops (as dicts, oldest first) and settings read from a damaged database."""

    outbox: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    lost_outbox_rows: int = 0  # rows known to exist that could not be read
    settings_complete: bool = False


def read_what_is_left(connection: Connection) -> Salvage:
    """Read the outbox and settings, skipping what is damaged; never raises on damage."""
    salvage = Salvage()
    salvage.outbox, salvage.lost_outbox_rows = _read_outbox(connection)
    salvage.settings, salvage.settings_complete = _read_settings(connection)
    return salvage


def _read_outbox(connection: Connection) -> tuple[list[dict[str, Any]], int]:
    select = f"SELECT {', '.join(_OUTBOX_COLUMNS)} FROM sync_outbox"
    try:
        return [_op(row) for row in connection.execute(f"{select} ORDER BY seq")], 0
    except _READ_ERRORS:
        pass
    try:
        low, high = connection.execute("SELECT min(seq), max(seq) FROM sync_outbox").fetchone()
    except _READ_ERRORS:
        low, high = 1, None
    if high is None:
        high = _probe_highest(connection)
    if high is None:
        return [], 0
    found: list[dict[str, Any]] = []
    lost = 0
    for start in range(low or 1, high + 1, _CHUNK):
        stop = min(start + _CHUNK, high + 1)
        try:
            found += [_op(r) for r in connection.execute(
                f"{select} WHERE seq >= ? AND seq < ? ORDER BY seq", (start, stop))]
            continue
        except _READ_ERRORS:
            pass
        for seq in range(start, stop):  # the damaged chunk, one row at a time
            try:
                row = connection.execute(f"{select} WHERE seq = ?", (seq,)).fetchone()
            except _READ_ERRORS:
                lost += 1
                continue
            if row is not None:
                found.append(_op(row))
    return found, lost


def _probe_highest(connection: Connection) -> int | None:
    """The table's b-tree root is damaged: find the last seq by asking for single rows."""
    try:
        row = connection.execute(
            "SELECT seq FROM sync_outbox ORDER BY seq DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None
    except _READ_ERRORS:
        return None


def _op(row: tuple[Any, ...]) -> dict[str, Any]:
    op = dict(zip(_OUTBOX_COLUMNS, row, strict=True))
    if isinstance(op["fields"], str):
        op["fields"] = json.loads(op["fields"])
    return op


def _read_settings(connection: Connection) -> tuple[dict[str, Any], bool]:
    try:
        rows = connection.execute("SELECT key, value FROM local_setting").fetchall()
    except _READ_ERRORS:
        return {}, False
    settings: dict[str, Any] = {}
    for key, value in rows:
        try:
            settings[str(key)] = json.loads(value)
        except (TypeError, ValueError):
            continue
    return settings, True


def _cipher(data_key: bytes | bytearray) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        bytes(data_key))
    return AESGCM(derived)


def seal(data_key: bytes | bytearray, salvage: Salvage) -> bytes:
    body = json.dumps({"outbox": salvage.outbox, "settings": salvage.settings,
                       "lost_outbox_rows": salvage.lost_outbox_rows,
                       "settings_complete": salvage.settings_complete},
                      default=str, separators=(",", ":")).encode("utf-8")
    nonce = os.urandom(12)
    return _MAGIC + nonce + _cipher(data_key).encrypt(nonce, body, _MAGIC)


def unseal(data_key: bytes | bytearray, blob: bytes) -> Salvage:
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 12 + 16:
        raise SalvageUnreadable()
    nonce = blob[len(_MAGIC):len(_MAGIC) + 12]
    try:
        body = _cipher(data_key).decrypt(nonce, blob[len(_MAGIC) + 12:], _MAGIC)
        data = json.loads(body)
        return Salvage(outbox=list(data["outbox"]), settings=dict(data["settings"]),
                       lost_outbox_rows=int(data["lost_outbox_rows"]),
                       settings_complete=bool(data["settings_complete"]))
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise SalvageUnreadable() from None
