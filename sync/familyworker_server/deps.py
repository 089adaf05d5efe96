"""FastAPI dependencies: the engine from app state, and the caller from the bearer token."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine, select, update

from familyworker.sync import protocol
from familyworker_server import models
from familyworker_server.accounts import Actor, authenticate, now
from familyworker_server.config import ServerSettings
from familyworker_server.errors import ApiError


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def get_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[ServerSettings, Depends(get_settings)]


LAST_SEEN_EVERY = timedelta(minutes=1)


def get_actor(engine: EngineDep,
              authorization: Annotated[str | None, Header()] = None) -> Actor:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, "invalid_token", "This device is not enrolled with the server.")
    token = authorization[7:].strip()
    d = models.device.c
    with engine.connect() as conn:
        actor = authenticate(conn, token)
        seen = conn.execute(select(d.last_seen_at).where(d.id == actor.device_id)).scalar()
        conn.rollback()
    # Written at most once a minute: a write on every request would queue every pull behind
    # SQLite's one writer (and a read upgraded to a write fails at once with SQLITE_BUSY).
    stamp = now()
    if seen is None or _aware(seen) < stamp - LAST_SEEN_EVERY:
        options = {"sqlite_begin": "IMMEDIATE"} if engine.dialect.name == "sqlite" else {}
        with engine.connect().execution_options(**options) as conn, conn.begin():
            conn.execute(update(models.device).where(d.id == actor.device_id)
                         .values(last_seen_at=stamp))
    return actor


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


ActorDep = Annotated[Actor, Depends(get_actor)]


def check_versions(protocol_version: int, schema_version: int) -> None:
    """Old clients are told to update; newer clients are told the server is behind (G7)."""
    if protocol_version < protocol.PROTOCOL_VERSION or \
            schema_version < protocol.MIN_SCHEMA_VERSION:
        raise ApiError(426, "client_too_old",
                       "This version of FamilyWorker is too old to sync; please update it.",
                       min_client_version=protocol.MIN_CLIENT_VERSION)
    if protocol_version > protocol.PROTOCOL_VERSION or \
            schema_version > protocol.SCHEMA_VERSION:
        raise ApiError(409, "client_too_new",
                       "The server is older than this app; ask your administrator to update "
                       "the server.", min_client_version=protocol.MIN_CLIENT_VERSION)
