"""The OpenAPI 3 document, assembled from what each feature's api module declares."""

from __future__ import annotations

from flask import Flask, jsonify

PATHS: dict[str, dict] = {}
SCHEMAS: dict[str, dict] = {}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "fields"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def document(path: str, method: str, spec: dict) -> None:
    """Declare one operation (path in OpenAPI form, e.g. /events/{event_id})."""
    PATHS.setdefault(path, {})[method.lower()] = spec


def schema(name: str, spec: dict) -> None:
    """Declare a reusable component schema."""
    SCHEMAS[name] = spec


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(name: str) -> dict:
    """Schema of a paginated list of `name`."""
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "total": {"type": "integer"},
            "total_exact": {
                "type": "boolean",
                "description": "false when a search stopped counting: total is a lower bound",
            },
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


def json_response(description: str, schema_: dict | None = None) -> dict:
    content = {"application/json": {"schema": schema_}} if schema_ else {}
    return {"description": description, **({"content": content} if content else {})}


def errors(*codes: int) -> dict:
    """Standard error responses."""
    text = {
        400: "Malformed",
        401: "No valid token",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        422: "Invalid fields",
        429: "Too many requests",
    }
    return {str(c): json_response(text[c], ref("Error")) for c in codes}


def build() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Bimtek API", "version": "1.0.0", "description": "JSON API for scanners and integrations."},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(PATHS.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA, **SCHEMAS},
        },
    }


def init_app(app: Flask) -> None:
    """Serve the document at /api/v1/openapi.json."""

    def openapi_json():
        """The OpenAPI 3 document of this API."""
        return jsonify(build())

    app.add_url_rule("/api/v1/openapi.json", "api.openapi", openapi_json)
