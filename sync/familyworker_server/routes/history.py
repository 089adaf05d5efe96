"""A family's History (issue 16): its audit events, for callers who hold the family."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from familyworker.sync import protocol
from familyworker.sync.protocol import HistoryResponse
from familyworker_server.accounts import authenticate
from familyworker_server.deps import EngineDep, TokenDep
from familyworker_server.family_history import history_page

router = APIRouter(prefix="/sync/v1", tags=["sync"])


@router.get("/families/{family_id}/history", response_model=HistoryResponse)
async def family_history(
        token: TokenDep, engine: EngineDep,
        family_id: Annotated[str, Path(min_length=1, max_length=64,
                                       pattern=r"^[0-9A-Za-z_-]+$")],
        cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_HISTORY_LIMIT)] =
        protocol.DEFAULT_HISTORY_LIMIT) -> HistoryResponse:
    """Newest first, ``limit`` a page; 404 for a family the caller does not hold (I4)."""
    return await run_in_threadpool(_page, token, engine, family_id, cursor, limit)


def _page(token: str, engine: Engine, family_id: str, cursor: int | None,
          limit: int) -> HistoryResponse:
    # The caller is checked before the transaction that writes the audit row: authenticate's
    # own small writes must not wait behind SQLite's write lock held by this one.
    actor = authenticate(engine, token)
    with engine.begin() as conn:
        return history_page(conn, actor, family_id, cursor=cursor, limit=limit)
