"""The OpenAPI description of the check-in endpoints (declared once, served at /api/v1/openapi.json)."""

from __future__ import annotations

from bimtek.api import openapi
from bimtek.checkin.services import MAX_BATCH

_sec = [{"bearer": []}]
_eid = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_reasons = ["already_checked_in", "wrong_event", "cancelled", "not_confirmed", "online_mode"]
openapi.schema(
    "CheckInRequest",
    {
        "type": "object",
        "required": ["ticket", "event_id"],
        "properties": {
            "ticket": {"type": "string", "description": "QR text (BT1...) or the 8-character registration code"},
            "event_id": {"type": "integer"},
            "session_id": {"type": "integer", "nullable": True, "description": "Omit to check in for the day"},
            "gate": {"type": "string", "maxLength": 60},
            "kind": {"type": "string", "enum": ["entry", "exit"], "default": "entry"},
            "nonce": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{8,64}$",
                      "description": "Client-chosen; a retry with the same nonce creates nothing new"},
            "scanned_at": {"type": "string", "format": "date-time"},
            "device": {"type": "string", "maxLength": 100},
            "override": {"type": "boolean", "description": "Organizers only: admit an online (Zoom) registrant"},
        },
    },
)  # fmt: skip
openapi.schema(
    "CheckInPerson",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "institution": {"type": "string"},
            "work_unit": {"type": "string"},
            "mode": {"type": "string", "enum": ["onsite", "online"]},
            "status": {"type": "string"},
        },
    },
)
_first = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "scanned_at": {"type": "string", "format": "date-time"},
        "gate": {"type": "string"},
        "staff": {"type": "string"},
        "source": {"type": "string"},
        "device": {"type": "string"},
    },
}
openapi.schema(
    "CheckInResult",
    {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "error"]},
            "reason": {"type": "string", "enum": [*_reasons, "invalid", "malformed"]},
            "message": {"type": "string"},
            "registration": openapi.ref("CheckInPerson"),
            "checkin": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"type": "string"},
                    "slot": {"type": "string", "example": "s12"},
                    "scanned_at": {"type": "string", "format": "date-time"},
                    "gate": {"type": "string"},
                    "staff": {"type": "string"},
                    "source": {"type": "string"},
                    "flags": {"type": "array", "items": {"type": "string"}},
                    "replay": {"type": "boolean"},
                },
            },
            "first_checkin": _first,
            "flagged": {"type": "boolean", "description": "An offline admit kept and flagged for the organizer"},
        },
    },
)
openapi.schema(
    "CheckIn",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "registration": openapi.ref("CheckInPerson"),
            "session_id": {"type": "integer", "nullable": True},
            "day": {"type": "string", "format": "date"},
            "slot": {"type": "string"},
            "kind": {"type": "string", "enum": ["entry", "exit"]},
            "gate": {"type": "string"},
            "device": {"type": "string"},
            "staff": {"type": "string"},
            "scanned_at": {"type": "string", "format": "date-time"},
            "received_at": {"type": "string", "format": "date-time"},
            "source": {"type": "string", "enum": ["scan", "manual", "walkin", "offline"]},
            "nonce": {"type": "string"},
            "flags": {"type": "array", "items": {"type": "string"}},
            "undone_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
)
_scan_body = {"required": True, "content": {"application/json": {"schema": openapi.ref("CheckInRequest")}}}
_refused = openapi.json_response(
    "Refused: status error with a reason (no check-in recorded)", openapi.ref("CheckInResult")
)
openapi.document("/checkins", "post", {
    "summary": "Check a ticket in",
    "description": "Bearer token, or the scanner page's session cookie with an X-CSRFToken header. "
                   "200 answers are refusals: " + ", ".join(_reasons) + " (already_checked_in carries first_checkin).",
    "security": _sec, "requestBody": _scan_body,
    "responses": {
        "201": openapi.json_response("Checked in", openapi.ref("CheckInResult")),
        "200": _refused,
        "400": openapi.json_response("malformed ticket text or body", openapi.ref("Error")),
        "404": openapi.json_response("invalid: unknown, re-issued or forged ticket", openapi.ref("Error")),
        **openapi.errors(401, 403, 422),
    },
})  # fmt: skip
openapi.document("/checkins/batch", "post", {
    "summary": "Upload scans made offline",
    "description": f"At most {MAX_BATCH} items; each is answered on its own. Items keep their nonce, so a resend "
                   "never duplicates. Late uploads are flagged; a second device's offline admit of the same ticket "
                   "is kept and flagged (flagged: true).",
    "security": _sec,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["event_id", "items"],
        "properties": {"event_id": {"type": "integer"},
                       "items": {"type": "array", "maxItems": MAX_BATCH, "items": openapi.ref("CheckInRequest")}},
    }}}},
    "responses": {
        "200": openapi.json_response("One result per item", {"type": "object", "properties": {
            "received_at": {"type": "string", "format": "date-time"},
            "results": {"type": "array", "items": openapi.ref("CheckInResult")}}}),
        **openapi.errors(400, 401, 403),
    },
})  # fmt: skip
openapi.document("/events/{event_id}/checkins", "get", {
    "summary": "Check-in log", "security": _sec,
    "parameters": [_eid,
                   {"name": "slot", "in": "query", "schema": {"type": "string"}, "description": "s<session id> or d<YYYY-MM-DD>"},
                   {"name": "flagged", "in": "query", "schema": {"type": "boolean"}},
                   {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                   {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
    "responses": {"200": openapi.json_response("Log rows", openapi.list_of("CheckIn")), **openapi.errors(401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/checkins/stats", "get", {
    "summary": "Check-in counts", "security": _sec, "parameters": [_eid],
    "responses": {"200": openapi.json_response("Counts per session/day and mode, arrivals per 15 minutes", {
        "type": "object", "properties": {
            "expected": {"type": "object", "properties": {"onsite": {"type": "integer"}, "online": {"type": "integer"}}},
            "flagged": {"type": "integer"},
            "slots": {"type": "array", "items": {"type": "object"}}}}),
        **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/checkin-sync", "get", {
    "summary": "Offline scanner data", "security": _sec, "parameters": [_eid],
    "description": "The event's Ed25519 public key (base64 of the raw 32 bytes), usable tickets, refused "
                   "(cancelled, unconfirmed) tickets and current admits.",
    "responses": {"200": openapi.json_response("Sync data", {"type": "object", "properties": {
        "public_key": {"type": "string"}, "tickets": {"type": "array", "items": {"type": "object"}},
        "revoked": {"type": "array", "items": {"type": "object"}},
        "admitted": {"type": "array", "items": {"type": "object"}}}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/checkin-search", "get", {
    "summary": "Find a registration at the desk", "security": _sec,
    "parameters": [_eid, {"name": "q", "in": "query", "required": True, "schema": {"type": "string"},
                          "description": "registration code, part of a name or of an instansi"}],
    "responses": {"200": openapi.json_response("Matches (at most 20)", {"type": "object", "properties": {
        "items": {"type": "array", "items": openapi.ref("CheckInPerson")}}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/walkins", "post", {
    "summary": "Register a walk-in and check them in", "security": _sec, "parameters": [_eid],
    "description": "Registration fields as for the registration form (mode is always onsite), plus session_id, "
                   "gate and device. 409 full when no on-site seat is free; nothing is kept then.",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {"201": openapi.json_response("Registered and checked in", openapi.ref("CheckInResult")),
                  **openapi.errors(400, 401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/checkins/{checkin_id}/undo", "post", {
    "summary": "Undo a check-in (organizers)", "security": _sec,
    "parameters": [_eid, {"name": "checkin_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "requestBody": {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"reason": {"type": "string"}}}}}},
    "responses": {"200": openapi.json_response("The undone row", openapi.ref("CheckIn")),
                  **openapi.errors(401, 403, 404, 409)},
})  # fmt: skip
