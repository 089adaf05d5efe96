"""Enrolment, the token exchange and the device's own status."""

from fastapi import APIRouter

from familyworker.sync.protocol import (
    EnrolRequest,
    StatusResponse,
    UnlockRequest,
    UnlockResponse,
)
from familyworker.sync.token_protocol import (
    TOKEN_PATH,
    EnrolTokensResponse,
    TokenRequest,
    TokenResponse,
)
from familyworker_server import accounts, unlock_codes
from familyworker_server.accounts import now
from familyworker_server.deps import ActorDep, EngineDep, SettingsDep, check_versions

router = APIRouter(prefix="/sync/v1", tags=["devices"])


@router.post("/enrol", response_model=EnrolTokensResponse)
def enrol(request: EnrolRequest, engine: EngineDep, settings: SettingsDep) -> EnrolTokensResponse:
    """Exchange a single-use enrolment code for this device's first access and refresh token."""
    check_versions(request.protocol, request.schema_version)
    actor, pair, name = accounts.enrol(engine, code=request.code, device_id=request.device_id,
                                       device_name=request.device_name,
                                       access_seconds=settings.access_token_seconds)
    return EnrolTokensResponse(device_id=actor.device_id, access_token=pair.access_token,
                               refresh_token=pair.refresh_token, expires_in=pair.expires_in,
                               access_expires_at=pair.access_expires_at,
                               worker_id=actor.worker_id, worker_name=name, role=actor.role,
                               team_id=actor.team_id, server_time=now())


@router.post(TOKEN_PATH.removeprefix("/sync/v1"), response_model=TokenResponse)
def token(request: TokenRequest, engine: EngineDep, settings: SettingsDep) -> TokenResponse:
    """Exchange the refresh token for a new pair (rotation; see ``accounts.refresh`` for reuse
    detection and the lost-answer grace rule). The token travels in the body, never the URL."""
    check_versions(request.protocol, request.schema_version)
    pair = accounts.refresh(engine, device_id=request.device_id,
                            refresh_token=request.refresh_token,
                            access_seconds=settings.access_token_seconds,
                            grace_seconds=settings.refresh_grace_seconds)
    return TokenResponse(access_token=pair.access_token, refresh_token=pair.refresh_token,
                         expires_in=pair.expires_in, access_expires_at=pair.access_expires_at,
                         server_time=now())


@router.get("/status", response_model=StatusResponse)
def status(actor: ActorDep, settings: SettingsDep) -> StatusResponse:
    """Who this token belongs to, and the organisation's longest time offline (B3); also how a
    client learns it has been revoked."""
    return StatusResponse(device_id=actor.device_id, worker_id=actor.worker_id,
                          role=actor.role, team_id=actor.team_id, server_time=now(),
                          max_offline_days=settings.max_offline_days,
                          closed_grace_days=settings.closed_grace_days)


@router.post("/unlock", response_model=UnlockResponse)
def unlock(request: UnlockRequest, engine: EngineDep) -> UnlockResponse:
    """SECURITY B2: after 10 wrong passphrases a caseload (locked, so without its tokens) asks
    here with the single-use code its administrator issued (``unlock-code DEVICE``). A revoked
    device is answered ``device_revoked`` whatever the code, and wipes itself."""
    check_versions(request.protocol, request.schema_version)
    unlock_codes.confirm_unlock(engine, device_id=request.device_id, code=request.code)
    return UnlockResponse(device_id=request.device_id, server_time=now())
