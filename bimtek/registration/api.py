"""Registration in the JSON API: the public self-registration endpoint and the staff endpoints."""

from __future__ import annotations

from flask import abort, jsonify, request

from bimtek.accounts.access import acting_user, event_view, object_view, public
from bimtek.api.base import api_bp, json_body, page_args, page_response, token_required
from bimtek.api.openapi import PAGING, operation, query
from bimtek.api.schemas import dump, page_of
from bimtek.core.time import utcnow
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration import services, tasks
from bimtek.registration.models import STATUSES, Registration
from bimtek.registration.schemas import (
    ReasonSchema,
    RegistrationCancelledSchema,
    RegistrationCreatedSchema,
    RegistrationInputSchema,
    RegistrationPatchSchema,
    RegistrationSchema,
)
from bimtek.registration.views_public import throttle

_SEARCH = (
    query("q", {"type": "string"}, "Name prefix, email, NIP, code or institution"),
    query("field", {"type": "string", "enum": list(services.SEARCH_FIELDS)}),
    query("status", {"type": "string", "enum": list(STATUSES)}),
    query("mode", {"type": "string", "enum": ["onsite", "online"]}),
    query("institution_type", {"type": "string"}),
    query("province_code", {"type": "string"}),
    *PAGING,
)


@api_bp.post("/events/<int:event_id>/registrations")
@operation("Register for an event (public, no token; throttled per address)", public=True,
           body=RegistrationInputSchema, status=201, response_text="Registered", response=RegistrationCreatedSchema,
           errors=(400, 404, 409, 422, 429))  # fmt: skip
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
    body = dump(RegistrationCreatedSchema, reg)
    db.session.commit()
    tasks.email_registration(reg.id, "confirmed")
    return jsonify(body), 201


@api_bp.get("/events/<int:event_id>/registrations")
@operation("List and search an event's registrations", response=page_of(RegistrationSchema), response_text="Registrations",
           query=_SEARCH, errors=(400, 401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def list_registrations(event):
    """Registrations of an event, with the participant list's search and filters."""
    page, per_page = page_args()
    args = {k: request.args.get(k, "") for k in ("q", "field", "status", "mode", "institution_type", "province_code")}
    found = services.search_page(event.id, args, page=page, per_page=per_page)
    return page_response(found, dump(RegistrationSchema, found.items, many=True))


@api_bp.get("/registrations/<int:registration_id>")
@operation("Get a registration", response=RegistrationSchema, errors=(401, 403, 404))
@token_required
@object_view(Registration, "registration_id", "manage")
def get_registration(obj):
    """One registration."""
    return jsonify(dump(RegistrationSchema, obj))


@api_bp.patch("/registrations/<int:registration_id>")
@operation("Correct data, move mode, or change status (confirmed from pending/waitlisted, rejected, cancelled)",
           body=RegistrationPatchSchema, response=RegistrationSchema, errors=(400, 401, 403, 404, 409, 422))  # fmt: skip
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
    body = dump(RegistrationSchema, obj)
    db.session.commit()
    for reg_id, kind in emails:
        tasks.email_registration(reg_id, kind)
    return jsonify(body)


@api_bp.post("/registrations/<int:registration_id>/cancel")
@operation("Cancel a registration (promotes the first waitlisted person)", body=ReasonSchema, body_required=False,
           response=RegistrationCancelledSchema, response_text="Cancelled", errors=(401, 403, 404, 409))  # fmt: skip
@token_required
@object_view(Registration, "registration_id", "manage")
def cancel_registration(obj):
    """Cancel; the freed seat goes to the first person waiting, in the same transaction."""
    raw = request.get_json(silent=True) or {}
    reason = raw.get("reason", "") if isinstance(raw, dict) else ""
    outcome = services.transition(obj, "cancel", now=utcnow(), actor=acting_user(), reason=str(reason)[:500])
    # RegistrationCancelledSchema: the registration, and who got the freed seat.
    body = {**dump(RegistrationSchema, obj), "promoted_id": outcome.promoted.id if outcome.promoted else None}
    db.session.commit()
    for reg_id, kind in outcome.emails:
        tasks.email_registration(reg_id, kind)
    return jsonify(body)
