"""Teams, workers, devices and enrolment codes; keyword-only functions, no FastAPI imports."""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from familyworker.domain.ids import new_id
from familyworker_server import audit_chain, instance, models
from familyworker_server.errors import ApiError
from familyworker_server.sequence import next_seqs, server_stamp

log = logging.getLogger("familyworker_server.accounts")

ROLES = ("worker", "supervisor", "admin")
# Unambiguous capitals and digits (no 0/O, 1/I) so a code read over the phone survives.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling, from the token alone (F1: never from the request body)."""

    device_id: str
    worker_id: str
    role: str
    team_id: str | None


class AdminError(Exception):
    """An admin command failed in a way the operator can fix; the message says how."""


def hash_secret(secret: str) -> str:
    # Tokens and codes are high-entropy random values, so a fast hash is enough (no dictionary).
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    # SQLite gives back naive datetimes; they were written as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def add_team(engine: Engine, *, name: str) -> str:
    with engine.begin() as conn:
        if conn.execute(select(models.team.c.id).where(models.team.c.name == name)).first():
            raise AdminError(f"A team called {name!r} already exists.")
        team_id = new_id()
        conn.execute(insert(models.team).values(id=team_id, name=name, created_at=now()))
        _publish(conn, "team", team_id, team_id, {"name": name, "area": ""})
    return team_id


def find_team(conn: Connection, ref: str) -> str:
    row = conn.execute(select(models.team.c.id).where(
        (models.team.c.id == ref) | (models.team.c.name == ref))).first()
    if row is None:
        raise AdminError(f"No team {ref!r}; create it with add-team first.")
    return str(row.id)


def add_worker(engine: Engine, *, name: str, role: str, team: str | None) -> str:
    if role not in ROLES:
        raise AdminError(f"Role must be one of {', '.join(ROLES)}.")
    with engine.begin() as conn:
        team_id = find_team(conn, team) if team else None
        if role != "admin" and team_id is None:
            raise AdminError("Workers and supervisors belong to a team: give --team.")
        worker_id = new_id()
        conn.execute(insert(models.worker).values(
            id=worker_id, name=name, role=role, team_id=team_id, created_at=now()))
        _publish(conn, "worker", worker_id, team_id,
                 {"name": name, "role": role, "team_id": team_id, "contact": ""})
    return worker_id


def _publish(conn: Connection, table: str, row_id: str, team_id: str | None,
             data: dict[str, Any]) -> None:
    """Team and worker records also sync to the team's devices (names for lead workers)."""
    seq = next_seqs(conn, 1)[0]
    conn.execute(insert(models.sync_row).values(
        table_name=table, row_id=row_id, family_id=None, team_id=team_id,
        data=json.dumps(data), field_hlc=json.dumps({"*": server_stamp()}),
        field_seq=json.dumps({"*": seq}), server_seq=seq, deleted=False, deleted_hlc=None,
        sole_device=None))


def find_worker(conn: Connection, ref: str) -> Any:
    row = conn.execute(select(models.worker).where(
        (models.worker.c.id == ref) | (models.worker.c.name == ref))).all()
    if not row:
        raise AdminError(f"No worker {ref!r}; add them with add-worker first.")
    if len(row) > 1:
        raise AdminError(f"Several workers are called {ref!r}; use the worker id instead.")
    return row[0]


def disable_worker(engine: Engine, *, worker: str) -> int:
    """Someone leaving (E3): every device of theirs is refused from its next request on, with
    ``device_revoked``, so each wipes its caseload; no new code can be issued for them. Returns
    how many devices they had that were not already revoked."""
    with engine.begin() as conn:
        row = find_worker(conn, worker)
        if row.disabled_at is not None:
            raise AdminError(f"{row.name} is already disabled.")
        conn.execute(update(models.worker).where(models.worker.c.id == row.id)
                     .values(disabled_at=now()))
        devices = conn.execute(select(func.count()).select_from(models.device).where(
            (models.device.c.worker_id == row.id) & models.device.c.revoked_at.is_(None))
        ).scalar_one()
        audit(conn, action="disable-worker", entity="worker", entity_id=row.id,
              worker_id=row.id)
    return int(devices)


def new_code() -> str:
    """A code to read over the phone: 16 characters (80 bits) in groups of four."""
    return "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4))


def code_hash(code: str) -> str:
    """What is stored of a code: the hash of its letters and digits (dashes, case ignored)."""
    return hash_secret(_normalise_code(code))


def new_enrolment_code(engine: Engine, *, worker: str, hours: int = 72) -> str:
    """A single-use code for one device; only its hash is stored."""
    code = new_code()
    with engine.begin() as conn:
        found = find_worker(conn, worker)
        if found.disabled_at is not None:
            raise AdminError(f"{found.name} is disabled; no device can be enrolled for them.")
        worker_id = found.id
        conn.execute(insert(models.enrolment_code).values(
            code_hash=code_hash(code), worker_id=worker_id,
            created_at=now(), expires_at=now() + timedelta(hours=hours)))
    return code


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def list_devices(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.device.c.id, models.device.c.name, models.device.c.created_at,
                   models.device.c.last_seen_at, models.device.c.revoked_at,
                   # Set when a reused refresh token stopped its tokens: it must enrol again.
                   models.device.c.tokens_revoked_at,
                   models.worker.c.name.label("worker"),
                   models.worker.c.disabled_at.label("worker_disabled_at"))
            .join(models.worker, models.worker.c.id == models.device.c.worker_id)
            .order_by(models.device.c.created_at)).all()
    return [dict(row._mapping) for row in rows]


def revoke_device(engine: Engine, *, device_id: str) -> None:
    with engine.begin() as conn:
        result = conn.execute(update(models.device).where(models.device.c.id == device_id)
                              .values(revoked_at=now()))
        if result.rowcount == 0:
            raise AdminError(f"No device {device_id!r}; list-devices shows them.")
        audit(conn, action="revoke-device", entity="device", entity_id=device_id)


def audit(conn: Connection, *, action: str, entity: str, entity_id: str | None = None,
          family_id: str | None = None, worker_id: str | None = None,
          device_id: str | None = None, detail: str = "") -> None:
    audit_chain.append(conn, [{
        "id": new_id(), "at": now(), "action": action, "entity": entity,
        "entity_id": entity_id, "family_id": family_id, "worker_id": worker_id,
        "device_id": device_id, "detail": detail[:500]}])


# ----- device credentials (E1) ---------------------------------------------------------------

LAST_SEEN_EVERY = timedelta(minutes=1)
# Exchanged refresh hashes are kept this long to recognise a replay (a laptop restored from an
# old backup, a copied token); expired access hashes a day, to answer token_expired, not
# invalid_token, to a client whose clock runs behind.
REFRESH_HISTORY = timedelta(days=180)
ACCESS_HISTORY = timedelta(days=1)

TOKEN_EXPIRED = "token_expired"
TOKEN_REUSED = "token_reused"


@dataclass(frozen=True, slots=True)
class TokenPair:
    """A new access and refresh token; handed to the device once, never stored or logged."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    expires_in: int


def _new_token(prefix: str) -> str:
    # 256 bits from the OS CSPRNG; the prefix only tells a reader (or a secret scanner) which
    # kind of credential leaked, the server never trusts it.
    return prefix + secrets.token_urlsafe(32)


def _issue_pair(conn: Connection, device_id: str, generation: int,
                access_seconds: int) -> TokenPair:
    stamp = now()
    pair = TokenPair(_new_token("fwa_"), _new_token("fwr_"),
                     stamp + timedelta(seconds=access_seconds), access_seconds)
    conn.execute(insert(models.device_token), [
        {"token_hash": hash_secret(pair.access_token), "device_id": device_id, "kind": "access",
         "generation": generation, "issued_at": stamp, "expires_at": pair.access_expires_at},
        {"token_hash": hash_secret(pair.refresh_token), "device_id": device_id,
         "kind": "refresh", "generation": generation, "issued_at": stamp, "expires_at": None}])
    return pair


def write_connection(engine: Engine) -> Connection:
    # SQLite: take the write lock up front, so a check-then-rotate cannot interleave.
    options = {"sqlite_begin": "IMMEDIATE"} if engine.dialect.name == "sqlite" else {}
    return engine.connect().execution_options(**options)


def _unseen_since_restore(conn: Connection, last_seen: datetime | None) -> bool:
    """The database was restored from a backup and this device has not been seen since: its
    tokens were most likely renewed after the backup, so this database cannot recognise them,
    and it may connect again with a new code like a device whose tokens were stopped."""
    restored = instance.restored_at(conn)
    return restored is not None and (last_seen is None or aware(last_seen) < aware(restored))


def enrol(engine: Engine, *, code: str, device_id: str, device_name: str,
          access_seconds: int = 15 * 60) -> tuple[Actor, TokenPair, str]:
    """Exchange a code for the device's first token pair; returns (actor, pair, worker name).

    A device whose token family was stopped for a reused refresh token (not one revoked by an
    administrator), or one not seen since the database was restored from a backup, may enrol
    again with a new code for the same worker: its caseload, outbox and
    cursor stay as they are, and the old tokens are forgotten.
    """
    with write_connection(engine) as conn, conn.begin():
        row = conn.execute(select(models.enrolment_code).where(
            models.enrolment_code.c.code_hash == code_hash(code))).first()
        if row is None or row.used_at is not None:
            raise ApiError(400, "enrolment_code_invalid",
                           "That enrolment code is not recognised or has already been used.")
        if aware(row.expires_at) < now():
            raise ApiError(400, "enrolment_code_expired",
                           "That enrolment code has expired; ask for a new one.")
        existing = conn.execute(select(models.device).where(
            models.device.c.id == device_id)).first()
        reconnect = existing is not None and existing.revoked_at is None and \
            existing.worker_id == row.worker_id and (
                existing.tokens_revoked_at is not None
                or _unseen_since_restore(conn, existing.last_seen_at))
        if existing is not None and not reconnect:
            raise ApiError(409, "device_exists",
                           "This caseload is already enrolled; it cannot be enrolled again.")
        worker = conn.execute(select(models.worker).where(
            models.worker.c.id == row.worker_id)).one()
        conn.execute(update(models.enrolment_code)
                     .where(models.enrolment_code.c.code_hash == row.code_hash)
                     .values(used_at=now(), device_id=device_id))
        if reconnect:
            conn.execute(delete(models.device_token)
                         .where(models.device_token.c.device_id == device_id))
            conn.execute(update(models.device).where(models.device.c.id == device_id).values(
                token_generation=1, tokens_revoked_at=None, tokens_revoked_reason=None))
        else:
            conn.execute(insert(models.device).values(
                id=device_id, worker_id=worker.id, name=device_name[:100], created_at=now(),
                token_generation=1))
        pair = _issue_pair(conn, device_id, 1, access_seconds)
        audit(conn, action="re-enrol" if reconnect else "enrol", entity="device",
              entity_id=device_id, worker_id=worker.id, device_id=device_id)
    return Actor(device_id, worker.id, worker.role, worker.team_id), pair, str(worker.name)


def refresh(engine: Engine, *, device_id: str, refresh_token: str, access_seconds: int,
            grace_seconds: int) -> TokenPair:
    """Exchange the device's refresh token for a new pair; the presented one stops working.

    Reuse: presenting a refresh token that was already exchanged (or one voided below) means two
    parties hold this device's chain, so the whole token family stops: every access and refresh
    token of the device answers 401 ``token_reused`` until it enrols again. The device is not
    revoked and not wiped: the legitimate holder may be the one that lost the race, and wiping a
    worker's unsynced caseload over that would punish the victim.

    Grace (a lost answer): the server may rotate and the device never hear of it (connection
    dropped, app killed before it saved the pair). So the immediately previous refresh token is
    accepted again while (a) its successor pair has never been used - no access token of it
    accepted, its refresh token never exchanged - and (b) at most ``grace_seconds`` have passed
    since it was first exchanged. The unused successor is voided and a fresh pair issued; if the
    voided pair ever shows up later, that is reuse. An honest client uses a new pair at once, so
    (a) closes the window within seconds of a received answer; a thief who took the previous
    token gains nothing the window does not also show: whichever holder uses its pair first makes
    the other's next attempt a detected reuse.
    """
    token_hash = hash_secret(refresh_token)
    t, d = models.device_token.c, models.device.c
    reused = False
    with write_connection(engine) as conn, conn.begin():
        owner = conn.execute(select(t.device_id).where(t.token_hash == token_hash)).scalar()
        if owner is None or owner != device_id:
            raise ApiError(401, "invalid_token", "This device is not enrolled with the server.")
        # PostgreSQL: serialise refreshes of one device (SQLite already holds the write lock).
        conn.execute(select(d.id).where(d.id == device_id).with_for_update())
        row = conn.execute(
            select(t.kind, t.generation, t.used_at, t.voided_at, d.revoked_at,
                   d.tokens_revoked_at, d.token_generation, models.worker.c.disabled_at)
            .join(models.device, d.id == t.device_id)
            .join(models.worker, models.worker.c.id == d.worker_id)
            .where(t.token_hash == token_hash)).one()
        if row.kind not in ("refresh", "legacy"):
            raise ApiError(401, "invalid_token", "This device is not enrolled with the server.")
        _refuse_revoked(row.revoked_at, row.disabled_at, row.tokens_revoked_at)
        stamp = now()
        current = int(row.token_generation)
        if row.voided_at is None and row.used_at is None and row.generation == current:
            conn.execute(update(models.device_token).where(t.token_hash == token_hash)
                         .values(used_at=stamp))
            conn.execute(update(models.device).where(d.id == device_id)
                         .values(token_generation=current + 1))
            pair = _issue_pair(conn, device_id, current + 1, access_seconds)
        elif row.voided_at is None and row.used_at is not None and \
                row.generation == current - 1 and \
                stamp - aware(row.used_at) <= timedelta(seconds=grace_seconds) and \
                not _generation_used(conn, device_id, current):
            conn.execute(update(models.device_token).where(
                t.device_id == device_id, t.generation == current, t.voided_at.is_(None))
                .values(voided_at=stamp))
            pair = _issue_pair(conn, device_id, current, access_seconds)
            audit(conn, action="token-retry", entity="device", entity_id=device_id,
                  device_id=device_id, detail="previous refresh token accepted (lost answer)")
            log.info("previous refresh token accepted again", extra={"device": device_id})
        else:
            _stop_family(conn, device_id)
            reused = True
        if not reused:
            conn.execute(delete(models.device_token).where(
                t.device_id == device_id,
                ((t.kind == "access") & (t.expires_at < stamp - ACCESS_HISTORY))
                | (t.used_at < stamp - REFRESH_HISTORY) | (t.voided_at < stamp - REFRESH_HISTORY)))
    if reused:  # raised after the commit: the family stays stopped
        raise _reused_error()
    return pair


def _generation_used(conn: Connection, device_id: str, generation: int) -> bool:
    t = models.device_token.c
    return conn.execute(select(t.token_hash).where(
        t.device_id == device_id, t.generation == generation, t.used_at.is_not(None),
        t.voided_at.is_(None)).limit(1)).first() is not None


def _stop_family(conn: Connection, device_id: str) -> None:
    conn.execute(update(models.device).where(models.device.c.id == device_id)
                 .values(tokens_revoked_at=now(), tokens_revoked_reason="reused"))
    audit(conn, action="token-reuse", entity="device", entity_id=device_id,
          device_id=device_id, detail="a rotated token was presented again; tokens stopped")
    # Identifiers only: never the token or its hash.
    log.warning("token reuse: the device's tokens are stopped until it enrols again",
                extra={"device": device_id})


def _refuse_revoked(revoked_at: datetime | None, disabled_at: datetime | None,
                    tokens_revoked_at: datetime | None) -> None:
    if revoked_at is not None or disabled_at is not None:
        raise revoked_error()
    if tokens_revoked_at is not None:
        raise _reused_error()


def revoked_error() -> ApiError:
    """What a revoked device (or one whose worker is disabled) hears; it then wipes itself."""
    return ApiError(401, "device_revoked", "This device has been revoked by an administrator.")


def _reused_error() -> ApiError:
    return ApiError(401, TOKEN_REUSED,
                    "This device's sign-in was used twice, so the server stopped it for safety. "
                    "Connect the device again with a new enrolment code; nothing on it was "
                    "deleted.")


def _token_lookup() -> Any:
    t, d, w = models.device_token.c, models.device.c, models.worker.c
    return (select(t.kind, t.expires_at, t.used_at, t.voided_at, d.id, d.revoked_at,
                   d.tokens_revoked_at, d.last_seen_at, w.id.label("wid"), w.role, w.team_id,
                   w.disabled_at)
            .join(models.device, d.id == t.device_id).join(models.worker, w.id == d.worker_id)
            .where(t.token_hash == bindparam("token_hash")))


# Built once: every request runs it, and building the statement (and its cache key, memoised
# on the object) cost more than the query itself.
_TOKEN_LOOKUP = _token_lookup()


def authenticate(engine: Engine, token: str, *, conn: Connection | None = None) -> Actor:
    """The caller's device and worker from a bearer token, checked against the database on every
    request (F3, E2: a revocation bites at once). Answers 401 with ``invalid_token``,
    ``token_expired`` (refresh and retry), ``token_reused`` (family stopped) or
    ``device_revoked``.

    ``conn``: look the token up on the caller's connection, in its transaction (a request then
    takes one pooled connection, not two). The rare writes below use a connection of their
    own, so the caller must not hold SQLite's write lock yet."""
    t, d = models.device_token.c, models.device.c
    token_hash = hash_secret(token)
    if conn is not None:
        row = conn.execute(_TOKEN_LOOKUP, {"token_hash": token_hash}).first()
    else:
        with engine.connect() as own:
            row = own.execute(_TOKEN_LOOKUP, {"token_hash": token_hash}).first()
            own.rollback()
    if row is None or row.kind == "refresh":
        raise ApiError(401, "invalid_token", "This device is not enrolled with the server.")
    _refuse_revoked(row.revoked_at, row.disabled_at, row.tokens_revoked_at)
    if row.voided_at is not None:
        # Only a second holder of this chain can have a voided pair (see refresh).
        with write_connection(engine) as conn, conn.begin():
            _stop_family(conn, row.id)
        raise _reused_error()
    stamp = now()
    if (row.kind == "legacy" and row.used_at is not None) or \
            (row.kind == "access" and aware(row.expires_at) <= stamp):
        # A legacy token already exchanged is just an old access token: refresh and retry.
        raise ApiError(401, TOKEN_EXPIRED, "The access token has expired.")
    first_use = row.kind == "access" and row.used_at is None
    seen = row.last_seen_at is None or aware(row.last_seen_at) < stamp - LAST_SEEN_EVERY
    # At most one small write: the pair's first use (which closes the grace window) and
    # last_seen at most once a minute - a write on every request would queue every pull behind
    # SQLite's one writer.
    if first_use or seen:
        with write_connection(engine) as conn, conn.begin():
            if first_use:
                conn.execute(update(models.device_token)
                             .where(t.token_hash == token_hash, t.used_at.is_(None))
                             .values(used_at=stamp))
            if seen:
                conn.execute(update(models.device).where(d.id == row.id)
                             .values(last_seen_at=stamp))
    return Actor(row.id, row.wid, row.role, row.team_id)
