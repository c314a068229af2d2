"""One definition per API shape: the OpenAPI document is generated from the schemas that serialise the answers,
covers every /api/v1 route, and every GET's real answer (on the demo's data) matches its documented schema."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from bimtek.api import openapi
from bimtek.extensions import db
from tests.factories import bearer, token_for

METHODS = {"get", "post", "put", "patch", "delete"}


def _routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
            out |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_every_api_route_is_documented_from_its_schemas(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(p, m) for p, ops in doc["paths"].items() for m in ops if m in METHODS}
    assert _routes(app) <= documented, sorted(_routes(app) - documented)
    assert documented <= _routes(app), sorted(documented - _routes(app))
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, (path, method)
            for code in ok:
                content = op["responses"][code].get("content", {})
                if "application/json" in content:
                    # Every JSON answer is a named component generated from a marshmallow schema.
                    assert "$ref" in content["application/json"]["schema"], (path, method, code)
            if "requestBody" in op and "application/json" in op["requestBody"]["content"]:
                assert op["requestBody"]["content"]["application/json"]["schema"], (path, method)
    # The document is built once from the schema classes; nothing is declared by hand any more.
    assert not hasattr(openapi, "document") and not hasattr(openapi, "PATHS")


class Mismatch(AssertionError):
    pass


def _check(value, schema: dict, components: dict, where: str) -> None:
    """A small JSON Schema (OpenAPI 3.0 subset) check: $ref, type, nullable, enum, properties, required,
    additionalProperties, items, oneOf/anyOf. Raises Mismatch with the path of the first difference."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    options = schema.get("oneOf") or schema.get("anyOf")
    if value is None and (schema.get("nullable") or not schema):
        return
    if value is None and not options:
        raise Mismatch(f"{where}: null but not nullable ({schema})")
    if options:
        for option in options:
            try:
                _check(value, option, components, where)
                return
            except Mismatch:
                continue
        raise Mismatch(f"{where}: {value!r} matches none of {options}")
    kind = schema.get("type")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list}
    if kind is not None:
        if not isinstance(value, types[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
            raise Mismatch(f"{where}: {value!r} is not {kind}")
    if "enum" in schema and value not in schema["enum"]:
        raise Mismatch(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                raise Mismatch(f"{where}: required {name} missing")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], components, f"{where}.{key}")
            elif extra is False:
                raise Mismatch(f"{where}: undocumented key {key!r}")
            elif isinstance(extra, dict):
                _check(item, extra, components, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], components, f"{where}[{i}]")


def test_the_checker_refuses_what_the_document_does_not_say():
    components = {"X": {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False}}
    _check({"a": 1}, {"$ref": "#/components/schemas/X"}, components, "x")
    for bad in ({"a": "1"}, {"a": 1, "b": 2}, {"a": None}, {"a": True}):
        with pytest.raises(Mismatch):
            _check(bad, {"$ref": "#/components/schemas/X"}, components, "x")


@pytest.fixture
def demo(runner, client):
    """The demo's data (the finished Batam bimtek has registrations, check-ins, Zoom imports, verdicts,
    evaluations, tests and certificates), an admin token, and one certificate job."""
    from bimtek.demo import ADMIN_EMAIL, BATAM_SLUG
    from bimtek.events.models import Event

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    from bimtek.accounts.models import User

    admin = db.session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL))
    event = db.session.scalar(sa.select(Event).where(Event.slug == BATAM_SLUG))
    h = bearer(token_for(admin))
    job = client.post(f"/api/v1/events/{event.id}/certificates/issue",
                      json={"scope": "panitia", "names": ["Rina Wulandari, S.Kom."], "notify": False}, headers=h)  # fmt: skip
    assert job.status_code == 202, job.get_json()
    # The demo has no pre-test: give Batam one, so the participant's test answers too.
    from tests.factories_learning import enable_test, make_bank

    make_bank(event, admin)
    enable_test(event, admin)
    return event, h, job.get_json()["id"]


def _params(event, job_id: int) -> dict[str, str]:
    """A real value for every path parameter of the GET routes, from the demo's Batam event."""
    from bimtek.attendance.models import ZoomImport
    from bimtek.certificates.models import Certificate
    from bimtek.registration.models import Registration

    reg = db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    )  # fmt: skip
    cert = db.session.scalar(sa.select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.id))
    imp = db.session.scalar(sa.select(ZoomImport).where(ZoomImport.event_id == event.id).order_by(ZoomImport.id))
    assert reg and cert and imp, "the demo seeds registrations, certificates and Zoom imports"
    return {
        "event_id": str(event.id), "registration_id": str(reg.id), "certificate_id": str(cert.id),
        "job_id": str(job_id), "import_id": str(imp.id), "token": reg.manage_token, "kind": "pre",
        "code": cert.verification_code,
    }  # fmt: skip


QUERIES = {"/events/{event_id}/checkin-search": "?q=an"}


def test_every_get_answers_what_its_schema_documents(client, demo):
    event, h, job_id = demo
    doc = client.get("/api/v1/openapi.json").get_json()
    components = doc["components"]["schemas"]
    params = _params(event, job_id)
    checked = []
    for path, ops in sorted(doc["paths"].items()):
        if "get" not in ops:
            continue
        url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: params[m.group(1)], path) + QUERIES.get(path, "")
        resp = client.get(url, headers=h)
        op = ops["get"]
        assert str(resp.status_code) in op["responses"], (path, resp.status_code, resp.get_data(as_text=True)[:300])
        assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:300])
        content = op["responses"]["200"]["content"]
        if "application/json" not in content:
            assert resp.mimetype in content, (path, resp.mimetype)
            continue
        body = resp.get_json()
        _check(body, content["application/json"]["schema"], components, path)
        checked.append(path)
    # The demo gives every list something to show, so the items were checked too.
    assert len(checked) >= 25, checked


def test_the_scan_fast_path_is_the_schemas_dump(client, demo):
    """The check-in answer is built by dumps compiled from the schemas' fields: the same dict as marshmallow's."""
    from bimtek.api.schemas import Context, dump
    from bimtek.checkin.models import CheckIn
    from bimtek.checkin.schemas import AdmissionSchema, CheckInPersonSchema, admission_fields, person_json
    from bimtek.checkin.services import Admission

    event, _h, _job = demo
    rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.event_id == event.id).limit(5)).all()
    assert rows
    for row in rows:
        reg = row.registration
        assert person_json(reg) == dump(CheckInPersonSchema, reg)
        adm = Admission(row.id, reg, row.kind, row.slot, row.scanned_at, row.gate, "Petugas", row.source,
                        list(row.flags or []))  # fmt: skip
        with Context({"tz": event.timezone}):
            fast = admission_fields(adm)
        assert fast == dump(AdmissionSchema, adm, tz=event.timezone)
        assert fast["scanned_at"].endswith("+07:00") and set(fast) == set(AdmissionSchema().fields)
