"""The OpenAPI description of the attendance endpoints (declared once, served at /api/v1/openapi.json)."""

from __future__ import annotations

from bimtek.api import openapi
from bimtek.attendance import verdicts

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
            "require_post_test_pass": {
                "type": "boolean",
                "description": "only kept when the event runs a post-test",
            },
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
