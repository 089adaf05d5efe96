"""The client sync engine: enrol, push the outbox in idempotent batches, pull and merge pages."""

import logging
import platform
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic_core import to_json
from sqlalchemy import Connection, delete, text
from sqlmodel import col
from sqlmodel import select as sqlmodel_select

from familyworker.domain.audit import AuditAction
from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import (
    SETTING_ROLE,
    SETTING_TEAM_ID,
    SETTING_WORKER_ID,
    SETTING_WORKER_NAME,
    CaseloadStore,
)
from familyworker.store.server_address import remember_server
from familyworker.store.sync_tables import SYNC_TABLES, SetAsideRow
from familyworker.store.tables import FamilyRow
from familyworker.sync import credentials, protocol, set_aside
from familyworker.sync.attention import needs_attention_count
from familyworker.sync.client import (
    ClockAhead,
    DeviceRevoked,
    ResyncRequired,
    ServerRefused,
    SyncClient,
    SyncError,
)
from familyworker.sync.gc_pause import gc_paused
from familyworker.sync.outbox import OP_JSON_SQL, encode_built
from familyworker.sync.page_apply import SETTING_CURSOR, retry_set_aside
from familyworker.sync.page_sql import ReceivedPage, apply_received, read_page
from familyworker.sync.resend import queue_own_changes
from familyworker.sync.restamp import restamp_future_stamps
from familyworker.sync.resync import SETTING_RESYNC, remove_unseen_rows
from familyworker.sync.shred import crypto_shred
from familyworker.sync.store_client import caseload_client
from familyworker.sync.write_transaction import WriteTransaction

log = logging.getLogger(__name__)

SETTING_SERVER_URL = credentials.SETTING_SERVER_URL
# Credentials (E1) live in credentials.py; ``sync_token`` is a pre-rotation device token.
SETTING_TOKEN = credentials.SETTING_LEGACY_TOKEN
SETTING_ACCESS_TOKEN = credentials.SETTING_ACCESS_TOKEN
SETTING_REFRESH_TOKEN = credentials.SETTING_REFRESH_TOKEN
SETTING_RECONNECT = credentials.SETTING_RECONNECT
SETTING_LAST_SYNC = credentials.SETTING_LAST_SYNC
SETTING_LAST_CONTACT = credentials.SETTING_LAST_CONTACT

# The server database's epoch this caseload last synced with (protocol.EPOCH_HEADER).
SETTING_SERVER_EPOCH = "sync_server_epoch"

DEFAULT_BATCH_OPS = 2_000


class ServerRestored(Exception):
    """The server names another epoch: it was restored from a backup since the last sync."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync pass moved; counts only, safe to log and print."""

    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    conflicts_found: int = 0
    purged_families: int = 0
    open_conflicts: int = 0
    needs_attention: int = 0  # refused changes held on this device (this pass and earlier)
    # A full download after the server purged deletion records this device had not seen
    # (410 resync_scope): rows it no longer has, removed here (pending changes kept).
    resynced: bool = False
    resync_removed: int = 0
    # Pulled rows this version could not apply, kept on this device and tried again after an
    # app update (this pass and earlier; set_aside.py).
    rows_set_aside: int = 0


def is_enrolled(store: CaseloadStore) -> bool:
    """Holds credentials the server may accept. After a token reuse they are dropped (and
    ``SETTING_RECONNECT`` says why), so the worker can connect again with a new code."""
    return credentials.has_credentials(store)


def enrol(store: CaseloadStore, *, server_url: str, code: str,
          http: httpx.Client | None = None) -> protocol.EnrolResponse:
    """Bind this caseload to the server's worker; the tokens live only in the encrypted DB.

    Also how a caseload whose tokens the server stopped (``token_reused``) connects again: the
    server accepts the same device for the same worker, and the outbox and cursor are kept.
    """
    if is_enrolled(store):
        raise SyncError("This caseload is already connected to a server.")
    reconnecting = credentials.reconnect_reason(store) is not None
    client = SyncClient(server_url, http=http)
    try:
        answer = client.enrol(protocol.EnrolRequest(
            protocol=protocol.PROTOCOL_VERSION, schema_version=protocol.SCHEMA_VERSION,
            code=code.strip(), device_id=store.device_id, device_name=platform.node()[:100]))
    finally:
        client.close()
    received = datetime.now(UTC)
    old_worker = store.worker_id
    with store.unit_of_work() as uow:
        session = uow.session
        # Families made offline before enrolling name the local placeholder worker: re-point
        # them to the real worker (and team) so the server accepts them as this worker's.
        if old_worker != answer.worker_id:
            for family in session.exec(sqlmodel_select(FamilyRow).where(
                    col(FamilyRow.lead_worker_id) == old_worker)).all():
                changes: dict[str, Any] = {"lead_worker_id": answer.worker_id}
                if family.team_id is None:
                    changes["team_id"] = answer.team_id
                uow.update(family, changes, audit=False)
        credentials.save(store, credentials.Credentials(
            refresh_token=answer.refresh_token, access_token=answer.access_token,
            access_expires_at=received + timedelta(seconds=answer.expires_in)), session=session)
        settings: list[tuple[str, Any]] = [
            (SETTING_SERVER_URL, client.server_url), (SETTING_RECONNECT, None),
            (SETTING_WORKER_ID, answer.worker_id), (SETTING_WORKER_NAME, answer.worker_name),
            (SETTING_ROLE, answer.role), (SETTING_TEAM_ID, answer.team_id),
            (SETTING_LAST_CONTACT, received.isoformat())]
        if not reconnecting:  # a reconnected caseload keeps its place in the server's feed
            settings.append((SETTING_CURSOR, 0))
            settings.append((SETTING_SERVER_EPOCH, client.server_epoch))
        # (and the epoch that place belongs to: reconnecting to a restored server, as after
        # a refresh token the backup never saw, must still resync at the next pull)
        for key, value in settings:
            store.set_setting(key, value, session=session)
        uow.audit(AuditAction.SYNC, entity="device", entity_id=store.device_id,
                  detail="reconnected" if reconnecting else "enrolled")
    remember_server(store.paths, client.server_url)
    return answer


@dataclass(frozen=True, slots=True)
class Batch:
    """Outbox rows (first_seq, last_seq] as ``count`` wire ops, ``ops`` their JSON array text;
    ``members`` maps op id to its seqs."""

    batch_id: str
    first_seq: int
    last_seq: int
    ops: str
    count: int
    members: dict[str, list[int]] = field(default_factory=dict)


class SyncEngine:
    """One enrolled caseload's sync passes. Blocking: run it off the GUI thread."""

    def __init__(self, store: CaseloadStore, *, http: httpx.Client | None = None,
                 batch_ops: int = DEFAULT_BATCH_OPS,
                 page_rows: int | None = None) -> None:
        url = store.setting(SETTING_SERVER_URL)
        self.store = store
        self.client = caseload_client(store, str(url or ""), http=http)
        self.batch_ops = batch_ops
        # Rows per page: deltas in the default pages; a download from cursor 0 (a new device,
        # a full download after a 410) in the largest the server serves, since each page of
        # new rows is written by one statement per table (page_sql) and costs a commit. An
        # explicit size is used for both.
        self.page_rows = page_rows or protocol.DEFAULT_PULL_LIMIT
        self.download_rows = page_rows or protocol.MAX_PULL_LIMIT
        # Rows removed by the last pass's full download (None: there was none).
        self.last_resync: int | None = None

    def close(self) -> None:
        self.client.close()

    def sync(self) -> SyncReport:
        """Push then pull (always in that order), then leave families no longer in scope."""
        try:
            pushed, rejected = self._push_restamping()
            self.retry_set_aside()
            pulled, conflicts, scope_digest = self.pull()
            purged = self.purge_out_of_scope(scope_digest)
            resync = self.last_resync
        except DeviceRevoked:
            # The server refuses this device outright, so nothing more can be pushed: wipe.
            log.warning("device revoked; wiping the local caseload")
            crypto_shred(self.store)
            raise
        finished = datetime.now(UTC).isoformat()
        with self.store.unit_of_work() as uow:  # one commit, not one per setting
            self.store.set_setting(SETTING_LAST_SYNC, finished, session=uow.session)
            self.store.set_setting(SETTING_LAST_CONTACT, finished, session=uow.session)
        return SyncReport(pushed=pushed, rejected=rejected, pulled=pulled,
                          conflicts_found=conflicts, purged_families=purged,
                          open_conflicts=open_conflict_count(self.store),
                          needs_attention=needs_attention_count(self.store),
                          resynced=resync is not None, resync_removed=resync or 0,
                          rows_set_aside=set_aside_count(self.store))

    def retry_set_aside(self) -> None:
        """The first pass after an app update tries the rows set aside under the old version
        again (before the pull, which may bring newer versions of them)."""
        tried, applied = retry_set_aside(self.store)
        if tried:
            log.warning("tried %d rows set aside by an earlier version again: %d applied, %d "
                        "kept", tried, applied, tried - applied)

    def _push_restamping(self) -> tuple[int, int]:
        """Push; if the server refuses changes stamped while this device's clock ran fast (and
        the clock is right now), re-stamp them from now and push once more."""
        try:
            return self.push()
        except ClockAhead as refusal:
            if not refusal.stamps_only:
                raise
        moved = restamp_future_stamps(self.store)
        log.warning("re-stamped %d changes made while the clock ran fast", moved)
        return self.push()

    # ----- push ----------------------------------------------------------------------------

    def push(self) -> tuple[int, int]:
        pushed = rejected = 0
        answered: tuple[Batch, bytes] | None = None
        # One batch in flight at a time (the server sees them in order). While it travels and
        # is merged, this thread parses and records the previous answer and cuts and packs
        # (gzip) the next batch, so the server is not left waiting on the client's own work:
        # between one answer and the next send there is only the send.
        with gc_paused(), ThreadPoolExecutor(1, thread_name_prefix="sync-push") as pool:
            batch = self._next_batch(after=None)
            packed = self.client.pack(self._payload(batch)) if batch.count else b""
            while batch.count:
                in_flight = pool.submit(self.client.push_packed, packed)
                if answered is not None:
                    rejected += self._record(*answered)
                following = self._next_batch(after=batch)
                if following.count:
                    packed = self.client.pack(self._payload(following))
                answered = (batch, in_flight.result())
                pushed += batch.count
                batch = following
            if answered is not None:
                rejected += self._record(*answered)
        return pushed, rejected

    def _record(self, batch: "Batch", answer: bytes) -> int:
        """Apply the server's answer (its JSON) for a batch; returns how many ops it
        refused."""
        response = protocol.PushResponse.model_validate_json(answer)
        bad = {r.op_id: r.reason or "rejected" for r in response.results
               if r.status == "rejected"}
        self._finish_batch(batch, bad)
        if bad:
            log.warning("server refused %d changes (%s); kept as needing attention",
                        len(bad), ",".join(sorted(set(bad.values()))))
        return len(bad)

    def _payload(self, batch: "Batch") -> bytes:
        """The request body; the ops' text is reused as is (the envelope is all that is new)."""
        head = to_json({"protocol": protocol.PROTOCOL_VERSION,
                        "schema_version": protocol.SCHEMA_VERSION,
                        "device_id": self.store.device_id, "batch_id": batch.batch_id,
                        "client_time": datetime.now(UTC).isoformat()})
        return b"".join((head[:-1], b',"ops":', batch.ops.encode(), b"}"))

    def _next_batch(self, after: "Batch | None") -> "Batch":
        """The batch to send after ``after``: an unfinished one first (same id, same ops), else
        a new one; no ops when nothing more waits.

        A batch is the outbox range (previous batch's last seq, its own last seq]; only its
        last row carries the batch id, so cutting a batch rewrites one row, not thousands. The
        id is committed before the first send, so a retry after a lost answer is recognised by
        the server as the same batch (SYNC §3 trap 2). Refused ops are never in a batch again.
        """
        floor = after.last_seq if after is not None else 0
        with self._write() as conn:
            # Every pending batch, in order; a batch cut by an older version marked all its rows.
            pending = conn.exec_driver_sql(
                "SELECT batch_id, max(seq) FROM sync_outbox WHERE batch_id IS NOT NULL AND "
                "rejected_reason IS NULL GROUP BY batch_id ORDER BY 2").all()
            previous = 0
            for batch_id, last in pending:
                if last > floor:
                    return self._read_batch(conn, str(batch_id), max(previous, floor), last)
                previous = last
            # A new batch: the next batch_ops rows not refused, read once; it ends at the last.
            rows = _outbox_rows(conn, _BUILT, "seq > ? AND rejected_reason IS NULL ORDER BY seq "
                                "LIMIT ?", (floor, self.batch_ops))
            if not rows:
                return Batch("", floor, floor, "[]", 0)
            last = int(rows[-1][0])
            batch_id = new_id()
            conn.exec_driver_sql("UPDATE sync_outbox SET batch_id = ? WHERE seq = ?",
                                 (batch_id, last))
            ops, count, members = encode_built(rows, _full_rows(conn))
            return Batch(batch_id, floor, last, ops, count, members)

    @staticmethod
    def _read_batch(conn: Connection, batch_id: str, first: int, last: int) -> "Batch":
        rows = _outbox_rows(conn, _BUILT, "seq > ? AND seq <= ? AND rejected_reason IS NULL "
                            "ORDER BY seq", (first, last))
        ops, count, members = encode_built(rows, _full_rows(conn))
        return Batch(batch_id, first, last, ops, count, members)

    def _finish_batch(self, batch: "Batch", refused: dict[str, str]) -> None:
        """The server has answered: accepted ops leave the outbox; refused ones stay, marked
        with the reason, out of every later batch, for the worker to see."""
        with self._write() as conn:
            if refused:
                at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                conn.exec_driver_sql(
                    "UPDATE sync_outbox SET rejected_reason = ?, rejected_at = ? WHERE seq = ?",
                    [(reason[:100], at, seq) for op_id, reason in refused.items()
                     for seq in batch.members.get(op_id, ())])
            conn.exec_driver_sql("DELETE FROM sync_outbox WHERE seq > ? AND seq <= ? AND "
                                 "rejected_reason IS NULL", (batch.first_seq, batch.last_seq))

    # ----- pull ----------------------------------------------------------------------------

    def pull(self) -> tuple[int, int, str | None]:
        """Pull pages until caught up; returns (rows, new conflict records, scope digest).

        When the server answers 410 resync_scope (it has purged deletion records this device
        never saw), the caseload is downloaded again from the start and local rows the server
        no longer has are removed, except those with changes still waiting to be sent. The
        download is marked in the store first, so if it is interrupted it starts over.
        """
        self.last_resync = None
        resync = bool(self.store.setting(SETTING_RESYNC, False))
        cursor = 0 if resync else int(self.store.setting(SETTING_CURSOR, 0) or 0)
        try:
            return self._pull_pages(cursor, resync=resync)
        except ServerRestored:
            return self._after_restore()
        except ResyncRequired:
            if resync or cursor == 0:
                raise
        log.warning("the server asks for a full download (deletion records purged)")
        self.store.set_setting(SETTING_RESYNC, True)
        return self._pull_pages(0, resync=True)

    def _after_restore(self) -> tuple[int, int, str | None]:
        """The server was restored from a backup: its sequence numbers run again from the
        backup's, so this device's cursor may be ahead of rows it has never seen, and changes
        it had acknowledged after the backup are gone from the server. So, in one transaction,
        its own changes are queued again (resend.py: same ids and stamps, merged as no-ops
        where the server still has them), a full download is marked, and the new epoch kept;
        then they are pushed and the caseload downloaded again. Interrupted, the outbox and the
        resync mark carry the rest to the next pass."""
        log.warning("the server was restored from a backup: re-sending this device's changes "
                    "and downloading the caseload again")
        with self.store.unit_of_work() as uow:
            queued = queue_own_changes(self.store, uow.session)
            self.store.set_setting(SETTING_RESYNC, True, session=uow.session)
            self.store.set_setting(SETTING_SERVER_EPOCH, self.client.server_epoch,
                                   session=uow.session)
        log.warning("queued %d changes again", queued)
        self.push()
        return self._pull_pages(0, resync=True)

    def _check_epoch(self) -> None:
        """Raise ServerRestored when the server's epoch is not the one last synced with; the
        first epoch seen (a caseload from before epochs) is kept."""
        current = self.client.server_epoch
        if current is None:
            return  # a server from before epochs
        known = self.store.setting(SETTING_SERVER_EPOCH)
        if known is None:
            self.store.set_setting(SETTING_SERVER_EPOCH, current)
        elif known != current:
            raise ServerRestored()

    def _pull_pages(self, cursor: int, *, resync: bool) -> tuple[int, int, str | None]:
        pulled = conflicts = 0
        seen: set[tuple[str, str]] = set()
        with gc_paused(), ThreadPoolExecutor(1, thread_name_prefix="sync-pull") as pool:
            # Every page of a pass that began at 0 says so (the server then serves it below
            # its tombstone horizon); a full download after a 410 also asks for our own rows.
            options = {"download": cursor == 0, "include_own": resync}
            limit = self.download_rows if cursor == 0 else self.page_rows

            def receive(at: int) -> ReceivedPage:
                return read_page(self.store, self.client.pull_raw(
                    cursor=at, limit=limit, **options))

            fetch = pool.submit(receive, cursor)
            first = True
            while True:
                received = fetch.result()
                if first:  # before anything of a restored server's is applied
                    self._check_epoch()
                    first = False
                page = received.facts
                if page.has_more:
                    # The next page travels (and is parsed) while this one is written; the
                    # cursor is saved only in the transaction that applies its page (G3).
                    fetch = pool.submit(receive, page.next_cursor)
                new_conflicts, keys = apply_received(self.store, received, keys=resync)
                conflicts += new_conflicts
                pulled += page.rows
                seen.update(keys)
                if not page.has_more:
                    if resync:
                        self.last_resync = remove_unseen_rows(self.store, seen)
                    return pulled, conflicts, page.scope_hash

    def purge_out_of_scope(self, server_digest: str | None) -> int:
        """Remove families the server no longer gives us (after their pending ops were pushed)."""
        if server_digest is None:
            return 0
        if local_scope_hash(self.store) == server_digest:
            return 0
        with self.store.read() as session:
            local = [str(i) for i in session.execute(text(HELD_FAMILIES)).scalars()]
        allowed = set(self.client.scope().families or [])
        gone = [f for f in local if f not in allowed]
        if not gone:
            return 0
        with self.store.read() as session:
            pending = {str(f) for f in session.execute(text(
                "SELECT DISTINCT family_id FROM sync_outbox WHERE family_id IS NOT NULL "
                "AND table_name != 'audit_event' AND rejected_reason IS NULL")).scalars()}
        gone = [f for f in gone if f not in pending]
        if gone:
            purge_families(self.store, gone)
        return len(gone)

    def _write(self) -> Any:
        return WriteTransaction(self.store)


# A batch's rows with each op's JSON built by SQLite; the full rows only for rows that fold.
_BUILT = f"seq, op_id, table_name, row_id, kind, {OP_JSON_SQL}"
_FULL = "seq, op_id, table_name, row_id, family_id, kind, hlc, fields, base_server_seq"


def _outbox_rows(conn: Connection, columns: str, where: str,
                 params: tuple[int, ...] | list[int]) -> list[Any]:
    """Outbox rows through the driver's cursor: plain tuples, no result rows built for
    thousands of ops."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"SELECT {columns} FROM sync_outbox WHERE {where}", params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _full_rows(conn: Connection) -> Callable[[list[int]], list[Any]]:
    def load(seqs: list[int]) -> list[Any]:
        return _outbox_rows(conn, _FULL, f"seq IN ({', '.join('?' * len(seqs))}) ORDER BY seq",
                            seqs)
    return load


LOCAL_FAMILIES = "SELECT id FROM family"
# The families held here: those with a row, and those whose own row is set aside (their other
# rows may be here, so they must leave when the server no longer gives them).
HELD_FAMILIES = (f"{LOCAL_FAMILIES} UNION SELECT family_id FROM {set_aside.TABLE} "
                 "WHERE family_id IS NOT NULL")


def local_scope_hash(store: CaseloadStore) -> str:
    """``protocol.scope_hash`` of the families held here, joined by SQLite in id order (as
    Python sorts these ASCII ids): every pass compares it with the server's, and building a
    Python list of every family id cost a delta sync more than its own rows. A family whose
    own row is set aside is held too (its other rows may be here): it must leave when the
    server no longer gives it."""
    with store.engine.connect() as conn:
        held = HELD_FAMILIES if set_aside.any_held(conn) else LOCAL_FAMILIES
        joined = conn.exec_driver_sql(
            f"SELECT group_concat(id, char(10)) FROM ({held} ORDER BY 1)").scalar()
    return protocol.joined_scope_hash(joined)


def purge_families(store: CaseloadStore, family_ids: list[str], *,
                   detail: str = "out of scope") -> None:
    """Delete every local row of these families (F4) and audit the purge (identifiers only)."""
    with store.unit_of_work() as uow:
        for name, row_type in SYNC_TABLES.items():
            if name in ("team", "worker", "audit_event"):
                continue
            family_col = row_type.__table__.c.family_id  # type: ignore[attr-defined]
            uow.session.execute(delete(row_type).where(family_col.in_(family_ids)))
        # Rows of theirs set aside (case data too) go with them.
        uow.session.execute(delete(SetAsideRow).where(
            col(SetAsideRow.family_id).in_(family_ids)))
        for family_id in family_ids:
            uow.audit(AuditAction.PURGE, entity="family", entity_id=family_id,
                      family_id=family_id, detail=detail)


def set_aside_count(store: CaseloadStore) -> int:
    with store.engine.connect() as conn:
        return set_aside.held_count(conn)


def open_conflict_count(store: CaseloadStore) -> int:
    with store.read() as session:
        return int(session.execute(text(
            "SELECT count(*) FROM sync_conflict WHERE resolution IS NULL "
            "AND deleted_at IS NULL")).scalar_one())


__all__ = ["SETTING_CURSOR", "DeviceRevoked", "ServerRefused", "SyncEngine", "SyncError",
           "SyncReport", "enrol"]
