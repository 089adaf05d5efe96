"""Enrolment and the device's own status."""

from fastapi import APIRouter

from familyworker.sync.protocol import EnrolRequest, EnrolResponse, StatusResponse
from familyworker_server import accounts
from familyworker_server.accounts import now
from familyworker_server.deps import ActorDep, EngineDep, check_versions

router = APIRouter(prefix="/sync/v1", tags=["devices"])


@router.post("/enrol", response_model=EnrolResponse)
def enrol(request: EnrolRequest, engine: EngineDep) -> EnrolResponse:
    """Exchange a single-use enrolment code for this device's token."""
    check_versions(request.protocol, request.schema_version)
    actor, token, name = accounts.enrol(engine, code=request.code, device_id=request.device_id,
                                        device_name=request.device_name)
    return EnrolResponse(device_id=actor.device_id, access_token=token,
                         worker_id=actor.worker_id, worker_name=name,
                         role=actor.role,
                         team_id=actor.team_id, server_time=now())


@router.get("/status", response_model=StatusResponse)
def status(actor: ActorDep) -> StatusResponse:
    """Who this token belongs to; also how a client learns it has been revoked."""
    return StatusResponse(device_id=actor.device_id, worker_id=actor.worker_id,
                          role=actor.role,
                          team_id=actor.team_id, server_time=now())
