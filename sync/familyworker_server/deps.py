"""FastAPI dependencies: the engine from app state, and the caller from the bearer token."""

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine

from familyworker.sync import protocol
from familyworker_server.accounts import Actor, authenticate
from familyworker_server.config import ServerSettings
from familyworker_server.errors import ApiError


# The engine and settings are read from app state without blocking, so these are coroutines:
# FastAPI runs a plain function dependency on the thread pool, a hop per dependency per request.
async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


async def get_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[ServerSettings, Depends(get_settings)]


async def get_token(authorization: Annotated[str | None, Header()] = None) -> str:
    """The bearer token, not yet checked: the hot endpoints (push, pull) check it on the same
    worker thread as their work (``authenticate``), one thread hop per request instead of two."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, "invalid_token", "This device is not enrolled with the server.")
    return authorization[7:].strip()


TokenDep = Annotated[str, Depends(get_token)]


def get_actor(engine: EngineDep, token: TokenDep) -> Actor:
    return authenticate(engine, token)


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
