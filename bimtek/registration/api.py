"""Registration in the JSON API: the public self-registration endpoint and the staff endpoints."""

from __future__ import annotations

from flask import abort, jsonify, request

from bimtek.accounts.access import acting_user, event_view, object_view, public
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, page_args, page_response, token_required
from bimtek.core.time import utcnow
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration import notify, services, tasks
from bimtek.registration.models import Registration
from bimtek.registration.views_public import throttle


@api_bp.post("/events/<int:event_id>/registrations")
@public
@throttle
def create_registration(event_id: int):
    """Self-registration (no token): the same service and rules as the public form."""
    event = db.session.get(Event, event_id)
    if event is None or not event.is_public:
        abort(404)
    raw = json_body()
    raw = {k: raw.get(k) for k in services.PARTICIPANT_FIELDS if k in raw}
    for name, value in raw.items():
        if name not in ("consent", "answers") and value is not None and not isinstance(value, str):
            raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields={name: "Harus berupa teks."})
    now = utcnow()
    reg = services.register(event, raw, channel="api", now=now, ip=request.remote_addr)
    # Build the answer before commit: no reload round trip after it.
    body = {
        "id": reg.id,
        "code": reg.code,
        "status": reg.status,
        "mode": reg.mode,
        "manage_url": notify.external_url("registration.manage", token=reg.manage_token),
        "ticket": services.ticket_text(reg),
    }
    db.session.commit()
    tasks.email_registration(reg.id, "confirmed")
    return jsonify(body), 201


@api_bp.get("/events/<int:event_id>/registrations")
@token_required
@event_view("manage")
def list_registrations(event):
    """Registrations of an event, with the participant list's search and filters."""
    page, per_page = page_args()
    args = {k: request.args.get(k, "") for k in ("q", "field", "status", "mode", "institution_type", "province_code")}
    found = services.search_page(event.id, args, page=page, per_page=per_page)
    return page_response(found, [services.registration_json(r) for r in found.items])


@api_bp.get("/registrations/<int:registration_id>")
@token_required
@object_view(Registration, "registration_id", "manage")
def get_registration(obj):
    """One registration."""
    return jsonify(services.registration_json(obj))


@api_bp.patch("/registrations/<int:registration_id>")
@token_required
@object_view(Registration, "registration_id", "manage")
def patch_registration(obj):
    """Correct participant data, move mode, or change status (approve/reject/promote)."""
    raw = json_body()
    user = acting_user()
    now = utcnow()
    unknown = set(raw) - set(services.STAFF_EDITABLE) - {"mode", "status"}
    if unknown:
        raise Invalid("invalid", "Kolom tidak dikenal.", fields={k: "Tidak dapat diubah." for k in sorted(unknown)})
    emails: list[tuple[int, str]] = []
    fields = {k: v for k, v in raw.items() if k in services.STAFF_EDITABLE}
    if fields:
        services.staff_update(obj, fields, now=now, actor=user)
    if raw.get("mode") and raw["mode"] != obj.mode:
        promoted = services.switch_mode(obj, raw["mode"], now=now, actor=user)
        emails.append((obj.id, "mode_changed"))
        if promoted:
            emails.append((promoted.id, "promoted"))
    target = raw.get("status")
    if target and target != obj.status:
        action = services.action_for_target(obj.status, target)
        emails += services.transition(obj, action, now=now, actor=user).emails
    body = services.registration_json(obj)
    db.session.commit()
    for reg_id, kind in emails:
        tasks.email_registration(reg_id, kind)
    return jsonify(body)


@api_bp.post("/registrations/<int:registration_id>/cancel")
@token_required
@object_view(Registration, "registration_id", "manage")
def cancel_registration(obj):
    """Cancel; the freed seat goes to the first person waiting, in the same transaction."""
    raw = request.get_json(silent=True) or {}
    reason = raw.get("reason", "") if isinstance(raw, dict) else ""
    outcome = services.transition(obj, "cancel", now=utcnow(), actor=acting_user(), reason=str(reason)[:500])
    body = services.registration_json(obj)
    body["promoted_id"] = outcome.promoted.id if outcome.promoted else None
    db.session.commit()
    for reg_id, kind in outcome.emails:
        tasks.email_registration(reg_id, kind)
    return jsonify(body)


_text = {"type": "string"}
_input_props = {
    "full_name": {**_text, "description": "Nama lengkap dengan gelar, printed on the certificate as typed"},
    "email": {**_text, "format": "email"},
    "phone": {**_text, "example": "0812-3456-7890"},
    "employment_status": {"type": "string", "enum": ["pns", "pppk", "non_asn"]},
    "nip": {**_text, "description": "18 digits; required for pns and pppk", "example": "19660801 198803 1 001"},
    "rank": _text,
    "position": _text,
    "institution_type": {"type": "string", "enum": ["pusat", "provinsi", "kabkota", "diskominfo", "lainnya"]},
    "institution_name": _text,
    "work_unit": _text,
    "province_code": {**_text, "example": "21"},
    "regency_code": {**_text, "example": "21.71"},
    "mode": {"type": "string", "enum": ["onsite", "online"]},
    "answers": {"type": "object"},
}
openapi.schema("RegistrationInput", {
    "type": "object",
    "required": ["full_name", "email", "phone", "position", "institution_type", "institution_name", "province_code",
                 "regency_code", "mode", "consent"],
    "properties": {**_input_props, "consent": {"type": "boolean", "description": "Agrees to the data notice"}},
})  # fmt: skip
openapi.schema("RegistrationCreated", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "code": _text,
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "pending"]},
        "mode": {"type": "string", "enum": ["onsite", "online"]},
        "manage_url": {**_text, "description": "Private link; give it only to the registrant"},
        "ticket": {**_text, "nullable": True, "description": "Signed QR text (on site, confirmed only)"},
    },
})  # fmt: skip
_status = {"type": "string", "enum": ["confirmed", "waitlisted", "pending", "rejected", "cancelled"]}
openapi.schema("Registration", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"}, "code": _text, "status": _status,
        **_input_props, "source": _text, "created_at": {**_text, "format": "date-time"},
        "confirmed_at": {**_text, "format": "date-time", "nullable": True},
        "cancelled_at": {**_text, "format": "date-time", "nullable": True}, "consent_version": _text,
    },
})  # fmt: skip
_sec = [{"bearer": []}]
_eid = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_rid = [{"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_q = [
    {"name": "q", "in": "query", "schema": _text, "description": "Name prefix, email, NIP, code or institution"},
    {"name": "field", "in": "query", "schema": {"type": "string", "enum": list(services.SEARCH_FIELDS)}},
    {"name": "status", "in": "query", "schema": _status},
    {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["onsite", "online"]}},
    {"name": "institution_type", "in": "query", "schema": _text},
    {"name": "province_code", "in": "query", "schema": _text},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]
openapi.document("/events/{event_id}/registrations", "post", {
    "summary": "Register for an event (public, no token; throttled per address)", "security": [], "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("RegistrationInput")}}},
    "responses": {"201": openapi.json_response("Registered", openapi.ref("RegistrationCreated")),
                  **openapi.errors(400, 404, 409, 422, 429)},
})  # fmt: skip
openapi.document("/events/{event_id}/registrations", "get", {
    "summary": "List and search an event's registrations", "security": _sec, "parameters": _eid + _q,
    "responses": {"200": openapi.json_response("Registrations", openapi.list_of("Registration")),
                  **openapi.errors(400, 401, 403, 404)},
})  # fmt: skip
openapi.document("/registrations/{registration_id}", "get", {
    "summary": "Get a registration", "security": _sec, "parameters": _rid,
    "responses": {"200": openapi.json_response("Registration", openapi.ref("Registration")),
                  **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/registrations/{registration_id}", "patch", {
    "summary": "Correct data, move mode, or change status (confirmed from pending/waitlisted, rejected, cancelled)",
    "security": _sec, "parameters": _rid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object",
                    "properties": {**_input_props, "status": _status}}}}},
    "responses": {"200": openapi.json_response("Registration", openapi.ref("Registration")),
                  **openapi.errors(400, 401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/registrations/{registration_id}/cancel", "post", {
    "summary": "Cancel a registration (promotes the first waitlisted person)", "security": _sec, "parameters": _rid,
    "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"reason": _text}}}}},
    "responses": {"200": openapi.json_response("Cancelled", openapi.ref("Registration")),
                  **openapi.errors(401, 403, 404, 409)},
})  # fmt: skip
