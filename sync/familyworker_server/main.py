"""The app factory: one FastAPI app per settings, so tests run it on SQLite and PostgreSQL."""

import gc
import json
import logging
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from familyworker_server import db, health, instance, openapi_schema
from familyworker_server.config import GZIP_MINIMUM_BYTES, ServerSettings
from familyworker_server.errors import ApiError
from familyworker_server.middleware import BodyLimitMiddleware
from familyworker_server.observability import (
    ObservabilityMiddleware,
    ServerMetrics,
    request_id_var,
    stamp_request_ids,
)
from familyworker_server.routes import devices, pull, push

log = logging.getLogger("familyworker_server")
# `serve --workers N`: the JSON ServerSettings each worker process builds its app from.
SETTINGS_ENV = "FAMILYWORKER_SERVER_SETTINGS"
LOG_FORMAT_ENV = "FAMILYWORKER_LOG_FORMAT"


# The fields a log call may add beside its event (identifiers, counts, the access line's own).
LOG_FIELDS = ("device", "ops", "conflicts", "rows", "method", "route", "status", "ms")
LOG_FORMATS = ("json", "text")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; callers pass identifiers and counts only, never case content."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {"at": self.formatTime(record), "level": record.levelname,
                   "logger": record.name, "event": record.getMessage()}
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id is not None:
            payload["request_id"] = request_id
        for key in LOG_FIELDS:
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        return json.dumps(payload)


class TextFormatter(logging.Formatter):
    """The same fields as one readable line, for a person watching a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        fields = [f"{key}={getattr(record, key)}" for key in LOG_FIELDS if hasattr(record, key)]
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id is not None:
            fields.insert(0, f"request_id={request_id}")
        return " ".join([self.formatTime(record), record.levelname, record.name,
                         record.getMessage(), *fields])


def configure_logging(log_format: str = "json") -> None:
    """Structured logs on stderr: one JSON object per line (or text), no personal data."""
    handler = logging.StreamHandler()
    handler.setFormatter(TextFormatter() if log_format == "text" else JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


# Young-generation collections after this many net allocations instead of 700, and full ones
# rarely: a 2,000-op push allocates ~100,000 short-lived objects (parsed ops, dicts), and the
# default thresholds set off full collections walking every object in the process ~0.3 s of a
# 40,000-op push's CPU. Requests make no reference cycles of note; reference counting frees them.
GC_THRESHOLDS = (50_000, 20, 10)


def tune_gc() -> None:
    """For a serving process: startup objects (modules, the app) are frozen out of collections,
    and collections run far less often (GC_THRESHOLDS)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def app_from_environment() -> FastAPI:
    """uvicorn's factory in each worker process of ``serve --workers N``."""
    configure_logging(os.environ.get(LOG_FORMAT_ENV, "json"))
    tune_gc()
    return create_app(ServerSettings.model_validate_json(os.environ[SETTINGS_ENV]))


class _Epoch:
    """The database's epoch (instance.py) as a header on every sync answer; read when the app
    is made or, if the database could not be read then, at the first sync answer after; then
    kept (a restore needs a restart)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.value: str | None = None
        self.headers(sync_path=True)

    def headers(self, *, sync_path: bool) -> list[tuple[bytes, bytes]]:
        if self.value is None and sync_path:
            try:
                with self.engine.connect() as conn:
                    self.value = instance.read_epoch(conn)
            except exc.SQLAlchemyError:  # not migrated yet or unreachable: /readyz says which
                return []
        if self.value is None:
            return []
        return [(instance.EPOCH_HEADER.lower().encode(), self.value.encode())]


def create_app(settings: ServerSettings) -> FastAPI:
    if settings.data_dir is not None and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = db.make_engine(settings.resolved_url())
    if settings.run_migrations:
        db.migrate(engine)
    app = FastAPI(title="FamilyWorker sync server", version="1")
    app.state.settings = settings
    app.state.engine = engine
    app.state.metrics = ServerMetrics(engine)
    stamp_request_ids()
    epoch = _Epoch(engine)
    # Order: the body limit runs first (outermost), before anything reads the body.
    # Level 5: workers pull deltas over weak mobile signal, so bytes matter more than server
    # CPU. Pages of a download from cursor 0 are compressed at level 1 by the pull route
    # itself (routes/pull.py); the middleware leaves an encoded answer alone.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=5)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost: every answer, a refused body included, carries its request id.
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics, routes_of=app,
                       extra_headers=epoch.headers)
    app.include_router(devices.router)
    app.include_router(push.router)
    app.include_router(pull.router)
    app.include_router(health.router)
    openapi_schema.install(app)

    @app.exception_handler(ApiError)
    def api_error(_request: Request, error: ApiError) -> JSONResponse:
        body: dict[str, Any] = {"code": error.code, "message": error.message, **error.extra}
        return JSONResponse(body, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Location and message only: never echo the input back (it may be case content).
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in error.errors()[:20]]
        is_json = any(e["type"] == "json_invalid" for e in errors)
        return JSONResponse(
            {"code": "invalid_json" if is_json else "invalid_request",
             "message": "The request body is not valid JSON." if is_json
             else "The request does not match the protocol.", "errors": errors},
            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if error.status_code == 404 else "invalid_request"
        return JSONResponse({"code": code, "message": str(error.detail)},
                            status_code=error.status_code)

    @app.exception_handler(Exception)
    def crashed(_request: Request, error: Exception) -> JSONResponse:
        log.error("unhandled error: %s", type(error).__name__)
        return JSONResponse({"code": "internal", "message": "The server hit an error."},
                            status_code=500)

    return app
