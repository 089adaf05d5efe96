"""Push merge and pull queries: field-level merge by HLC, conflict records, scope, sequence."""

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import from_json, to_json
from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.sql.compiler import SQLCompiler

from familyworker.domain.ids import new_id
from familyworker.sync import protocol
from familyworker.sync.protocol import Op, PushRequest
from familyworker.sync.row_schema import AUTHOR_COLUMNS, TABLES, RowProblem, check_fields
from familyworker_server import audit_chain, models
from familyworker_server.accounts import Actor, audit, now
from familyworker_server.bulk import bulk_insert, bulk_update, mark, select_in
from familyworker_server.errors import ApiError
from familyworker_server.scope_models import family_member
from familyworker_server.screen import screen
from familyworker_server.sequence import SERVER_DEVICE, next_seqs, server_stamp
from familyworker_server.tombstones import check_cursor

# Fields that say who wrote a record: the server sets them from the token (F2).
AUTHOR_FIELDS = tuple(sorted(AUTHOR_COLUMNS))
CO_WORKER_TABLE = "family_co_worker"
ASSIGNMENT_FIELDS = ("lead_worker_id", "team_id")


# "<12 hex ms>-<4 hex counter>-<device>" (the wire pattern checks it): the device starts here.
STAMP_DEVICE_AT = 18


# field_seq's key for the server_seq of the row's last delete or restore (never a field name:
# the wire pattern has no "~").
DELETED_SEQ = "~deleted"
_EDIT_KINDS = frozenset({"insert", "update", "append"})
# Tables whose rows are not a family's records in their own right.
_NOT_CHILDREN = frozenset({"family", protocol.CONFLICT_TABLE, "audit_event"})
# Records that never conflict: append-only ones, and conflict records themselves.
_NO_CONFLICT_TABLES = protocol.APPEND_ONLY_TABLES | {protocol.CONFLICT_TABLE}


def stamp_device(hlc: str) -> str:
    return hlc[STAMP_DEVICE_AT:]


@dataclass
class Stored:
    """A sync_row being merged in memory."""

    table: str
    row_id: str
    family_id: str | None
    team_id: str | None
    data: dict[str, Any]
    field_hlc: dict[str, str]
    field_seq: dict[str, int]
    server_seq: int
    deleted: bool
    deleted_hlc: str | None
    is_new: bool = False
    changed: bool = False
    changed_fields: set[str] = field(default_factory=set)

    def stamp(self, name: str) -> str | None:
        return self.field_hlc.get(name) or self.field_hlc.get("*")

    def seq_of(self, name: str) -> int:
        return self.field_seq.get(name) or self.field_seq.get("*") or self.server_seq

    def deleted_seq(self) -> int:
        """The server_seq of the deletion (rows deleted before it was kept: the last change)."""
        return self.field_seq.get(DELETED_SEQ) or self.server_seq

    def deleted_elsewhere(self, device: str) -> bool:
        """Deleted, by a device other than ``device``, in a table whose records can conflict."""
        return self.deleted and self.table not in _NO_CONFLICT_TABLES and \
            stamp_device(self.deleted_hlc or "") != device

    def sole_device(self) -> str | None:
        devices = {s[STAMP_DEVICE_AT:] for s in self.field_hlc.values()}
        if self.deleted_hlc:
            devices.add(self.deleted_hlc[STAMP_DEVICE_AT:])
        return devices.pop() if len(devices) == 1 else None


@dataclass
class Scope:
    """What one actor may see and write, computed per request from the database (F3)."""

    actor: Actor
    families: dict[str, tuple[str | None, str | None]]  # family id -> (team, lead worker)
    co_worker_of: set[str] = field(default_factory=set)  # families the worker is allocated to

    def allows(self, family_id: str) -> bool:
        if family_id not in self.families:
            return False
        team_id, lead = self.families[family_id]
        if self.actor.role == "admin":
            return True
        if self.actor.role == "supervisor":
            return team_id is not None and team_id == self.actor.team_id
        return lead == self.actor.worker_id or family_id in self.co_worker_of


def _load_scope(conn: Connection, actor: Actor, family_ids: set[str]) -> Scope:
    families: dict[str, tuple[str | None, str | None]] = {}
    for family_id, team_id, lead in select_in(
            conn, "SELECT family_id, team_id, lead_worker_id FROM family_scope "
            "WHERE family_id IN ({in})", sorted(family_ids)):
        families[family_id] = (team_id, lead)
    co_worker_of: set[str] = set()
    if actor.role == "worker" and families:
        co_worker_of = {r[0] for r in select_in(
            conn, "SELECT family_id FROM family_member WHERE worker_id = {mark} "
            "AND family_id IN ({in})", sorted(families), head=(actor.worker_id,))}
    return Scope(actor, families, co_worker_of)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _load_rows(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Stored]:
    found: dict[tuple[str, str], Stored] = {}
    by_table: dict[str, list[str]] = {}
    for table, row_id in keys:
        by_table.setdefault(table, []).append(row_id)
    loads = from_json
    for table, ids in by_table.items():
        for row in select_in(
                conn, "SELECT row_id, family_id, team_id, data, field_hlc, field_seq, "
                "server_seq, deleted, deleted_hlc FROM sync_row "
                "WHERE table_name = {mark} AND row_id IN ({in})", ids, head=(table,)):
            found[(table, row[0])] = Stored(
                table, row[0], row[1], row[2], loads(row[3]), loads(row[4]), loads(row[5]),
                row[6], bool(row[7]), row[8])
    return found


_OPS = TypeAdapter(list[Op])
# The envelope's client_time changes on every retry of a batch; everything else is the same.
_CLIENT_TIME = re.compile(rb'"client_time"\s*:\s*"[^"]*"')


def body_hash(body: bytes) -> str:
    """Digest of a push body minus its client_time: the same batch sent again (byte-identical
    ops, SYNC §3 trap 2) has the same digest. One pass over the bytes; no re-serialising,
    and no copy of the body without it (``re.sub`` cost more than the digest)."""
    found = _CLIENT_TIME.search(body)
    if found is None:
        return hashlib.sha256(body).hexdigest()
    view = memoryview(body)
    digest = hashlib.sha256(view[:found.start()])
    digest.update(view[found.end():])
    return digest.hexdigest()


def request_hash(request: PushRequest) -> str:
    """The digest stored by servers before 2026-12 (the ops re-serialised)."""
    return hashlib.sha256(_OPS.dump_json(request.ops)).hexdigest()


def legacy_request_hash(request: PushRequest) -> str:
    """The digest stored by servers before 2026-11; a retry across the upgrade still matches."""
    payload = json.dumps([op.model_dump(mode="json") for op in request.ops], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def same_batch(stored_hash: str, digest: str, request: PushRequest, body: bytes) -> bool:
    """Whether a stored batch answer belongs to this request. Other digests are computed only
    when the raw one differs: a retry across a server upgrade (the older digests), or across a
    client upgrade (clients before 2026-12 sent compact JSON; later ones splice each stored
    change in as stored, so the same ops can arrive as different bytes)."""
    return stored_hash == digest or stored_hash in (
        body_hash(to_json(from_json(body))), request_hash(request),
        legacy_request_hash(request))


def _result(op_id: str, status: str, reason: str | None = None) -> dict[str, Any]:
    return {"op_id": op_id, "status": status, "reason": reason, "server_seq": None}


def check_clock(request: PushRequest) -> None:
    """409 clock_ahead when the device's clock, or a stamp it issued, is more than
    MAX_CLOCK_AHEAD_S ahead of ours; nothing is written, so the same batch can go again."""
    limit = now().timestamp() + protocol.MAX_CLOCK_AHEAD_S
    client_time = request.client_time
    if client_time.tzinfo is not None and client_time.timestamp() > limit:
        ahead = round((client_time.timestamp() - limit) / 60) + protocol.MAX_CLOCK_AHEAD_S // 60
        raise ApiError(409, "clock_ahead", f"This device's clock is about {ahead} minutes "
                       "ahead of the server's, so its changes would wrongly win over "
                       "colleagues' edits.")
    # Stamps start with 12 fixed-width lower-case hex digits: the greatest string is the latest.
    newest = max((op.hlc for op in request.ops), default="")
    for op in request.ops:
        if op.field_hlc:
            newest = max(newest, *op.field_hlc.values())
    if newest and int(newest[:12], 16) / 1000 > limit:
        # Marked so a client whose clock is right again re-stamps them and sends them again.
        raise ApiError(409, "clock_ahead", "Some changes on this device carry a time ahead of "
                       "the server's clock, so they would wrongly win over colleagues' edits.",
                       errors=[{"type": "stamps_ahead"}])


_SYNCED_TABLES = frozenset(protocol.SYNCED_TABLE_NAMES)
_REQUIRED = {name: frozenset(table.required) for name, table in TABLES.items()}
# Tables whose new records PushApplier._new_row may store directly, with their author columns
# (the server's to set: a value other than the caller's goes the long way).
_FAST_TABLES = {name: tuple(c.name for c in TABLES[name].columns if c.name in AUTHOR_COLUMNS)
                for name in protocol.SYNCED_TABLE_NAMES
                if name not in ("team", "worker", "audit_event", protocol.CONFLICT_TABLE,
                                CO_WORKER_TABLE)}
# Per table taken by _new_row: (its author columns, its required columns, whether it is
# the family table), looked up once per op.
_FAST_RULES = {name: (authors, _REQUIRED[name], name == "family")
               for name, authors in _FAST_TABLES.items()}
_NEW_KINDS = frozenset({"insert", "append", "update"})
_ABSENT = object()
_ROW_COLUMNS = ("family_id", "team_id", "data", "field_hlc", "field_seq", "server_seq",
                "deleted", "deleted_hlc", "sole_device")
_ROW_KEY = ("table_name", "row_id")


@dataclass
class _Conflict:
    family_id: str | None
    team_id: str | None
    table: str
    row_id: str
    field: str
    kept_value: Any
    kept_hlc: str
    other_value: Any
    other_hlc: str


class PushApplier:
    """Merges one batch inside the caller's transaction."""

    # Whether records taken by _new_row that no other op of the batch touches are written
    # straight from their op (no Stored object, no copy of the fields).
    direct_new_rows = True

    def __init__(self, conn: Connection, actor: Actor, request: PushRequest,
                 fits: list[bool] | None = None) -> None:
        self.conn = conn
        # Those records: (number of rows touched before it, its sync_row values before the
        # seq (family_id, team_id, data, field_hlc), those after the seq (deleted,
        # deleted_hlc, sole_device, table_name, row_id), its answer); and the new families
        # among them as family_scope values (team_id, lead_worker_id, family_id).
        self.direct_rows: list[tuple[int, tuple[Any, ...], tuple[Any, ...],
                                     dict[str, Any]]] = []
        self.direct_families: list[tuple[str | None, str | None, str]] = []
        # Records more than one op of the batch touches (never written directly).
        self._repeated: set[tuple[str, str]] = set()
        self.actor = actor
        self.request = request
        # Per op (by identity): whether its fields fit its table (screen.screen's verdict).
        if fits is None:
            fits = screen(request, protocol.MAX_FIELD_CHARS)
        self.fits = {id(op): ok for op, ok in zip(request.ops, fits, strict=True)}
        self.conflicts: list[_Conflict] = []
        # Plain dicts, not OpResult models: building 5,000 pydantic objects per batch was a
        # measurable share of a push; the JSON is the same.
        self.results: dict[str, dict[str, Any]] = {}
        self.rejected: list[tuple[Op, str]] = []
        self.audit_ops: list[Op] = []
        self.moved_families: set[str] = set()
        self.worker_teams: dict[str, str | None] = {}  # workers named by a manager
        self.co_worker_families: set[str] = set()
        # Records added or changed under a family another device deleted, by family: they
        # become one "deleted, and added to after" conflict per family (never invisible).
        self.orphans: dict[str, list[tuple[str, str, str]]] = {}

    def run(self) -> bytes:
        """Merge and write the batch; returns the PushResponse as JSON bytes."""
        ops = self.request.ops
        op_ids = [op.op_id for op in ops]
        seen = {r[0] for r in select_in(
            self.conn, "SELECT op_id FROM sync_op WHERE op_id IN ({in})", op_ids)}
        fresh = [op for op in ops if op.op_id not in seen] if seen else ops
        for op in ops:
            if op.op_id in seen:
                self.results[op.op_id] = _result(op.op_id, "duplicate")
        keys = [(op.table, op.row_id) for op in fresh]
        rows = _load_rows(self.conn, {key for key in keys if key[0] != "audit_event"}
                          | {("family", op.family_id) for op in fresh
                             if op.family_id and op.table != "audit_event"})
        scope = _load_scope(self.conn, self.actor,
                            {op.family_id for op in fresh if op.family_id}
                            | {r.family_id for r in rows.values() if r.family_id})
        if self.actor.role != "worker":
            # Workers named by a manager: a lead (supervisors) or a co-worker (both roles).
            named = sorted({str(op.fields[name]) for op in fresh for name in
                            ("lead_worker_id", "worker_id") if op.fields.get(name) and (
                                (op.table == "family" and name == "lead_worker_id")
                                or (op.table == CO_WORKER_TABLE and name == "worker_id"))})
            self.worker_teams = dict(select_in(
                self.conn, "SELECT id, team_id FROM worker WHERE id IN ({in})", named))
        touched: dict[tuple[str, str], Stored] = {}
        op_rows: dict[str, tuple[str, str]] = {}
        fast = self._new_row
        # A record touched by one op only may skip the Stored object (no later op of the
        # batch merges into it, nor reads it).
        if not self.direct_new_rows:
            self._repeated = set(keys)
        elif len(set(keys)) < len(keys):
            self._repeated = {key for key, count in Counter(keys).items() if count > 1}
        for op in fresh:
            if fast(op, rows, scope, touched):
                if (op.table, op.row_id) in touched:  # (a direct row is not)
                    op_rows[op.op_id] = (op.table, op.row_id)
                continue
            reason = self._apply(op, rows, scope, touched)
            if reason is not None:
                self.rejected.append((op, reason))
                self.results[op.op_id] = _result(op.op_id, "rejected", reason)
            elif op.table != "audit_event":
                op_rows[op.op_id] = (op.table, op.row_id)
        self._orphan_conflicts(touched, rows)
        self._write(touched, op_rows, fresh)
        return to_json({"batch_id": self.request.batch_id,
                        "results": [self.results[op.op_id] for op in ops],
                        "conflicts": len(self.conflicts), "server_time": now().isoformat()})

    def _new_row(self, op: Op, rows: dict[tuple[str, str], Stored], scope: Scope,
                 touched: dict[tuple[str, str], Stored]) -> bool:
        """The common op, done quickly: a whole new record (the server has never seen its row)
        whose fields fit, from its own device, in a family the caller may write and nobody
        deleted, naming no author but the caller (a worker's new family: their own team and
        lead). Nothing can conflict; the row is stored as sent, with one stamp. Any other op,
        or any doubt, returns False and goes through ``_apply``, which gives the same answer
        to these ops."""
        table, family_id, fields, hlc = op.table, op.family_id, op.fields, op.hlc
        rule = _FAST_RULES.get(table)
        if rule is None or family_id is None or op.kind not in _NEW_KINDS or op.field_hlc:
            return False
        authors, required, is_family = rule
        key = (table, op.row_id)
        device = hlc[STAMP_DEVICE_AT:]
        if key in touched or key in rows or not self.fits[id(op)] \
                or not required <= fields.keys() or device != self.actor.device_id:
            return False
        worker = self.actor.worker_id
        for name in authors:
            value = fields.get(name)
            if value is not None and value != worker:
                return False
        if is_family:
            team_id = self.actor.team_id
            # (A new family comes by insert; an update naming one never seen is refused.)
            if self.actor.role != "worker" or op.kind == "update" or family_id != op.row_id \
                    or family_id in scope.families or fields.get("family_id") != family_id \
                    or fields.get("team_id", _ABSENT) != team_id \
                    or fields.get("lead_worker_id", _ABSENT) != worker:
                return False
            scope.families[family_id] = (team_id, worker)
        else:
            if not scope.allows(family_id) or fields.get("family_id", family_id) != family_id:
                return False
            # (Nothing to look up while the batch has touched and found no rows.)
            if (touched or rows) and self._family_deleted_elsewhere(op, touched, rows):
                return False
            team_id = scope.families[family_id][0]
        result = {"op_id": op.op_id, "status": "applied", "reason": None, "server_seq": None}
        self.results[op.op_id] = result
        if key not in self._repeated:
            # Written in _write as it is here (its family_id added when absent), its seq
            # filled in there. A new row's one stamp is written without the serialiser: an
            # HLC is [0-9a-zA-Z~-] only (the wire pattern), so it needs no escaping.
            self.direct_rows.append((
                len(touched),
                (family_id, team_id,
                 to_json(fields if "family_id" in fields
                         else {**fields, "family_id": family_id}).decode(),
                 '{"*":"%s"}' % hlc),  # noqa: UP031
                (False, None, device, table, op.row_id), result))
            if is_family:
                self.direct_families.append((team_id, worker, family_id))
            return True
        # A copy, family_id filled in: a later op of the batch on this row merges into it.
        data = {**fields, "family_id": family_id}
        touched[key] = Stored(table, op.row_id, family_id, team_id, data, {"*": op.hlc}, {},
                              0, False, None, is_new=True, changed=True)
        return True

    def _apply(self, op: Op, rows: dict[tuple[str, str], Stored], scope: Scope,
               touched: dict[tuple[str, str], Stored]) -> str | None:
        """Merge one op; returns a rejection reason or None."""
        actor = self.actor
        if op.table not in _SYNCED_TABLES:
            return "unknown_table"
        device = actor.device_id
        if op.hlc[STAMP_DEVICE_AT:] != device or (op.field_hlc and any(
                h[STAMP_DEVICE_AT:] != device for h in op.field_hlc.values())):
            return "foreign_stamp"
        if op.table in ("team", "worker"):
            return "forbidden"  # managed by the server admin commands
        key = (op.table, op.row_id)
        stored = touched.get(key) or rows.get(key)
        if op.table == protocol.CONFLICT_TABLE and stored is None:
            return "forbidden"  # only the server records conflicts; clients resolve them
        if op.table == "audit_event":
            problem = self._problem(op, stored)
            if problem is not None:
                return problem
            self.audit_ops.append(op)
            self.results[op.op_id] = _result(op.op_id, "applied")
            return None
        if op.family_id is None:
            return "missing_family"
        if stored is not None and stored.family_id != op.family_id:
            return "family_mismatch"
        if stored is None and op.kind == "restore":
            return "not_found"
        if stored is not None and op.kind in _EDIT_KINDS and stored.deleted_elsewhere(device) \
                and (op.base_server_seq or 0) >= stored.deleted_seq():
            return "deleted"  # an edit made after this device saw the deletion (SYNC §4.4)
        if op.table == CO_WORKER_TABLE and not self._may_allocate(op, scope):
            return "forbidden"
        # Only a family op has fields removed below; other ops' fields are only read.
        fields = dict(op.fields) if op.table == "family" else op.fields
        if stored is None and "family_id" not in fields:
            fields = {**fields, "family_id": op.family_id}  # a row is stored whole
        creating_family = op.table == "family" and stored is None \
            and op.family_id == op.row_id and op.family_id not in scope.families
        if creating_family and op.kind not in ("insert", "append"):
            return "forbidden"
        if not creating_family and not scope.allows(op.family_id):
            return "forbidden"  # same answer whether or not the family exists (F1)
        if op.table == "family" and op.kind == "delete" and actor.role == "worker" and \
                scope.families[op.family_id][1] != actor.worker_id:
            return "forbidden"  # a co-worker may work on a family, not delete it
        # Checked once the caller may write here (a foreign device learns nothing from it) and
        # before any field is used.
        problem = self._problem(op, stored)
        if problem is not None:
            return problem
        if op.table in protocol.NEVER_CHANGED_TABLES and (
                op.kind in ("delete", "restore") or (stored is not None and op.kind == "update")):
            return "append_only"  # a concern or decision is corrected by a later decision
        if op.table == "family" and actor.role == "supervisor" and \
                fields.get("lead_worker_id") is not None and \
                self.worker_teams.get(fields["lead_worker_id"]) != actor.team_id:
            return "forbidden"  # a supervisor hands families only to their own team's workers
        if creating_family:
            team_id = actor.team_id if actor.role != "admin" else fields.get("team_id")
            lead = fields.get("lead_worker_id") if actor.role != "worker" else actor.worker_id
            scope.families[op.family_id] = (team_id, lead)
            forced = {"team_id": team_id, "lead_worker_id": lead, "family_id": op.row_id}
        else:
            forced = {}
            if op.table == "family":
                fields.pop("family_id", None)
                if actor.role != "admin":
                    fields.pop("team_id", None)
                if actor.role == "worker":
                    fields.pop("lead_worker_id", None)
        for name in AUTHOR_FIELDS:
            if name in fields and fields[name] is not None and fields[name] != actor.worker_id:
                forced[name] = actor.worker_id
        if op.table == "family" and stored is not None:
            before = (stored.data.get("team_id"), stored.data.get("lead_worker_id"))
        else:
            before = None
        team_id = scope.families[op.family_id][0]
        if stored is None:
            stored = Stored(op.table, op.row_id, op.family_id, team_id, {}, {}, {}, 0, False,
                            None, is_new=True)
        touched[key] = stored
        status = self._merge(op, stored, fields)
        if op.table == "family" and op.kind == "delete" and stored.deleted \
                and stored.deleted_hlc == op.hlc:
            self._deletion_met_children(op, stored)
        elif op.table not in _NOT_CHILDREN and op.kind in _EDIT_KINDS and \
                self._family_deleted_elsewhere(op, touched, rows):
            self.orphans.setdefault(op.family_id, []).append((op.table, op.row_id, op.hlc))
            status = "conflict"
        if forced:
            override = ""
            for name, value in forced.items():
                if stored.data.get(name) != value or name not in stored.data:
                    override = override or server_stamp(op.hlc)
                    stored.data[name] = value
                    stored.field_hlc[name] = override
                    stored.changed_fields.add(name)
                    stored.changed = True
        if op.table == "family":
            after = (stored.data.get("team_id"), stored.data.get("lead_worker_id"))
            if before is not None and after != before:
                self.moved_families.add(op.row_id)
            scope.families[op.row_id] = after
        elif op.table == CO_WORKER_TABLE and stored.changed:
            # Granted or withdrawn: the family's rows are re-stamped so a new co-worker's
            # cursor reaches them; family_member is rebuilt for the family after the writes.
            self.moved_families.add(op.family_id)
            self.co_worker_families.add(op.family_id)
        self.results[op.op_id] = _result(op.op_id, status)
        return None

    def _problem(self, op: Op, stored: "Stored | None") -> str | None:
        """Why an op's fields cannot be stored, in words naming fields but no values (the
        row schema); None if they can. A row new here must be whole: every device that pulls
        it has to be able to write it."""
        fields = op.fields
        if "family_id" in fields and fields["family_id"] != op.family_id:
            return "family_mismatch"
        if op.kind in ("delete", "restore"):
            if fields:
                return "unknown_field: a deletion carries no fields"
            return "not_found" if stored is None and op.kind == "delete" else None
        if self.fits[id(op)] and (stored is not None
                                  or _REQUIRED[op.table] <= fields.keys()):
            return None
        try:
            # The reference check, for its reason in words (the screen found something).
            check_fields(op.table, fields, complete=stored is None)
        except RowProblem as problem:
            return str(problem)
        return None

    def _may_allocate(self, op: Op, scope: Scope) -> bool:
        """Co-workers are allocated by a supervisor of the family's team or an admin, and
        only from the family's own team (like a change of lead)."""
        if self.actor.role == "worker" or op.family_id not in scope.families:
            return False
        worker = op.fields.get("worker_id")
        if worker is None:
            return True  # ending or re-dating an allocation
        family_team = scope.families[op.family_id][0]
        return family_team is not None and self.worker_teams.get(str(worker)) == family_team

    def _merge(self, op: Op, stored: Stored, fields: dict[str, Any]) -> str:
        taken = lost = 0
        conflicts_before = len(self.conflicts)
        base = op.base_server_seq or 0
        overrides = op.field_hlc or {}
        if stored.is_new and not stored.data and not overrides:
            # The common case, a new row: one stamp for all fields keeps rows small.
            stored.data = dict(fields)
            stored.field_hlc = {"*": op.hlc}
            fields = {}
            taken += 1
        for name, value in fields.items():
            incoming = overrides.get(name, op.hlc)
            current = stored.stamp(name)
            if current is None:
                stored.data[name] = value
                stored.field_hlc[name] = incoming
                stored.changed_fields.add(name)
                taken += 1
                continue
            if incoming == current:
                continue  # the same edit again
            concurrent = (not stored.is_new and stamp_device(current) != stamp_device(incoming)
                          and stored.seq_of(name) > base
                          and op.table not in protocol.APPEND_ONLY_TABLES
                          and stored.data.get(name) != value)
            if incoming > current:
                if concurrent:
                    self._conflict(stored, name, value, incoming, stored.data.get(name), current)
                stored.data[name] = value
                stored.field_hlc[name] = incoming
                stored.changed_fields.add(name)
                taken += 1
            else:
                if concurrent:
                    self._conflict(stored, name, stored.data.get(name), current, value, incoming)
                lost += 1
        if taken or lost:
            self._edit_met_deletion(op, stored, fields)
        if op.kind in ("delete", "restore") and op.hlc > (stored.deleted_hlc or ""):
            # Deleted-or-not is one register: the later delete or restore wins.
            if op.kind == "delete" and not stored.deleted:
                self._deletion_met_edits(op, stored, base)
            stored.deleted = op.kind == "delete"
            stored.deleted_hlc = op.hlc
            stored.changed_fields.add(DELETED_SEQ)
            taken += 1
        if taken:
            stored.changed = True
        if len(self.conflicts) > conflicts_before:
            return "conflict"
        if taken and lost:
            return "merged"
        return "applied" if taken or not lost else "superseded"

    def _edit_met_deletion(self, op: Op, stored: Stored, fields: dict[str, Any]) -> None:
        """An edit reaching a record another device deleted before it saw the edit: the
        deletion stands, the edit is kept in the record (so a restore brings it back) and in a
        conflict record the workers see. (An edit after a known deletion was refused.)"""
        if not stored.is_new and stored.deleted_elsewhere(stamp_device(op.hlc)):
            self._deletion_conflict(stored, stored.deleted_hlc or "", dict(fields),
                                    max([op.hlc, *(op.field_hlc or {}).values()]))

    def _deletion_met_edits(self, op: Op, stored: Stored, base: int) -> None:
        """A deletion from a device that had not seen other devices' latest edits: it stands
        (every device converges on it), and a conflict record carries the unseen values."""
        if stored.is_new or op.table in _NO_CONFLICT_TABLES:
            return
        deleter = stamp_device(op.hlc)
        unseen: dict[str, Any] = {}
        stamps: list[str] = []
        for name, value in stored.data.items():
            stamp = stored.stamp(name) or ""
            if stamp_device(stamp) not in (deleter, SERVER_DEVICE) and stored.seq_of(name) > base:
                unseen[name] = value
                stamps.append(stamp)
        if unseen:
            self._deletion_conflict(stored, op.hlc, unseen, max(stamps))

    @staticmethod
    def _family_deleted_elsewhere(op: Op, touched: dict[tuple[str, str], Stored],
                                  rows: dict[tuple[str, str], Stored]) -> bool:
        key = ("family", op.family_id or "")
        family = touched.get(key) or rows.get(key)
        return family is not None and family.deleted_elsewhere(stamp_device(op.hlc))

    def _orphan_conflicts(self, touched: dict[tuple[str, str], Stored],
                          rows: dict[tuple[str, str], Stored]) -> None:
        """One conflict per family: the deletion is the kept side, the records added to it
        after are the other; keeping them restores the family with them."""
        for family_id, added in self.orphans.items():
            family = touched.get(("family", family_id)) or rows[("family", family_id)]
            self._deletion_conflict(
                family, family.deleted_hlc or "", {protocol.ADDED_AFTER_DELETION: [
                    {"table": table, "row_id": row_id} for table, row_id, _ in added[:50]]},
                max(stamp for _, _, stamp in added))

    def _deletion_met_children(self, op: Op, family: Stored) -> None:
        """A family deleted by a device that had not seen records other devices added to it
        since (their seq is after the op's base, the deleting device's cursor): the deletion
        stands and one conflict names them, so neither worker loses sight of them."""
        if family.is_new:
            return
        deleter = stamp_device(op.hlc)
        added: list[dict[str, str]] = []
        stamps: list[str] = []
        m = mark(self.conn)
        for table, row_id, field_hlc in self.conn.exec_driver_sql(
                f"SELECT table_name, row_id, field_hlc FROM sync_row WHERE family_id = {m} "
                f"AND server_seq > {m} AND deleted = {m} AND table_name NOT IN "
                "('family', 'sync_conflict', 'audit_event') ORDER BY server_seq",
                (family.row_id, op.base_server_seq or 0, False)):
            writers = [h for h in from_json(field_hlc).values()
                       if stamp_device(h) not in (deleter, SERVER_DEVICE)]
            if writers:
                added.append({"table": table, "row_id": row_id})
                stamps.append(max(writers))
        if added:
            self._deletion_conflict(family, op.hlc, {protocol.ADDED_AFTER_DELETION: added[:50]},
                                    max(stamps))

    def _deletion_conflict(self, stored: Stored, deleted_hlc: str, edit: dict[str, Any],
                           edit_hlc: str) -> None:
        """The deletion is the kept side; the edit's fields are the other (SYNC §4.4 step 4)."""
        self._conflict(stored, protocol.WHOLE_RECORD, protocol.DELETED_VALUE, deleted_hlc, edit,
                       edit_hlc)

    def _conflict(self, stored: Stored, name: str, kept: Any, kept_hlc: str, other: Any,
                  other_hlc: str) -> None:
        self.conflicts.append(_Conflict(stored.family_id, stored.team_id, stored.table,
                                        stored.row_id, name, kept, kept_hlc, other, other_hlc))

    def _write(self, touched: dict[tuple[str, str], Stored], op_rows: dict[str, tuple[str, str]],
               ops: list[Op]) -> None:
        conn, actor, request = self.conn, self.actor, self.request
        changed: list[Any] = [s for s in touched.values() if s.changed]
        moved_rows: list[tuple[str, str]] = []
        if self.moved_families:
            # A family granted to someone new: re-stamp its rows so their cursor reaches them.
            c = models.sync_row.c
            for chunk in _chunks(sorted(self.moved_families), 900):
                moved_rows.extend(
                    (r.table_name, r.row_id) for r in conn.execute(
                        select(c.table_name, c.row_id).where(c.family_id.in_(chunk)))
                    if (r.table_name, r.row_id) not in touched)
        # Everything above was reading and merging; the counter lock comes last (SYNC §4.6).
        direct = self.direct_rows
        seqs = iter(next_seqs(conn, len(changed) + len(direct) + len(self.conflicts)
                              + len(moved_rows)))
        if direct and changed:
            # Seqs in the order of the rows' first op, as if they had been in touched.
            order: list[Any] = []
            waiting = iter(direct)
            next_direct = next(waiting, None)
            for position, stored in enumerate(touched.values()):
                while next_direct is not None and next_direct[0] == position:
                    order.append(next_direct)
                    next_direct = next(waiting, None)
                if stored.changed:
                    order.append(stored)
            if next_direct is not None:
                order.append(next_direct)
                order.extend(waiting)
            changed = order
        elif direct:
            changed = direct
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        def dumps(value: Any) -> str:
            # pydantic-core's serialiser: ~7x json.dumps on these small dicts (compact, UTF-8).
            return to_json(value).decode()

        add = inserts.append
        for stored in changed:
            seq = next(seqs)
            if stored.__class__ is tuple:
                _, head, tail, result = stored
                result["server_seq"] = seq
                add((*head, '{"*":%d}' % seq, seq, *tail))  # noqa: UP031
                continue
            stored.server_seq = seq
            if stored.is_new:
                stored.field_seq = {"*": seq}
            else:
                for name in stored.changed_fields:
                    stored.field_seq[name] = seq
            stamps = stored.field_hlc
            if len(stamps) == 1 and "*" in stamps:
                # A new row's one stamp, written without the serialiser: an HLC is
                # [0-9a-zA-Z~-] only (the wire pattern), so it needs no escaping.
                stamps_json = '{"*":"%s"}' % stamps["*"]  # noqa: UP031
                device: str | None = stamps["*"][STAMP_DEVICE_AT:] \
                    if stored.deleted_hlc is None else stored.sole_device()
            else:
                stamps_json, device = dumps(stamps), stored.sole_device()
            seqs_json = '{"*":%d}' % seq if stored.is_new else dumps(stored.field_seq)  # noqa: UP031
            values = (stored.family_id, stored.team_id, dumps(stored.data), stamps_json,
                      seqs_json, seq, stored.deleted, stored.deleted_hlc, device, stored.table,
                      stored.row_id)
            (inserts if stored.is_new else updates).append(values)
        for conflict in self.conflicts:
            seq = next(seqs)
            stamp = server_stamp()
            data = {"family_id": conflict.family_id, "table_name": conflict.table,
                    "row_id": conflict.row_id, "field": conflict.field,
                    "kept_value": conflict.kept_value, "kept_hlc": conflict.kept_hlc,
                    "other_value": conflict.other_value, "other_hlc": conflict.other_hlc,
                    "detected_at": now().isoformat(), "resolution": None,
                    "resolved_by": None, "resolved_at": None}
            inserts.append((conflict.family_id, conflict.team_id, dumps(data),
                            dumps({"*": stamp}), dumps({"*": seq}), seq, False, None, None,
                            protocol.CONFLICT_TABLE, new_id()))
        bulk_insert(conn, models.sync_row, _ROW_COLUMNS + _ROW_KEY, inserts)
        bulk_update(conn, models.sync_row, _ROW_COLUMNS, _ROW_KEY, updates)
        if moved_rows:
            c = models.sync_row.c
            conn.execute(
                update(models.sync_row)
                .where(and_(c.table_name == bindparam("k_table"), c.row_id == bindparam("k_row")))
                .values(server_seq=bindparam("seq"), sole_device=None),
                [{"k_table": t, "k_row": r, "seq": next(seqs)} for t, r in moved_rows])
        self._write_scope(touched)
        self._write_members()
        for op_id, key in op_rows.items():
            self.results[op_id]["server_seq"] = touched[key].server_seq
        if ops:
            bulk_insert(conn, models.sync_op, ("op_id", "device_id", "batch_id"),
                        [(op.op_id, actor.device_id, request.batch_id) for op in ops])
        if self.rejected:
            conn.execute(insert(models.quarantine), [
                {"op_id": op.op_id, "device_id": actor.device_id, "batch_id": request.batch_id,
                 "reason": reason[:100], "op": op.model_dump_json(), "at": now()}
                for op, reason in self.rejected])
        if self.audit_ops:
            audit_chain.append(conn, [self._audit_record(op) for op in self.audit_ops])
        for family_id in sorted(self.moved_families):
            audit(conn, action="reallocate", entity="family", entity_id=family_id,
                  family_id=family_id, worker_id=actor.worker_id, device_id=actor.device_id)

    def _audit_record(self, op: Op) -> dict[str, Any]:
        f = op.fields
        at = f.get("at")
        try:
            when = datetime.fromisoformat(at) if isinstance(at, str) else now()
        except ValueError:
            when = now()
        return {"id": op.row_id, "at": when, "action": str(f.get("action", ""))[:40],
                "entity": str(f.get("entity", ""))[:40],
                "entity_id": _short(f.get("entity_id")), "family_id": op.family_id,
                "worker_id": self.actor.worker_id, "device_id": self.actor.device_id,
                "detail": str(f.get("detail", ""))[:500]}

    def _write_scope(self, touched: dict[tuple[str, str], Stored]) -> None:
        families = [s for (table, _), s in touched.items() if table == "family" and s.changed]
        # New families written straight from their op: the caller (a worker) leads them, in
        # their team; nobody had them (_new_row), so no family_scope row exists.
        bulk_insert(self.conn, models.family_scope, ("team_id", "lead_worker_id", "family_id"),
                    self.direct_families)
        if not families:
            return
        existing = {r[0] for r in select_in(
            self.conn, "SELECT family_id FROM family_scope WHERE family_id IN ({in})",
            [s.row_id for s in families])}
        values = [(s.data.get("team_id"), s.data.get("lead_worker_id"), s.row_id)
                  for s in families]
        bulk_insert(self.conn, models.family_scope, ("team_id", "lead_worker_id", "family_id"),
                    [v for v in values if v[2] not in existing])
        bulk_update(self.conn, models.family_scope, ("team_id", "lead_worker_id"),
                    ("family_id",), [v for v in values if v[2] in existing])


    def _write_members(self) -> None:
        """family_member from the families' current co-worker rows (ended or deleted ones
        give no access)."""
        if not self.co_worker_families:
            return
        families = sorted(self.co_worker_families)
        m = mark(self.conn)
        for chunk in _chunks(families, 900):
            self.conn.exec_driver_sql(
                f"DELETE FROM family_member WHERE family_id IN ({', '.join([m] * len(chunk))})",
                tuple(chunk))
        active: set[tuple[str, str]] = set()
        for family_id, data in select_in(
                self.conn, "SELECT family_id, data FROM sync_row WHERE table_name = {mark} "
                "AND deleted = {mark} AND family_id IN ({in})", families,
                head=(CO_WORKER_TABLE, False)):
            values = from_json(data)
            if values.get("worker_id") and values.get("ended_on") is None:
                active.add((family_id, str(values["worker_id"])))
        bulk_insert(self.conn, family_member, ("family_id", "worker_id"), sorted(active))


def _short(value: Any) -> str | None:
    return str(value)[:64] if value is not None else None


def scope_filter(role: str, family: Any = None) -> Any:
    """SQL condition selecting the rows an actor of ``role`` may pull (``family``: the column
    to test); binds ``team`` and ``worker``."""
    c = models.sync_row.c
    family = c.family_id if family is None else family
    fs = models.family_scope.c
    if role == "admin":
        return c.table_name != "audit_event"
    team_rows = and_(family.is_(None), c.team_id.is_not_distinct_from(bindparam("team")))
    if role == "supervisor":
        families = select(fs.family_id).where(fs.team_id == bindparam("team"))
        return or_(family.in_(families), team_rows)
    led = select(fs.family_id).where(fs.lead_worker_id == bindparam("worker"))
    allocated = select(family_member.c.family_id).where(
        family_member.c.worker_id == bindparam("worker"))
    return or_(family.in_(led), family.in_(allocated), team_rows)


def _scope_column(actor: Actor) -> tuple[str, str | None]:
    """The family_scope column and value a supervisor's or worker's families are found by."""
    if actor.role == "supervisor":
        return "team_id", actor.team_id
    return "lead_worker_id", actor.worker_id


def scope_ids_sql(conn: Connection, actor: Actor) -> tuple[str, tuple[Any, ...]]:
    """The query for the family ids in the actor's scope (not for admins), and its values."""
    column, value = _scope_column(actor)
    sql = f"SELECT family_id FROM family_scope WHERE {column} = {mark(conn)}"
    if actor.role == "worker":
        sql += f" UNION SELECT family_id FROM family_member WHERE worker_id = {mark(conn)}"
        return sql, (value, value)
    return sql, (value,)


def scope_family_ids(conn: Connection, actor: Actor) -> list[str] | None:
    if actor.role == "admin":
        return None
    sql, values = scope_ids_sql(conn, actor)
    return [r[0] for r in conn.exec_driver_sql(sql, values)]


def scope_digest(conn: Connection, actor: Actor) -> str | None:
    """``protocol.scope_hash`` of the actor's families, the ids joined by the database in
    byte order (as Python sorts these ASCII ids; PostgreSQL told so with COLLATE "C"): it is on
    every caught-up pull, and a Python list of a large scope's ids cost more than the pull."""
    if actor.role == "admin":
        return None
    sql, values = scope_ids_sql(conn, actor)
    if conn.dialect.name == "postgresql":
        joined = (f'SELECT string_agg(family_id, chr(10) ORDER BY family_id COLLATE "C") '
                  f"FROM ({sql}) ids")
    else:
        joined = f"SELECT group_concat(family_id, char(10)) FROM ({sql} ORDER BY 1)"
    return protocol.joined_scope_hash(conn.exec_driver_sql(joined, values).scalar())


SEQ_WALK_ROWS = 20_000


def _quoted(column: Any) -> Any:
    """A JSON string of an identifier column, null when NULL. Identifiers, table names and
    stamps are checked against [0-9A-Za-z_~-] patterns on the way in: nothing to escape."""
    return func.coalesce(literal('"') + column + literal('"'), literal("null"))


def _row_json(c: Any) -> Any:
    """One pulled row as JSON text, built by the database: the stored data and stamps are
    JSON already, so a page of thousands of rows costs Python one join, not a format each."""
    return (literal('{"table":"') + c.table_name + literal('","row_id":"') + c.row_id
            + literal('","family_id":') + _quoted(c.family_id)
            + literal(',"data":') + c.data + literal(',"field_hlc":') + c.field_hlc
            + literal(',"server_seq":') + cast(c.server_seq, String)
            + literal(',"deleted":') + case((c.deleted.is_(True), "true"), else_="false")
            + literal(',"deleted_hlc":') + _quoted(c.deleted_hlc) + literal("}"))


def _scope_is_broad(conn: Connection, actor: Actor) -> bool:
    """Whether the caller's families are at least a quarter of all (two index counts)."""
    if actor.role == "admin":
        return True
    column, value = _scope_column(actor)
    mine = conn.exec_driver_sql(
        f"SELECT count(*) FROM family_scope WHERE {column} = {mark(conn)}", (value,)).scalar()
    # (A worker's co-worker allocations are few; the lead count decides.)
    every = int(conn.exec_driver_sql("SELECT count(*) FROM family_scope").scalar() or 0)
    return every > 0 and 4 * int(mine or 0) >= every


_PULL_STATEMENTS: dict[tuple[str, str, bool, bool], SQLCompiler] = {}


def _pull_statement(conn: Connection, role: str, *, initial: bool, walk: bool) -> SQLCompiler:
    """The page query, compiled once per dialect and shape: building and compiling it on every
    pull cost more than running it for a small delta."""
    key = (conn.dialect.name, role, initial, walk)
    compiled = _PULL_STATEMENTS.get(key)
    if compiled is None:
        c = models.sync_row.c
        # The unary + keeps SQLite off the family index when walking the seq index.
        family: Any = literal_column("+sync_row.family_id") if walk else None
        query = (
            select(c.server_seq, _row_json(c))
            .where(and_(c.server_seq > bindparam("cursor"),
                        c.server_seq <= bindparam("snapshot"),
                        scope_filter(role, family),
                        or_(c.sole_device.is_(None), c.sole_device != bindparam("device")),
                        # A first sync needs no tombstones (SYNC §4.5).
                        c.deleted.is_(False) if initial else c.deleted.is_not(None)))
            .order_by(c.server_seq).limit(bindparam("limit", type_=Integer)))
        compiled = _sql_compiler(query.compile(dialect=conn.dialect))
        _PULL_STATEMENTS[key] = compiled
    return compiled


def _sql_compiler(compiled: object) -> SQLCompiler:
    """The compiled form of a Core statement, typed as what it is."""
    assert isinstance(compiled, SQLCompiler)
    return compiled


def pull_page(conn: Connection, actor: Actor, *, cursor: int, limit: int,
              download: bool = False, include_own: bool = False) -> bytes:
    """One page as JSON bytes; stored JSON is spliced in unparsed because pulls dominate load.

    ``download``: the page continues a download that began at cursor 0, so it is served even
    below the tombstone horizon (rows deleted since that download began have newer seqs than
    any purged deletion). ``include_own``: rows only this device wrote are sent too (a full
    download after 410 resync_scope must see them, or the device would drop them).
    """
    snapshot, horizon = conn.exec_driver_sql(
        "SELECT value, tombstone_horizon FROM sync_counter").one()
    snapshot = int(snapshot)
    if not download:
        check_cursor(cursor, int(horizon))
    # Walking the seq index beats SQLite's own choice (an index probe per family in scope, then
    # a sort, on every page) for a delta, and for an initial pull when the caller holds a good
    # share of all families.
    walk = conn.dialect.name == "sqlite" and (snapshot - cursor <= SEQ_WALK_ROWS
                                              or _scope_is_broad(conn, actor))
    compiled = _pull_statement(conn, actor.role, initial=cursor == 0, walk=walk)
    params: dict[str, Any] = dict(compiled.construct_params({
        "cursor": cursor, "snapshot": snapshot,
        # No device id is empty, so with include_own every row passes the sole_device test.
        "device": "" if include_own else actor.device_id, "limit": limit,
        "team": actor.team_id, "worker": actor.worker_id}) or {})
    rows = conn.exec_driver_sql(compiled.string, tuple(
        params[name] for name in compiled.positiontup or ()) if compiled.positional
        else params).all()
    has_more = len(rows) == limit
    next_cursor = rows[-1][0] if has_more else snapshot
    dumps = json.dumps
    digest: str | None = None
    if not has_more:
        digest = scope_digest(conn, actor)
    body = '{"rows":[%s],"next_cursor":%d,"has_more":%s,"snapshot_seq":%d,' \
           '"scope_hash":%s,"server_time":%s}' % (  # noqa: UP031
               ",".join([r[1] for r in rows]), next_cursor, "true" if has_more else "false",
               snapshot,
               dumps(digest), dumps(now().isoformat()))
    return body.encode()
