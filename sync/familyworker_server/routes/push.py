"""Push: one idempotent batch of changes, merged in one transaction."""

import logging

from fastapi import APIRouter
from sqlalchemy import exc, insert, select

from familyworker.sync.protocol import PushRequest, PushResponse
from familyworker_server import models
from familyworker_server.accounts import now
from familyworker_server.apply import PushApplier, request_hash, validate_lengths
from familyworker_server.db import is_sqlite
from familyworker_server.deps import ActorDep, EngineDep, SettingsDep, check_versions
from familyworker_server.errors import ApiError

router = APIRouter(prefix="/sync/v1", tags=["sync"])
log = logging.getLogger("familyworker_server.push")


@router.post("/push", response_model=PushResponse)
def push(request: PushRequest, actor: ActorDep, engine: EngineDep,
         settings: SettingsDep) -> PushResponse:
    """Apply a batch; re-sending the same batch returns the stored answer (G1)."""
    check_versions(request.protocol, request.schema_version)
    if request.device_id != actor.device_id:
        raise ApiError(403, "invalid_token", "The batch names a different device.")
    if len(request.ops) > settings.max_batch_ops:
        raise ApiError(422, "invalid_request", "Too many changes in one batch.")
    validate_lengths(request, settings.max_field_chars)
    digest = request_hash(request)
    options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(engine) else {}
    b = models.sync_batch.c
    try:
        with engine.connect().execution_options(**options) as conn, conn.begin():
            stored = conn.execute(select(b.request_hash, b.response).where(
                (b.device_id == actor.device_id) & (b.batch_id == request.batch_id))).first()
            if stored is not None:
                if stored.request_hash != digest:
                    raise ApiError(422, "batch_reused",
                                   "This batch id was already used for different changes.")
                return PushResponse.model_validate_json(stored.response)
            response = PushApplier(conn, actor, request).run()
            conn.execute(insert(models.sync_batch).values(
                device_id=actor.device_id, batch_id=request.batch_id, request_hash=digest,
                response=response.model_dump_json(), created_at=now()))
    except exc.IntegrityError:
        # Another request with this batch (or op) committed first: a concurrent duplicate.
        raise ApiError(409, "batch_in_progress",
                       "This batch is already being applied; retry shortly.") from None
    log.info("push", extra={"device": actor.device_id, "ops": len(request.ops),
                            "conflicts": response.conflicts})
    return response
