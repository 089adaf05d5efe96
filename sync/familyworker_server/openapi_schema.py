"""The OpenAPI document, with the push body described from the row schema.

The push route parses its body itself (once, from raw bytes), so FastAPI cannot see its model;
its schema and every model it refers to are added as components here, and each op's ``fields``
is described per table from ``familyworker.sync.row_schema`` — the declaration the server
validates against — so a client generator or a fuzzer gets the same rules the server applies.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from familyworker.sync.protocol import ErrorBody, PushRequest
from familyworker.sync.row_schema import TABLES, fields_json_schema

REF = "#/components/schemas/{model}"


def push_components() -> dict[str, Any]:
    """PushRequest, Op and ErrorBody as OpenAPI components; Op's fields one schema per table."""
    request = PushRequest.model_json_schema(ref_template=REF)
    components: dict[str, Any] = dict(request.pop("$defs", {}))
    components["PushRequest"] = request
    error = ErrorBody.model_json_schema(ref_template=REF)
    components.update(error.pop("$defs", {}))
    components["ErrorBody"] = error
    op = dict(components["Op"])
    op["oneOf"] = [{"type": "object", "required": ["table"], "properties": {
        "table": {"const": name}, "fields": fields_json_schema(name)}} for name in TABLES]
    components["Op"] = op
    return components


def install(app: FastAPI) -> None:
    """Serve /openapi.json with the push components added (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                push_components())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
