"""Pull: rows of the caller's scope changed since a cursor, one page at a time."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from familyworker.sync import protocol
from familyworker.sync.protocol import PullResponse
from familyworker_server.apply import pull_page
from familyworker_server.deps import ActorDep, EngineDep, check_versions

router = APIRouter(prefix="/sync/v1", tags=["sync"])


@router.get("/pull", response_model=PullResponse)
def pull(actor: ActorDep, engine: EngineDep,
         protocol_version: Annotated[int, Query(alias="protocol", ge=0, le=1000)],
         schema_version: Annotated[int, Query(ge=0, le=1_000_000)],
         cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
         limit: Annotated[int, Query(ge=1, le=protocol.MAX_PULL_LIMIT)] =
         protocol.DEFAULT_PULL_LIMIT,
         scope_hash: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """Current state of changed rows with server_seq > cursor, in server_seq order."""
    check_versions(protocol_version, schema_version)
    with engine.connect() as conn, conn.begin():
        body = pull_page(conn, actor, cursor=cursor, limit=limit, client_scope_hash=scope_hash)
    return Response(content=body, media_type="application/json")
