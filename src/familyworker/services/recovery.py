"""Recovering a caseload that was set aside as damaged (docs/data-protection.md, "A damaged
caseload").

``CaseloadStore.recover`` builds a new database under the same key with the device's saved
settings; here the saved unsent changes go back where they were: into the outbox (same op ids,
so an op the server already merged before the damage is recognised there, never applied twice)
and into the records themselves, through the same merge a pulled page takes. The download
position starts again from nothing, so an enrolled device's next sync brings every family back.
All of it is one transaction with clearing ``recovery_pending``: a recovery killed half way is
finished by running it again.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from familyworker.store.caseload_store import SETTING_RECOVERY_PENDING, CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.store.paths import StorePaths
from familyworker.store.salvage import Salvage
from familyworker.store.server_address import known_server
from familyworker.store.set_aside import was_set_aside
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.sync.credentials import has_credentials
from familyworker.sync.page_apply import NOT_PULLED, SETTING_CURSOR, insert_plan, merge_rows
from familyworker.sync.write_transaction import WriteTransaction

_OUTBOX_COLUMNS = ("op_id", "batch_id", "table_name", "row_id", "family_id", "kind", "hlc",
                   "fields", "base_server_seq", "schema_version", "created_at",
                   "rejected_reason", "rejected_at")
_LOCAL_SEQ = 0  # merge_rows wants a sequence number; restored rows have none from a server


@dataclass(frozen=True, slots=True)
class Recovered:
    store: CaseloadStore
    changes_saved: int  # unsent changes put back in the outbox
    records_restored: int  # records rebuilt from them on this laptop
    enrolled: bool
    must_reconnect: bool  # enrolled, but the connection details could not be saved

    def in_words(self, *, sync_how: str = "sync") -> str:
        saved, records = self.changes_saved, self.records_restored
        said = (f"Recovered: {saved} saved change{'s' if saved != 1 else ''} put back, "
                f"{records} record{'s' if records != 1 else ''} rebuilt on this laptop.")
        if self.must_reconnect:
            return (said + " This laptop's connection to your organisation could not be "
                    "saved: connect it again, then sync to bring your families back.")
        if self.enrolled:
            return (said + f" {sync_how[0].upper()}{sync_how[1:]} to bring your families back "
                    "and send the saved changes.")
        return (said + " This caseload was never connected to a server: what is here now is "
                "everything that could be read from the damaged file.")


def recover_caseload(data_dir: Path, passphrase: str) -> Recovered:
    """Recover after a set-aside, or finish a recovery that was interrupted."""
    paths = StorePaths(data_dir)
    if was_set_aside(paths):
        store, salvage = CaseloadStore.recover(data_dir, passphrase)
    else:
        store = CaseloadStore.unlock(data_dir, passphrase)
        if not store.setting(SETTING_RECOVERY_PENDING):
            store.lock()
            raise StoreError("This caseload is not damaged; there is nothing to recover.")
        salvage = store.saved_changes()
    try:
        saved, restored = put_back(store, salvage)
        enrolled = known_server(paths) is not None
        return Recovered(store=store, changes_saved=saved, records_restored=restored,
                         enrolled=enrolled,
                         must_reconnect=enrolled and not has_credentials(store))
    except BaseException:
        store.lock()
        raise


def put_back(store: CaseloadStore, salvage: Salvage | None) -> tuple[int, int]:
    """Outbox rows and the records they describe, then clear the pending mark; idempotent."""
    ops = salvage.outbox if salvage is not None else []
    rows = _rows_from(ops)
    with WriteTransaction(store) as conn:
        for op in ops:
            values = [json.dumps(op["fields"]) if name == "fields" else op.get(name)
                      for name in _OUTBOX_COLUMNS]
            conn.exec_driver_sql(
                f"INSERT OR IGNORE INTO sync_outbox ({', '.join(_OUTBOX_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_OUTBOX_COLUMNS))})", tuple(values))
        records = [row for row in rows if row["table"] not in NOT_PULLED]
        merge_rows(conn, records)
        # The device's own audit trail (never pulled, so not merged): written as it was.
        for table in NOT_PULLED:
            own = [row for row in rows if row["table"] == table]
            plan = insert_plan(conn.dialect, SYNC_TABLES[table])
            if own:
                conn.exec_driver_sql(plan.sql, [plan.bind(r, r["field_hlc"]) for r in own])
        for table in {row["table"] for row in rows}:
            conn.exec_driver_sql(f'UPDATE "{table}" SET server_seq = NULL '
                                 "WHERE server_seq = ?", (_LOCAL_SEQ,))
        conn.exec_driver_sql("DELETE FROM local_setting WHERE key IN (?, ?)",
                             (SETTING_CURSOR, SETTING_RECOVERY_PENDING))
    return len(ops), len(records)


def _rows_from(ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record whose creation is among the saved changes, with its later changes folded in
    (as a pulled row, so the pull's checks and merge apply). A change to a record created
    before the last sync is left to the outbox: the next sync brings the record back."""
    states: dict[tuple[str, str], dict[str, Any]] = {}
    for op in ops:
        key = (str(op["table_name"]), str(op["row_id"]))
        fields: dict[str, Any] = op["fields"] or {}
        state = states.get(key)
        if op["kind"] in ("insert", "append"):
            states[key] = {"table": key[0], "row_id": key[1], "server_seq": _LOCAL_SEQ,
                           "data": dict(fields), "field_hlc": {"*": op["hlc"]},
                           "deleted": False, "deleted_hlc": None}
        elif state is None:
            continue
        elif op["kind"] == "update":
            state["data"].update(fields)
            state["field_hlc"].update(dict.fromkeys(fields, op["hlc"]))
        elif op["kind"] == "delete":
            state["deleted"], state["deleted_hlc"] = True, op["hlc"]
        elif op["kind"] == "restore":
            state["deleted"], state["deleted_hlc"] = False, op["hlc"]
    return list(states.values())
