"""Teams, workers, devices and enrolment codes; keyword-only functions, no FastAPI imports."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from familyworker.domain.ids import new_id
from familyworker_server import models
from familyworker_server.errors import ApiError

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


def _aware(value: datetime) -> datetime:
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
    from familyworker_server.apply import next_seqs, server_stamp  # avoids an import cycle

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


def new_enrolment_code(engine: Engine, *, worker: str, hours: int = 72) -> str:
    """A single-use code for one device; only its hash is stored."""
    code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4))
    with engine.begin() as conn:
        worker_id = find_worker(conn, worker).id
        conn.execute(insert(models.enrolment_code).values(
            code_hash=hash_secret(_normalise_code(code)), worker_id=worker_id,
            created_at=now(), expires_at=now() + timedelta(hours=hours)))
    return code


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def list_devices(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.device.c.id, models.device.c.name, models.device.c.created_at,
                   models.device.c.last_seen_at, models.device.c.revoked_at,
                   models.worker.c.name.label("worker"))
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
    conn.execute(insert(models.audit_log).values(
        id=new_id(), at=now(), action=action, entity=entity, entity_id=entity_id,
        family_id=family_id, worker_id=worker_id, device_id=device_id, detail=detail[:500]))


def enrol(engine: Engine, *, code: str, device_id: str, device_name: str
          ) -> tuple[Actor, str, str]:
    """Exchange a code for a device token; returns (actor, token, worker name)."""
    token = secrets.token_urlsafe(32)  # 256 bits; only the hash is kept
    with engine.begin() as conn:
        row = conn.execute(select(models.enrolment_code).where(
            models.enrolment_code.c.code_hash == hash_secret(_normalise_code(code)))).first()
        if row is None or row.used_at is not None:
            raise ApiError(400, "enrolment_code_invalid",
                           "That enrolment code is not recognised or has already been used.")
        if _aware(row.expires_at) < now():
            raise ApiError(400, "enrolment_code_expired",
                           "That enrolment code has expired; ask for a new one.")
        existing = conn.execute(select(models.device).where(
            models.device.c.id == device_id)).first()
        if existing is not None:
            raise ApiError(409, "device_exists",
                           "This caseload is already enrolled; it cannot be enrolled again.")
        worker = conn.execute(select(models.worker).where(
            models.worker.c.id == row.worker_id)).one()
        conn.execute(update(models.enrolment_code)
                     .where(models.enrolment_code.c.code_hash == row.code_hash)
                     .values(used_at=now(), device_id=device_id))
        conn.execute(insert(models.device).values(
            id=device_id, worker_id=worker.id, name=device_name[:100],
            token_hash=hash_secret(token), created_at=now()))
        audit(conn, action="enrol", entity="device", entity_id=device_id, worker_id=worker.id,
              device_id=device_id)
    return Actor(device_id, worker.id, worker.role, worker.team_id), token, str(worker.name)


def authenticate(conn: Connection, token: str) -> Actor:
    """The caller's device and worker, checked against the database on every request (F3)."""
    row = conn.execute(
        select(models.device.c.id, models.device.c.revoked_at, models.worker.c.id.label("wid"),
               models.worker.c.role, models.worker.c.team_id, models.worker.c.disabled_at)
        .join(models.worker, models.worker.c.id == models.device.c.worker_id)
        .where(models.device.c.token_hash == hash_secret(token))).first()
    if row is None:
        raise ApiError(401, "invalid_token", "This device is not enrolled with the server.")
    if row.revoked_at is not None or row.disabled_at is not None:
        raise ApiError(401, "device_revoked", "This device has been revoked by an administrator.")
    return Actor(row.id, row.wid, row.role, row.team_id)
