"""The OpenAPI document covers every API route, and only routes that exist."""

from __future__ import annotations

import re

from bimtek.api import openapi


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    return routes


def test_every_route_is_documented_and_every_documented_route_exists(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == _api_routes(app)


def test_every_operation_has_responses_and_refs_resolve(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    text = str(doc)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in schemas, name
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("responses"), (path, method)
            for param in re.findall(r"{(\w+)}", path):
                assert any(p["name"] == param and p["in"] == "path" for p in op.get("parameters", [])), (path, param)


def test_openapi_module_builds_without_app():
    assert openapi.build()["components"]["schemas"]["Error"]["required"] == ["error", "message", "fields"]
