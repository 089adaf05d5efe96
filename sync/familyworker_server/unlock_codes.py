"""Unlock codes (SECURITY B2): after 10 wrong passphrases a caseload opens again only once
this server confirms a single-use code issued for that device, so guessing at the keyboard
cannot go on without the organisation knowing, and a revoked laptop is wiped when it asks."""

from datetime import timedelta

from sqlalchemy import Engine, insert, select, update

from familyworker_server import models
from familyworker_server.accounts import (
    AdminError,
    audit,
    aware,
    code_hash,
    new_code,
    now,
    revoked_error,
    write_connection,
)
from familyworker_server.errors import ApiError

DEFAULT_HOURS = 24


def new_unlock_code(engine: Engine, *, device_id: str, hours: int = DEFAULT_HOURS) -> str:
    """A single-use code for one device, for its worker to type after 10 wrong passphrases
    (given once the administrator is satisfied it is them); only its hash is stored."""
    code = new_code()
    with engine.begin() as conn:
        device = conn.execute(select(models.device.c.revoked_at).where(
            models.device.c.id == device_id)).first()
        if device is None:
            raise AdminError(f"No device {device_id!r}; list-devices shows them.")
        if device.revoked_at is not None:
            raise AdminError("That device is revoked: it wipes its caseload when it next "
                             "reaches the server, and cannot be unlocked.")
        conn.execute(insert(models.unlock_code).values(
            code_hash=code_hash(code), device_id=device_id, created_at=now(),
            expires_at=now() + timedelta(hours=hours)))
        audit(conn, action="unlock-code", entity="device", entity_id=device_id,
              device_id=device_id)
    return code


def confirm_unlock(engine: Engine, *, device_id: str, code: str) -> None:
    """Accept the code (used up) or refuse it. A revoked device, or one whose worker is
    disabled, is answered ``device_revoked`` whatever the code: the laptop then wipes itself."""
    d, w, u = models.device.c, models.worker.c, models.unlock_code.c
    with write_connection(engine) as conn, conn.begin():
        device = conn.execute(
            select(d.revoked_at, w.disabled_at).join(models.worker, w.id == d.worker_id)
            .where(d.id == device_id)).first()
        revoked = device is not None and bool(device.revoked_at or device.disabled_at)
        if revoked:  # recorded (and committed) before the refusal
            audit(conn, action="unlock-refused-revoked", entity="device", entity_id=device_id,
                  device_id=device_id)
    if revoked:
        raise revoked_error()
    with write_connection(engine) as conn, conn.begin():
        row = conn.execute(select(models.unlock_code).where(
            u.code_hash == code_hash(code))).first()
        if device is None or row is None or row.used_at is not None or \
                row.device_id != device_id:
            raise ApiError(400, "unlock_code_invalid",
                           "That unlock code is not recognised or has already been used.")
        if aware(row.expires_at) < now():
            raise ApiError(400, "unlock_code_expired",
                           "That unlock code has expired; ask for a new one.")
        conn.execute(update(models.unlock_code).where(u.code_hash == row.code_hash)
                     .values(used_at=now()))
        audit(conn, action="unlock-confirmed", entity="device", entity_id=device_id,
              device_id=device_id)
