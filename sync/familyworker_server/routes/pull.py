"""Pull: rows of the caller's scope changed since a cursor, one page at a time."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from familyworker.sync import protocol
from familyworker.sync.protocol import PullResponse, ScopeResponse, scope_hash
from familyworker_server.accounts import now
from familyworker_server.apply import pull_page, scope_family_ids
from familyworker_server.deps import ActorDep, EngineDep, check_versions

router = APIRouter(prefix="/sync/v1", tags=["sync"])


@router.get("/pull", response_model=PullResponse)
def pull(actor: ActorDep, engine: EngineDep,
         protocol_version: Annotated[int, Query(alias="protocol", ge=0, le=1000)],
         schema_version: Annotated[int, Query(ge=0, le=1_000_000)],
         cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
         limit: Annotated[int, Query(ge=1, le=protocol.MAX_PULL_LIMIT)] =
         protocol.DEFAULT_PULL_LIMIT,
         download: Annotated[bool, Query(
             description="this page continues a download that began at cursor 0")] = False,
         include_own: Annotated[bool, Query(
             description="also rows only this device wrote (a full download after "
                         "410 resync_scope)")] = False) -> Response:
    """Current state of changed rows with server_seq > cursor, in server_seq order. A cursor
    below the tombstone horizon (deletion records purged since) is answered 410 resync_scope."""
    check_versions(protocol_version, schema_version)
    with engine.connect() as conn, conn.begin():
        body = pull_page(conn, actor, cursor=cursor, limit=limit, download=download,
                         include_own=include_own)
    return Response(content=body, media_type="application/json")


@router.get("/scope", response_model=ScopeResponse)
def scope(actor: ActorDep, engine: EngineDep) -> ScopeResponse:
    """Every family the caller may hold now; a client removes the others (F4)."""
    with engine.connect() as conn:
        ids = scope_family_ids(conn, actor)
    return ScopeResponse(families=ids, scope_hash=None if ids is None else scope_hash(ids),
                         server_time=now())
