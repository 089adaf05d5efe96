"""/healthz, /readyz and /metrics: what a load balancer, an orchestrator and Prometheus ask."""

import hmac
import ipaddress

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, exc
from starlette.concurrency import run_in_threadpool

from familyworker_server import db
from familyworker_server.config import ServerSettings
from familyworker_server.observability import ServerMetrics

router = APIRouter(tags=["meta"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and answering; says nothing about the database (see /readyz)."""
    return {"status": "ok"}


_HEADS: set[str] = set()


def _expected_heads(engine: Engine) -> set[str]:
    """This server's migration heads, read from its scripts once per process."""
    if not _HEADS:
        _HEADS.update(ScriptDirectory.from_config(db.alembic_config(engine)).get_heads())
    return _HEADS


def readiness(engine: Engine) -> str | None:
    """Why this server cannot take sync traffic now, in one sentence; None when it can."""
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except exc.SQLAlchemyError:
        return "The database cannot be reached."
    if current != _expected_heads(engine):
        return "The database schema is not at this server's version; run the server once " \
               "with migrations (familyworker-server serve migrates at start)."
    return None


@router.get("/readyz", responses={503: {"description": "not ready, with the reason"}})
async def readyz(request: Request) -> JSONResponse:
    """Ready: the database answers and its migrations are at this server's head."""
    reason = await run_in_threadpool(readiness, request.app.state.engine)
    if reason is not None:
        return JSONResponse({"status": "not ready", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})


_LOOPBACK = ("127.0.0.1", "::1")


def may_read_metrics(request: Request, settings: ServerSettings) -> bool:
    """A bearer token equal to the configured metrics token, or (with none presented) a client
    on this machine that did not come through a proxy: a reverse proxy on the same host would
    otherwise make every outside caller look local."""
    authorization = request.headers.get("authorization", "")
    if settings.metrics_token and authorization.lower().startswith("bearer "):
        return hmac.compare_digest(authorization[7:].strip().encode(),
                                   settings.metrics_token.encode())
    proxied = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    host = request.client.host if request.client is not None else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host in _LOOPBACK
    return loopback and not proxied


@router.get("/metrics", responses={403: {"description": "not from this machine, no token"}})
async def metrics(request: Request) -> Response:
    """Prometheus text format: this process's counters and the database's device gauges."""
    if not may_read_metrics(request, request.app.state.settings):
        return JSONResponse({"code": "forbidden", "message": "Metrics are served to this "
                             "machine, or with the metrics token."}, status_code=403)
    server_metrics: ServerMetrics = request.app.state.metrics
    body = await run_in_threadpool(generate_latest, server_metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
