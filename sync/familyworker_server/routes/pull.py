"""Pull: rows of the caller's scope changed since a cursor, one page at a time."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from familyworker.sync import protocol
from familyworker.sync.protocol import PullResponse, ScopeResponse, scope_hash
from familyworker_server.accounts import authenticate, now
from familyworker_server.apply import pull_page, scope_family_ids
from familyworker_server.config import GZIP_MINIMUM_BYTES
from familyworker_server.deps import ActorDep, EngineDep, TokenDep, check_versions
from familyworker_server.routes.fast_gzip import accepts_gzip, fast_gzipped, json_answer

router = APIRouter(prefix="/sync/v1", tags=["sync"])


@router.get("/pull", response_model=PullResponse)
async def pull(token: TokenDep, engine: EngineDep,
               protocol_version: Annotated[int, Query(alias="protocol", ge=0, le=1000)],
               schema_version: Annotated[int, Query(ge=0, le=1_000_000)],
               cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
               limit: Annotated[int, Query(ge=1, le=protocol.MAX_PULL_LIMIT)] =
               protocol.DEFAULT_PULL_LIMIT,
               download: Annotated[bool, Query(
                   description="this page continues a download that began at cursor 0")] = False,
               include_own: Annotated[bool, Query(
                   description="also rows only this device wrote (a full download after "
                               "410 resync_scope)")] = False,
               accept_encoding: Annotated[str, Header()] = "") -> Response:
    """Current state of changed rows with server_seq > cursor, in server_seq order. A cursor
    below the tombstone horizon (deletion records purged since) is answered 410 resync_scope."""
    check_versions(protocol_version, schema_version)
    body, gzipped = await run_in_threadpool(
        _page, token, engine, cursor=cursor, limit=limit, download=download,
        include_own=include_own, gzip_fast=download and accepts_gzip(accept_encoding))
    return json_answer(body, gzipped)


def _page(token: str, engine: Engine, *, gzip_fast: bool,
          **options: Any) -> tuple[bytes, bool]:
    """The caller checked and the page read on one worker thread, in one transaction.

    ``gzip_fast``: a page of a download from cursor 0 (a new device, usually set up in the
    office), compressed here at level 1 rather than by the app's middleware at level 5: 17%
    more bytes, half the server's CPU per page. Deltas, pulled in the field over weak signal,
    keep level 5. Returns the body and whether it is gzipped."""
    with engine.connect() as conn, conn.begin():
        body = pull_page(conn, authenticate(engine, token, conn=conn), **options)
    return fast_gzipped(body, wanted=gzip_fast, minimum=GZIP_MINIMUM_BYTES)


@router.get("/scope", response_model=ScopeResponse)
def scope(actor: ActorDep, engine: EngineDep) -> ScopeResponse:
    """Every family the caller may hold now; a client removes the others (F4)."""
    with engine.connect() as conn:
        ids = scope_family_ids(conn, actor)
    return ScopeResponse(families=ids, scope_hash=None if ids is None else scope_hash(ids),
                         server_time=now())
