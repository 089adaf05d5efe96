"""Re-stamping changes made while this device's clock ran fast.

The server refuses stamps more than a few minutes ahead of its clock (a fast clock would win
every same-field edit). Once the clock is right again, changes already stamped from the future
would be refused until real time caught up — days, for a clock a year ahead. Instead, those
stamps are replaced with stamps from now, keeping their order, in the outbox and in the local
rows they came from, in one transaction; the clock then continues from the last new stamp.
Nothing typed is lost; the re-stamped edits count as made now (a colleague's edit in between
still meets them as a recorded conflict, not a silent loss).
"""

import time
from collections.abc import Iterator

from pydantic_core import from_json, to_json

from familyworker.domain.hlc import MAX_COUNTER, Timestamp
from familyworker.store.caseload_store import SETTING_HLC, CaseloadStore
from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.sync.page_apply import put_setting
from familyworker.sync.write_transaction import WriteTransaction


def _fresh_stamps(device_id: str, start_ms: int) -> Iterator[str]:
    wall, counter = start_ms, 0
    while True:
        yield str(Timestamp(wall, counter, device_id))
        counter += 1
        if counter > MAX_COUNTER:
            wall, counter = wall + 1, 0


def _is_future(stamp: str | None, device_id: str, limit_hex: str) -> bool:
    # Fixed-width lower-case hex wall time first: string order is time order.
    return stamp is not None and stamp[:12] > limit_hex and stamp.endswith("-" + device_id)


def restamp_future_stamps(store: CaseloadStore, *, now_ms: int | None = None) -> int:
    """Replace this device's stamps later than now; returns how many outbox changes moved."""
    now_ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    limit = f"{now_ms:012x}"
    device = store.device_id
    fresh = _fresh_stamps(device, now_ms)
    renamed: dict[str, str] = {}

    def new_stamp(old: str) -> str:
        if old not in renamed:
            renamed[old] = next(fresh)
        return renamed[old]

    with WriteTransaction(store) as conn, store._clock_lock:
        pending = conn.exec_driver_sql(
            "SELECT seq, hlc FROM sync_outbox WHERE substr(hlc, 1, 12) > ? ORDER BY seq",
            (limit,)).all()
        moved = [(new_stamp(hlc), seq) for seq, hlc in pending if _is_future(hlc, device, limit)]
        if moved:
            conn.exec_driver_sql("UPDATE sync_outbox SET hlc = ? WHERE seq = ?", moved)
            # Cut batches were refused whole (nothing stored for them): cut them again.
            conn.exec_driver_sql("UPDATE sync_outbox SET batch_id = NULL WHERE "
                                 "rejected_reason IS NULL")
        for name in SYNC_TABLES:
            rows = conn.exec_driver_sql(
                f"SELECT id, field_hlc, deleted_hlc FROM {name} WHERE field_hlc LIKE ? "
                "OR deleted_hlc LIKE ?", (f"%-{device}%", f"%-{device}")).all()
            changes = []
            for row_id, field_json, deleted_hlc in rows:
                stamps: dict[str, str] = from_json(field_json or "{}")
                future = {k: v for k, v in stamps.items() if _is_future(v, device, limit)}
                deleted_future = _is_future(deleted_hlc, device, limit)
                if not future and not deleted_future:
                    continue
                stamps.update({k: new_stamp(v) for k, v in future.items()})
                changes.append((to_json(stamps).decode(),
                                new_stamp(deleted_hlc) if deleted_future else deleted_hlc,
                                row_id))
            if changes:
                conn.exec_driver_sql(
                    f"UPDATE {name} SET field_hlc = ?, deleted_hlc = ? WHERE id = ?",
                    changes)
        last = Timestamp.parse(max(renamed.values())) if renamed \
            else Timestamp(now_ms, 0, device)
        current = store.clock.last()
        if renamed or current.wall_ms > now_ms:
            # The clock itself read fast: it continues from now, not from its fast readings.
            store.restart_clock(last)
            put_setting(conn, SETTING_HLC, str(last))
    return len(moved)
