"""Push: one idempotent batch of changes, merged in one transaction."""

import logging
from contextlib import nullcontext
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, bindparam, exc, insert, select
from starlette.concurrency import run_in_threadpool

from familyworker.sync.protocol import ErrorBody, PushRequest, PushResponse
from familyworker_server import models
from familyworker_server.accounts import Actor, authenticate, now
from familyworker_server.apply import (
    PushApplier,
    body_hash,
    check_clock,
    same_batch,
)
from familyworker_server.config import ServerSettings
from familyworker_server.db import is_sqlite
from familyworker_server.deps import EngineDep, SettingsDep, TokenDep, check_versions
from familyworker_server.errors import ApiError
from familyworker_server.observability import PushOutcome
from familyworker_server.routes.fast_gzip import accepts_gzip, fast_gzipped, json_answer
from familyworker_server.screen import screen

router = APIRouter(prefix="/sync/v1", tags=["sync"])
# An answer this long (a batch of ~600 ops or more: an initial upload, usually in the office)
# is compressed by the route at level 1: ~7% more bytes than the middleware's level 5, half
# the CPU, and the device waits on it. Answers to the small pushes of work in the field keep
# level 5.
FAST_GZIP_BYTES = 64_000
log = logging.getLogger("familyworker_server.push")

# The body is parsed by us (once, from raw bytes, off the event loop), so OpenAPI is told its
# schema explicitly (components from openapi_schema.push_components).
_BODY_SCHEMA: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}}}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 409, 413, 415, 422, 426, 500)}


@router.post("/push", response_model=PushResponse, openapi_extra=_BODY_SCHEMA,
             responses=_ERRORS)
async def push(http_request: Request, token: TokenDep, engine: EngineDep,
               settings: SettingsDep, accept_encoding: Annotated[str, Header()] = ""
               ) -> Response:
    """Apply a batch; re-sending the same batch returns the stored answer (G1)."""
    body = await http_request.body()
    outcome = PushOutcome()
    answer, gzipped = await run_in_threadpool(
        _answered_batch, body, token, engine, settings, outcome,
        accepts_gzip(accept_encoding))
    http_request.app.state.metrics.record_push(outcome)
    return json_answer(answer, gzipped)


def _answered_batch(body: bytes, token: str, engine: Engine, settings: ServerSettings,
                    outcome: PushOutcome, gzip_ok: bool) -> tuple[bytes, bool]:
    """``authenticated_batch``, and its answer gzipped at level 1 when long and the caller
    takes gzip (FAST_GZIP_BYTES); returns the answer and whether it is gzipped."""
    return fast_gzipped(authenticated_batch(body, token, engine, settings, outcome),
                        wanted=gzip_ok, minimum=FAST_GZIP_BYTES)


def authenticated_batch(body: bytes, token: str, engine: Engine,
                        settings: ServerSettings, outcome: PushOutcome | None = None) -> bytes:
    """The caller checked and the batch applied on one worker thread and one connection."""
    with engine.connect() as conn:
        actor = authenticate(engine, token, conn=conn)
        conn.rollback()  # the lookup's read ends before the batch's write transaction begins
        return apply_batch(body, actor, engine, settings, conn=conn, outcome=outcome)


def parse(body: bytes) -> PushRequest:
    """``model_validate_json`` straight from bytes: one pass, no intermediate dicts."""
    try:
        return PushRequest.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_input=False)]
        ) from None


# Built once: they run in every push (building a statement costs more than a small query).
_BATCH_LOOKUP = select(models.sync_batch.c.request_hash, models.sync_batch.c.response).where(
    (models.sync_batch.c.device_id == bindparam("device"))
    & (models.sync_batch.c.batch_id == bindparam("batch")))
_BATCH_INSERT = insert(models.sync_batch)


def apply_batch(body: bytes, actor: Actor, engine: Engine, settings: ServerSettings,
                conn: Connection | None = None, outcome: PushOutcome | None = None) -> bytes:
    """Validate and apply one push body; on ``conn`` when given (not in a transaction).
    ``outcome``, when given, is told how many ops were applied, refused and conflicted."""
    request = parse(body)
    check_versions(request.protocol, request.schema_version)
    if request.device_id != actor.device_id:
        raise ApiError(403, "invalid_token", "The batch names a different device.")
    if len(request.ops) > settings.max_batch_ops:
        raise ApiError(422, "invalid_request", "Too many changes in one batch.")
    # The length guard (422 for the batch) and each op's row-schema verdict, in one pass.
    fits = screen(request, settings.max_field_chars)
    check_clock(request)
    digest = body_hash(body)
    options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(engine) else {}
    try:
        with nullcontext(conn) if conn is not None else engine.connect() as conn, \
                conn.execution_options(**options).begin():
            stored = conn.execute(_BATCH_LOOKUP, {"device": actor.device_id,
                                                  "batch": request.batch_id}).first()
            if stored is not None:
                if not same_batch(stored.request_hash, digest, request, body):
                    raise ApiError(422, "batch_reused",
                                   "This batch id was already used for different changes.")
                if outcome is not None:
                    outcome.replayed = True
                return str(stored.response).encode()
            applier = PushApplier(conn, actor, request, fits)
            response = applier.run()
            conn.execute(_BATCH_INSERT, {
                "device_id": actor.device_id, "batch_id": request.batch_id,
                "request_hash": digest, "response": response.decode(), "created_at": now()})
    except exc.IntegrityError:
        # Another request with this batch (or op) committed first: a concurrent duplicate.
        raise ApiError(409, "batch_in_progress",
                       "This batch is already being applied; retry shortly.") from None
    log.info("push", extra={"device": actor.device_id, "ops": len(request.ops),
                            "conflicts": len(applier.conflicts)})
    if outcome is not None:
        statuses = [result["status"] for result in applier.results.values()]
        outcome.applied = statuses.count("applied")
        outcome.refused = statuses.count("rejected")
        outcome.conflicts = len(applier.conflicts)
    return response
