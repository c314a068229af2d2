"""Reports in the JSON API: an event's dashboard figures; participants' history for admins."""

from __future__ import annotations

from flask import jsonify

from bimtek.accounts.access import acting_user, event_view, require_role
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.errors import Invalid
from bimtek.extensions import db
from bimtek.reports import services


@api_bp.get("/events/<int:event_id>/report")
@token_required
@event_view("manage")
def event_report(event):
    """Every figure of the event's dashboard."""
    return jsonify(services.event_report(event))


@api_bp.post("/participants/history")
@token_required
@require_role("admin")
def participant_history():
    """Registrations across events and JP per year for one or more NIPs or emails (admins only).

    A POST so NIPs and emails travel in the body, never in URLs that end up in access logs.
    """
    body = json_body()
    q = body.get("q", "")
    if isinstance(q, list):
        q = "\n".join(str(x) for x in q)
    if not isinstance(q, str):
        raise Invalid("invalid", "q harus berupa teks atau daftar.", fields={"q": "Wajib berupa teks atau daftar."})
    people = services.participant_history(services.parse_keys(q), user=acting_user())
    db.session.commit()
    return jsonify({"items": people})


_sec = [{"bearer": []}]
_count_list = {"type": "array", "items": {"type": "object", "properties": {
    "key": {"type": "string"}, "code": {"type": "string"}, "label": {"type": "string"}, "name": {"type": "string"},
    "count": {"type": "integer"}}}}  # fmt: skip
_maybe = {
    "type": "object",
    "nullable": True,
    "description": "null until that feature has recorded data (belum ada data)",
}
openapi.schema(
    "EventReport",
    {
        "type": "object",
        "properties": {
            "event": {"type": "object"},
            "generated_at": {"type": "string", "format": "date-time"},
            "summary": {"type": "object", "properties": {
                k: {"type": "number", "nullable": True} for k in (
                    "registrations", "confirmed", "onsite_confirmed", "online_confirmed", "waitlisted", "pending",
                    "provinces_reached", "evaluations", "evaluation_rate", "overall_score", "checkin_rate",
                    "eligible", "certificates")}},
            "registrations": {"type": "object", "properties": {
                "total": {"type": "integer"},
                "by_status": {"type": "object", "additionalProperties": {"type": "integer"}},
                "by_mode": {"type": "object"},
                "over_time": {"type": "array", "items": {"type": "object", "properties": {
                    "date": {"type": "string", "format": "date"}, "count": {"type": "integer"},
                    "cumulative": {"type": "integer"}, "weekly": {"type": "boolean"}}}},
                "by_institution_type": _count_list,
                "by_province": _count_list,
                "provinces_reached": {"type": "integer"}}},
            "evaluation": openapi.ref("EvaluationResults"),
            "checkin": _maybe,
            "online_minutes": _maybe,
            "eligibility": _maybe,
            "certificates": _maybe,
            "nominations": {"type": "array", "description": "Per invited agency (empty without nominations)",
                            "items": {"type": "object", "properties": {
                                k: {"type": "string" if k == "name" else "integer"} for k in (
                                    "agency_id", "name", "invited", "onsite_quota", "online_quota", "nominated",
                                    "attended", "certified")}}},
        },
    },
)  # fmt: skip
openapi.document("/events/{event_id}/report", "get", {
    "summary": "An event's report figures (the dashboard as JSON)", "security": _sec,
    "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "responses": {"200": openapi.json_response("Report", openapi.ref("EventReport")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/participants/history", "post", {
    "summary": "Participants' history across events by NIP or email (admins)", "security": _sec,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["q"],
        "properties": {"q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                             "description": "NIPs (18 digits) or emails: a list, or text separated by commas or "
                                            "new lines (max 500)"}}}}}},
    "responses": {"200": openapi.json_response("History", {"type": "object", "properties": {"items": {
        "type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "kind": {"type": "string", "enum": ["nip", "email"]}, "name": {"type": "string"},
            "registrations": {"type": "array", "items": {"type": "object"}},
            "jp_per_year": {"type": "array", "items": {"type": "object", "properties": {
                "year": {"type": "integer"}, "jp": {"type": "number"}}}}}}}}}),
        **openapi.errors(400, 401, 403, 422)},
})  # fmt: skip
