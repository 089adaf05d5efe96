"""Request ids, one access-log line per request and the Prometheus metrics of one app.

Labels name route templates (``/sync/v1/push``), never raw paths, and logs carry identifiers
and counts only: nothing a worker typed reaches a log line or a metric.
"""

import contextvars
import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, exc, func, select
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from familyworker_server import models
from familyworker_server.accounts import now

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only if it is a plain token: it goes into every log line of the request.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# A device counts as active if it reached the server within this window.
ACTIVE_WINDOW = timedelta(days=1)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "familyworker_request_id", default=None)
access_log = logging.getLogger("familyworker_server.access")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record as it is made (handlers may format it
    later, on another thread)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


_REQUEST_ID_FILTER = RequestIdFilter()


def stamp_request_ids() -> None:
    """Every server logger's records carry the request id (a logger's filters run when a
    record is made, whichever handler then writes it)."""
    for name in ("familyworker_server", *[n for n in list(logging.root.manager.loggerDict)
                                          if n.startswith("familyworker_server.")]):
        logger = logging.getLogger(name)
        if _REQUEST_ID_FILTER not in logger.filters:
            logger.addFilter(_REQUEST_ID_FILTER)


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID if it is well formed, else a new one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            text = value.decode("latin-1")
            if _WELL_FORMED_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


@dataclass
class PushOutcome:
    """What one push did to its ops, filled in by ``apply_batch`` for the metrics."""

    applied: int = 0
    refused: int = 0
    conflicts: int = 0
    replayed: bool = False


class _DeviceCollector(Collector):
    """Devices enrolled and active, counted in the database at scrape time (every process of
    every instance answers alike: the figure is the database's, not this process's)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    _ENROLLED = ("familyworker_devices_enrolled", "Devices enrolled and not revoked.")
    _ACTIVE = ("familyworker_devices_active",
               "Devices that reached the server in the last 24 hours.")

    def describe(self) -> Any:
        """Names only: registering must not need the database."""
        return [GaugeMetricFamily(*self._ENROLLED), GaugeMetricFamily(*self._ACTIVE)]

    def collect(self) -> Any:
        d = models.device.c
        try:
            with self.engine.connect() as conn:
                enrolled = conn.execute(select(func.count()).select_from(models.device)
                                        .where(d.revoked_at.is_(None))).scalar_one()
                active = conn.execute(select(func.count()).select_from(models.device).where(
                    d.revoked_at.is_(None), d.last_seen_at >= now() - ACTIVE_WINDOW)
                ).scalar_one()
        except exc.SQLAlchemyError:
            return  # no database, no gauges: /readyz says why; the counters still show
        yield GaugeMetricFamily(*self._ENROLLED, value=int(enrolled))
        yield GaugeMetricFamily(*self._ACTIVE, value=int(active))


class ServerMetrics:
    """One app's metrics in a registry of its own (not the global one), so two apps in one
    process, as in tests, keep separate counts."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("familyworker_http_requests", "HTTP requests answered.",
                                ["route", "method", "status"], registry=self.registry)
        self.push_seconds = Histogram("familyworker_push_seconds", "Time to answer a push.",
                                      buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.pull_seconds = Histogram("familyworker_pull_seconds",
                                      "Time to answer a pull page.",
                                      buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.ops = Counter("familyworker_ops", "Pushed ops by outcome (a replayed batch is not "
                           "counted again).", ["outcome"], registry=self.registry)
        for outcome in ("applied", "refused", "conflicted"):
            self.ops.labels(outcome)
        self.registry.register(_DeviceCollector(engine))

    def record_push(self, outcome: PushOutcome) -> None:
        if outcome.replayed:
            return
        self.ops.labels("applied").inc(outcome.applied)
        self.ops.labels("refused").inc(outcome.refused)
        self.ops.labels("conflicted").inc(outcome.conflicts)


class RouteTemplates:
    """Maps a request path to its route's template ("unmatched" for any other path: raw paths
    could carry ids). Built once from the app's OpenAPI paths, the full templates whatever
    routers the routes came through."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._compiled: list[tuple[re.Pattern[str], str]] | None = None

    def __call__(self, path: str) -> str:
        if self._compiled is None:
            self._compiled = [(compile_path(template)[0], template)
                              for template in self.app.openapi().get("paths", {})]
        for pattern, template in self._compiled:
            if pattern.match(path):
                return template
        return "unmatched"


class ObservabilityMiddleware:
    """Outermost: gives each request its id (echoed in ``X-Request-ID``), times it, counts it
    by route template and status, and writes one access-log line."""

    def __init__(self, app: ASGIApp, *, metrics: ServerMetrics, routes_of: Any,
                 extra_headers: Any = None) -> None:
        self.app = app
        self.metrics = metrics
        self.route_of = RouteTemplates(routes_of)
        # A callable giving headers answers carry (the epoch on sync answers), or None.
        self.extra_headers = extra_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope["headers"])
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        extra = [] if self.extra_headers is None else list(
            self.extra_headers(sync_path=scope["path"].startswith("/sync/")))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER.lower().encode(), request_id.encode()), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = self.route_of(scope["path"])
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            if route == "/sync/v1/push":
                self.metrics.push_seconds.observe(elapsed)
            elif route == "/sync/v1/pull":
                self.metrics.pull_seconds.observe(elapsed)
            access_log.info("request", extra={"method": scope["method"], "route": route,
                                              "status": status,
                                              "ms": round(elapsed * 1000, 1)})
            request_id_var.reset(token)
