"""Attendance in the JSON API: Zoom report imports, the review queue, the Zoom webhook, presensi, the
matrix and verdicts."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request

from bimtek.accounts.access import acting_user, event_view, object_view, public
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.attendance import presensi, services, tasks, verdicts, webhooks
from bimtek.attendance.models import ZoomImport, ZoomImportRow
from bimtek.errors import Invalid
from bimtek.events.models import EventSession
from bimtek.extensions import db, limiter
from bimtek.registration.models import Registration


def _scoped(model, event, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None or obj.event_id != event.id:
        abort(404)
    return obj


@api_bp.post("/events/<int:event_id>/sessions/<int:session_id>/zoom-imports")
@token_required
@event_view("manage")
def upload_zoom_report(event, session_id: int):
    """Upload a Zoom report (multipart field "file") for a session; returns the preview."""
    session = _scoped(EventSession, event, session_id)
    upload = request.files.get("file")
    data = upload.read() if upload else (request.get_data() if request.mimetype == "text/csv" else b"")
    imp, created = services.upload_report(
        event, session, upload.filename if upload else "laporan-zoom.csv", data, user=acting_user()
    )
    db.session.commit()
    return jsonify({**services.import_json(imp), "created": created}), 201 if created else 200


@api_bp.post("/events/<int:event_id>/zoom-imports")
@token_required
@event_view("manage")
def upload_zoom_report_all_sessions(event):
    """One meeting for the whole event: preview the report for every session it covers."""
    upload = request.files.get("file")
    data = upload.read() if upload else (request.get_data() if request.mimetype == "text/csv" else b"")
    results, skipped = services.upload_report_all_sessions(
        event, upload.filename if upload else "laporan-zoom.csv", data, user=acting_user()
    )
    db.session.commit()
    items = [{**services.import_json(imp, with_groups=False), "created": created} for imp, created in results]
    return jsonify({"items": items, "skipped_session_ids": [s.id for s in skipped]}), 201


@api_bp.post("/events/<int:event_id>/zoom-imports/confirm")
@token_required
@event_view("manage")
def confirm_all_zoom_imports(event):
    """Confirm every preview of the event."""
    count = services.confirm_all(event, user=acting_user())
    db.session.commit()
    return jsonify({"confirmed": count})


@api_bp.get("/events/<int:event_id>/zoom-imports/<int:import_id>")
@token_required
@event_view("manage")
def get_zoom_import(event, import_id: int):
    """One import: its preview or result."""
    return jsonify(services.import_json(_scoped(ZoomImport, event, import_id)))


@api_bp.post("/events/<int:event_id>/zoom-imports/<int:import_id>/confirm")
@token_required
@event_view("manage")
def confirm_zoom_import(event, import_id: int):
    """Credit a previewed import; a second confirmation changes nothing."""
    imp = _scoped(ZoomImport, event, import_id)
    result = services.start_confirm(
        imp, user=acting_user(), inline_rows=current_app.config.get("ZOOM_INLINE_CONFIRM_ROWS", 5000)
    )
    db.session.commit()
    if isinstance(result, bool):
        return jsonify({**services.import_json(imp, with_groups=False), "changed": result})
    tasks.confirm_zoom_import(result.id, imp.id, getattr(acting_user(), "id", None))
    return jsonify({**services.import_json(imp, with_groups=False), "changed": None, "job_id": result.id}), 202


@api_bp.get("/events/<int:event_id>/zoom-review")
@token_required
@event_view("manage")
def list_review(event):
    """The review queue (status=pending by default; linked or dismissed on request)."""
    status = request.args.get("status", "pending")
    if status not in ("pending", "linked", "dismissed"):
        raise Invalid("invalid", "status harus pending, linked atau dismissed.", status=400)
    items = [services.review_row_json(r) for r in services.review_queue(event.id, status)]
    return jsonify({"items": items, "total": len(items), "page": 1, "per_page": max(1, len(items))})


@api_bp.post("/events/<int:event_id>/zoom-review/<int:row_id>/link")
@token_required
@event_view("manage")
def link_review(event, row_id: int):
    """Credit a review row to a registration; the name is remembered for the other sessions."""
    row = _scoped(ZoomImportRow, event, row_id)
    body = json_body()
    count = services.link_row(row, body.get("registration_id"), user=acting_user())
    db.session.commit()
    return jsonify({**services.review_row_json(row), "linked_rows": count})


@api_bp.post("/events/<int:event_id>/zoom-review/<int:row_id>/dismiss")
@token_required
@event_view("manage")
def dismiss_review(event, row_id: int):
    """Dismiss a review row without crediting anyone."""
    row = _scoped(ZoomImportRow, event, row_id)
    services.dismiss_row(row, user=acting_user())
    db.session.commit()
    return jsonify(services.review_row_json(row))


@api_bp.post("/zoom/webhook/<int:event_id>")
@public
def zoom_webhook(event_id: int):
    """Zoom's webhook endpoint: authenticated by Zoom's HMAC signature over the raw body, not a token."""
    result = webhooks.handle_webhook(event_id, request.get_data(cache=True), request.headers)
    db.session.commit()
    return jsonify(result)


def _presensi_rate() -> str:
    return current_app.config.get("PRESENSI_RATE_LIMIT", "10 per minute")


def _presensi_key() -> str:
    body = request.get_json(silent=True) or {}
    token = body.get("manage_token") if isinstance(body, dict) else ""
    return f"presensi-api:{token if isinstance(token, str) else ''}:{request.remote_addr}"


@api_bp.post("/presensi")
@limiter.limit(_presensi_rate, key_func=_presensi_key)
def submit_presensi():
    """A participant's app submits the code on screen with the private manage token."""
    body = json_body()
    token = body.get("manage_token")
    reg = presensi.registration_by_token(token if isinstance(token, str) else "")
    code = body.get("code")
    record, created = presensi.submit_code(reg, code if isinstance(code, str) else "", method="api")
    db.session.commit()
    return jsonify(
        {
            "registration_id": reg.id,
            "session_id": record.session_id,
            "window_id": record.window_id,
            "recorded_at": record.recorded_at.isoformat(),
            "created": created,
        }
    ), 201 if created else 200


@api_bp.get("/events/<int:event_id>/attendance/matrix")
@token_required
@event_view("manage")
def attendance_matrix(event):
    """Participants × sessions: minutes, percent and sources per cell, with each verdict."""
    verdict = request.args.get("verdict", "all")
    rows = verdicts.matrix(
        event,
        mode=request.args.get("mode", ""),
        verdict_filter=verdict if verdict in verdicts.FILTERS else "all",
        query=request.args.get("q", "")[:100],
    )
    return jsonify(verdicts.matrix_json(event, rows))


@api_bp.get("/events/<int:event_id>/eligibility-rule")
@token_required
@event_view("manage")
def get_rule(event):
    """The event's eligibility rule ({} when none is set)."""
    return jsonify(verdicts.rule_json(verdicts.get_rule(event)))


@api_bp.put("/events/<int:event_id>/eligibility-rule")
@token_required
@event_view("manage")
def put_rule(event):
    """Set the rule and evaluate every participant again."""
    rule = verdicts.save_rule(event, json_body(), user=acting_user())
    summary = verdicts.compute_verdicts(event, user=acting_user())
    db.session.commit()
    return jsonify({**verdicts.rule_json(rule), "summary": summary})


@api_bp.post("/events/<int:event_id>/verdicts")
@token_required
@event_view("manage")
def compute_verdicts(event):
    """Evaluate every confirmed participant now and store the verdicts."""
    summary = verdicts.compute_verdicts(event, user=acting_user())
    db.session.commit()
    return jsonify(summary)


@api_bp.get("/registrations/<int:registration_id>/verdict")
@token_required
@object_view(Registration, "registration_id", "manage")
def get_verdict(obj):
    """One registration's verdict with its reasons."""
    return jsonify(verdicts.verdict_json(verdicts.verdict_for(obj.id), obj.id))


@api_bp.post("/registrations/<int:registration_id>/verdict/override")
@token_required
@object_view(Registration, "registration_id", "manage")
def override_verdict(obj):
    """Set ("eligible": true/false) or clear (null) the organizer's decision, with a reason (audited)."""
    body = json_body()
    decision = body.get("eligible")
    if decision is not None and not isinstance(decision, bool):
        raise Invalid("invalid", "eligible harus true, false atau null.", fields={"eligible": "true/false/null"})
    reason = body.get("reason")
    verdict = verdicts.override_verdict(obj, decision, reason if isinstance(reason, str) else "", user=acting_user())
    db.session.commit()
    return jsonify(verdicts.verdict_json(verdict))


# --- OpenAPI ---------------------------------------------------------------------------------------------

_sec = [{"bearer": []}]


def _path(*names: str) -> list[dict]:
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "integer"}} for n in names]


openapi.schema(
    "ZoomImport",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "session_id": {"type": "integer"},
            "filename": {"type": "string"},
            "status": {"type": "string", "enum": ["preview", "confirmed"]},
            "rows_read": {"type": "integer"},
            "rows_matched": {"type": "integer"},
            "people": {"type": "integer"},
            "people_matched": {"type": "integer"},
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "line": {"type": "integer"},
                        "column": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
            "problem_count": {"type": "integer"},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "people_list": {"type": "array", "items": {"type": "object"}},
            "created": {"type": "boolean"},
            "changed": {"type": "boolean", "nullable": True},
            "job_id": {"type": "integer"},
        },
    },
)
openapi.schema(
    "ZoomReviewRow",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "session_id": {"type": "integer"},
            "display_name": {"type": "string"},
            "email": {"type": "string", "nullable": True},
            "match_kind": {
                "type": "string",
                "enum": ["name", "ambiguous", "none", "registrant_id", "email", "code", "nip", "link"],
            },
            "candidate_ids": {"type": "array", "items": {"type": "integer"}},
            "minutes": {"type": "number"},
            "status": {"type": "string", "enum": ["pending", "linked", "dismissed"]},
            "registration_id": {"type": "integer", "nullable": True},
        },
    },
)
openapi.schema(
    "EligibilityRule",
    {
        "type": "object",
        "properties": {
            "min_session_percent": {"type": "number", "nullable": True, "example": 70},
            "min_sessions": {"type": "integer", "nullable": True},
            "min_total_jp": {"type": "number", "nullable": True},
            "require_presensi_windows": {"type": "boolean"},
            "require_evaluation": {"type": "boolean"},
            "jp_minutes": {"type": "integer", "example": 45},
        },
    },
)
openapi.schema(
    "Verdict",
    {
        "type": "object",
        "properties": {
            "registration_id": {"type": "integer"},
            "computed": {"type": "boolean"},
            "eligible": {"type": "boolean"},
            "final": {"type": "boolean", "description": "override if set, else eligible"},
            "reasons": {
                "type": "array",
                "items": {"type": "string"},
                "example": ["Sesi 2: 38 dari 90 menit (42%), minimal 70%"],
            },
            "details": {"type": "object"},
            "override": {"type": "boolean", "nullable": True},
            "override_reason": {"type": "string", "nullable": True},
        },
    },
)
openapi.schema(
    "AttendanceMatrix",
    {
        "type": "object",
        "properties": {
            "sessions": {"type": "array", "items": {"type": "object"}},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "registration_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "mode": {"type": "string"},
                        "cells": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {
                                    "minutes": {"type": "number"},
                                    "percent": {"type": "number"},
                                    "sources": {"type": "array", "items": {"type": "string"}},
                                    "attended": {"type": "boolean"},
                                },
                            },
                        },
                        "verdict": openapi.ref("Verdict"),
                    },
                },
            },
        },
    },
)
_imp = openapi.json_response("Import", openapi.ref("ZoomImport"))
openapi.document("/events/{event_id}/sessions/{session_id}/zoom-imports", "post", {
    "summary": "Upload a Zoom participants report (CSV) for a session: preview, nothing credited yet",
    "security": _sec, "parameters": _path("event_id", "session_id"),
    "requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
        "text/csv": {"schema": {"type": "string"}}}},
    "responses": {"201": _imp, "200": openapi.json_response("The same file was uploaded before", openapi.ref("ZoomImport")),
                  **openapi.errors(401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-imports", "post", {
    "summary": "Upload one Zoom report for the whole event: a preview for every session it covers",
    "security": _sec, "parameters": _path("event_id"),
    "requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
        "text/csv": {"schema": {"type": "string"}}}},
    "responses": {"201": openapi.json_response("Previews", {"type": "object", "properties": {
        "items": {"type": "array", "items": openapi.ref("ZoomImport")},
        "skipped_session_ids": {"type": "array", "items": {"type": "integer"}}}}),
        **openapi.errors(401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-imports/confirm", "post", {
    "summary": "Confirm every preview of the event", "security": _sec, "parameters": _path("event_id"),
    "responses": {"200": openapi.json_response("Count", {"type": "object", "properties": {
        "confirmed": {"type": "integer"}}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-imports/{import_id}", "get", {
    "summary": "Get a Zoom import (preview or result)", "security": _sec, "parameters": _path("event_id", "import_id"),
    "responses": {"200": _imp, **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-imports/{import_id}/confirm", "post", {
    "summary": "Confirm a previewed import (idempotent: changed=false the second time)", "security": _sec,
    "description": "Reports above ZOOM_INLINE_CONFIRM_ROWS rows are stored by the job consumer: 202 with job_id.",
    "parameters": _path("event_id", "import_id"),
    "responses": {"200": _imp, "202": openapi.json_response("Queued", openapi.ref("ZoomImport")),
                  **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-review", "get", {
    "summary": "The review queue of Zoom names that matched no exact key", "security": _sec,
    "parameters": [*_path("event_id"), {"name": "status", "in": "query",
                   "schema": {"type": "string", "enum": ["pending", "linked", "dismissed"]}}],
    "responses": {"200": openapi.json_response("Rows", openapi.list_of("ZoomReviewRow")), **openapi.errors(400, 401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-review/{row_id}/link", "post", {
    "summary": "Link a review row to a registration (remembered for the event's other sessions)", "security": _sec,
    "parameters": _path("event_id", "row_id"),
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["registration_id"], "properties": {"registration_id": {"type": "integer"}}}}}},
    "responses": {"200": openapi.json_response("Linked", openapi.ref("ZoomReviewRow")), **openapi.errors(400, 401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/zoom-review/{row_id}/dismiss", "post", {
    "summary": "Dismiss a review row", "security": _sec, "parameters": _path("event_id", "row_id"),
    "responses": {"200": openapi.json_response("Dismissed", openapi.ref("ZoomReviewRow")), **openapi.errors(401, 403, 404, 409)},
})  # fmt: skip
openapi.document("/zoom/webhook/{event_id}", "post", {
    "summary": "Zoom webhook (public: verified by x-zm-signature HMAC over the raw body, no bearer token)",
    "description": "Handles endpoint.url_validation and meeting/webinar participant_joined/participant_left. "
                   "Requests older than 5 minutes are refused; retries of one delivery are counted once.",
    "security": [], "parameters": [
        *_path("event_id"),
        {"name": "x-zm-signature", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "x-zm-request-timestamp", "in": "header", "required": True, "schema": {"type": "string"}}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {"200": openapi.json_response("Recorded, duplicate, ignored, or the URL validation answer",
                                               {"type": "object"}), **openapi.errors(400, 401, 404)},
})  # fmt: skip
openapi.document("/presensi", "post", {
    "summary": "Submit a presensi code (public: identified by the participant's private manage token; rate limited)",
    "security": [],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["manage_token", "code"],
        "properties": {"manage_token": {"type": "string"}, "code": {"type": "string", "example": "K7M2QX"}}}}}},
    "responses": {"201": openapi.json_response("Recorded", {"type": "object"}),
                  "200": openapi.json_response("Already recorded for this window", {"type": "object"}),
                  **openapi.errors(400, 404, 422, 429)},
})  # fmt: skip
openapi.document("/events/{event_id}/attendance/matrix", "get", {
    "summary": "Attendance matrix: participants × sessions", "security": _sec,
    "parameters": [*_path("event_id"),
                   {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["onsite", "online"]}},
                   {"name": "verdict", "in": "query", "schema": {"type": "string", "enum": list(verdicts.FILTERS)}},
                   {"name": "q", "in": "query", "schema": {"type": "string"}}],
    "responses": {"200": openapi.json_response("Matrix", openapi.ref("AttendanceMatrix")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
_rule_body = {"required": True, "content": {"application/json": {"schema": openapi.ref("EligibilityRule")}}}
openapi.document("/events/{event_id}/eligibility-rule", "get", {
    "summary": "Get the eligibility rule", "security": _sec, "parameters": _path("event_id"),
    "responses": {"200": openapi.json_response("Rule", openapi.ref("EligibilityRule")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/eligibility-rule", "put", {
    "summary": "Set the eligibility rule and evaluate everyone again", "security": _sec,
    "parameters": _path("event_id"), "requestBody": _rule_body,
    "responses": {"200": openapi.json_response("Rule", openapi.ref("EligibilityRule")), **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/verdicts", "post", {
    "summary": "Evaluate every confirmed participant and store verdicts", "security": _sec, "parameters": _path("event_id"),
    "responses": {"200": openapi.json_response("Summary", {"type": "object", "properties": {
        "evaluated": {"type": "integer"}, "eligible": {"type": "integer"}, "not_eligible": {"type": "integer"}}}),
        **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/registrations/{registration_id}/verdict", "get", {
    "summary": "A registration's eligibility verdict with reasons", "security": _sec,
    "parameters": _path("registration_id"),
    "responses": {"200": openapi.json_response("Verdict", openapi.ref("Verdict")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/registrations/{registration_id}/verdict/override", "post", {
    "summary": "Override a verdict (eligible true/false) or clear it (null); reason required; audited",
    "security": _sec, "parameters": _path("registration_id"),
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
        "eligible": {"type": "boolean", "nullable": True}, "reason": {"type": "string"}}}}}},
    "responses": {"200": openapi.json_response("Verdict", openapi.ref("Verdict")), **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
