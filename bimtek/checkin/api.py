"""Check-in in the JSON API: scan, offline batch upload, log, counts, offline sync data, search, walk-in, undo.

Scanner devices use a bearer token. The scanner page in the browser uses the same endpoints with the
staff member's session cookie plus the CSRF token in an X-CSRFToken header (see `staff_auth`); the
authorization checks after that are identical.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from flask import abort, current_app, g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import and_, bindparam, select
from wtforms import ValidationError

from bimtek.accounts.access import PERMISSION_ROLES, acting_user, can, event_object, event_view
from bimtek.accounts.models import EventStaff
from bimtek.api.base import api_bp, json_body, page_response, paginate, token_required
from bimtek.api.openapi import PAGING, operation, query
from bimtek.api.schemas import Context, dump, page_of
from bimtek.checkin import services
from bimtek.checkin.models import CheckIn
from bimtek.checkin.schemas import (
    REASONS,
    CheckInBatchResultSchema,
    CheckInBatchSchema,
    CheckInPersonSchema,
    CheckInRequestSchema,
    CheckInResultSchema,
    CheckInSchema,
    CheckInSearchSchema,
    CheckInStatsSchema,
    CheckInSyncSchema,
    FirstCheckInSchema,
    UndoSchema,
    WalkInSchema,
    admission_fields,
    person_json,
)
from bimtek.checkin.services import MAX_BATCH
from bimtek.core.time import utcnow
from bimtek.errors import DomainError, Invalid, error_json
from bimtek.events.models import Event
from bimtek.extensions import db


def staff_auth(view):
    """A bearer token, or a logged-in staff session whose request carries the page's CSRF token."""
    token_view = token_required(view)

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if request.headers.get("Authorization"):
            return token_view(*args, **kwargs)
        if not current_user.is_authenticated:
            abort(401)
        # Reads are safe; every write from a browser session must carry the page's CSRF token.
        if request.method not in ("GET", "HEAD") and current_app.config.get("WTF_CSRF_ENABLED", True):
            try:
                validate_csrf(request.headers.get("X-CSRFToken", ""))
            except (ValidationError, CSRFError):
                return error_json("csrf", "Sesi halaman kedaluwarsa. Muat ulang halaman lalu coba lagi.", 400)
        g.api_user = current_user._get_current_object()
        return view(*args, **kwargs)

    return wrapped


def _malformed(message: str, field: str | None = None):
    return Invalid("malformed", message, status=400, fields={field: message} if field else None)


def _int(value, field: str, *, required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            raise _malformed(f"{field} wajib diisi.", field)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(f"{field} harus berupa bilangan bulat.", field)
    return value


def _time(value) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _malformed("scanned_at harus berupa waktu ISO 8601.", "scanned_at") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_EVENT_FOR_SCAN = (
    select(Event.id, Event.timezone, Event.ticket_public_key, EventStaff.id.label("assignment"))
    .outerjoin(EventStaff, and_(EventStaff.event_id == Event.id, EventStaff.user_id == bindparam("user_id")))
    .where(Event.id == bindparam("event_id"))
)


def _event_for_scan(body: dict):
    """The event named in the body, if the staff member may check people in there (403 otherwise)."""
    event_id = _int(body.get("event_id"), "event_id", required=True)
    user = acting_user()
    # One query on the hot path: the event (only what a scan reads) and the user's assignment to it.
    # The rule is access.can(user, "checkin", event_id), evaluated on that row.
    # A plain row (id, timezone, ticket_public_key) is all check_in reads from the event.
    row = db.session.connection().execute(_EVENT_FOR_SCAN, {"event_id": event_id, "user_id": user.id}).first()
    allowed = (
        row is not None
        and user.is_active
        and user.role in PERMISSION_ROLES["checkin"]
        and (user.is_admin or row.assignment is not None)
    )
    if not allowed:
        # Same answer for an unknown event and someone else's: ids are not enumerable.
        abort(403)
    return row


def _scan(event: Event, item: dict, *, source: str, now: datetime) -> services.Admission:
    ticket = item.get("ticket")
    if not isinstance(ticket, str):
        raise services.CheckInError("malformed")
    override = item.get("override") is True
    if override and not can(acting_user(), "manage", event.id):
        abort(403)
    return services.check_in(
        event,
        ticket,
        staff=acting_user(),
        session_id=_int(item.get("session_id"), "session_id"),
        gate=item.get("gate") or "",
        kind=item.get("kind") or "entry",
        nonce=item.get("nonce"),
        scanned_at=_time(item.get("scanned_at")),
        device=item.get("device") or "",
        source=source,
        allow_online=override,
        now=now,
    )


def _ok(event: Event, adm: services.Admission) -> dict:
    """CheckInResultSchema, status ok (the hot path: the person and the admit through their compiled dumps)."""
    with Context({"tz": event.timezone}):
        return {"status": "ok", "registration": person_json(adm.registration), "checkin": admission_fields(adm)}


def _refusal(event: Event, err: DomainError) -> dict:
    """CheckInResultSchema, status error: the reason, and who and the earlier admit when known."""
    body = {"status": "error", "reason": err.code, "message": err.message}
    if isinstance(err, services.CheckInError):
        if err.registration is not None:
            body["registration"] = person_json(err.registration)
        if err.first is not None:
            body["first_checkin"] = dump(FirstCheckInSchema, err.first, tz=event.timezone)
    body.update(err.extra)
    return body


@api_bp.post("/checkins")
@operation("Check a ticket in", body=CheckInRequestSchema, status=201, response_text="Checked in",
           response=CheckInResultSchema, errors=(401, 403, 422), description=(
               "Bearer token, or the scanner page's session cookie with an X-CSRFToken header. 200 answers are "
               "refusals: " + ", ".join(REASONS) + " (already_checked_in carries first_checkin)."),
           responses={
               "200": {"description": "Refused: status error with a reason (no check-in recorded)",
                       "content": {"application/json": {"schema": CheckInResultSchema}}},
               "400": {"description": "malformed ticket text or body",
                       "content": {"application/json": {"schema": CheckInResultSchema}}},
               "404": {"description": "invalid: unknown, re-issued or forged ticket",
                       "content": {"application/json": {"schema": CheckInResultSchema}}}})  # fmt: skip
@staff_auth
def create_checkin():
    """Check a ticket (QR text or registration code) in; refusals carry a reason code."""
    body = json_body()
    event = _event_for_scan(body)
    now = utcnow()
    try:
        adm = _scan(event, body, source=body.get("source") if body.get("source") == "manual" else "scan", now=now)
    except services.CheckInError as err:
        # Build the answer before the rollback, which expires what the refusal shows.
        refusal = _refusal(event, err)
        db.session.rollback()
        if err.status != 200:
            refusal.update(error=err.code, fields={})
        return jsonify(refusal), err.status
    # Build the answer before commit: the commit expires loaded objects.
    answer = _ok(event, adm)
    db.session.commit()
    return jsonify(answer), 201


@api_bp.post("/checkins/batch")
@operation("Upload scans made offline", body=CheckInBatchSchema, response=CheckInBatchResultSchema,
           response_text="One result per item", errors=(400, 401, 403), description=(
               f"At most {MAX_BATCH} items; each is answered on its own. Items keep their nonce, so a resend never "
               "duplicates. Late uploads are flagged; a second device's offline admit of the same ticket is kept "
               "and flagged (flagged: true)."))  # fmt: skip
@staff_auth
def create_checkin_batch():
    """Upload scans made offline; each item is answered on its own and a resend never duplicates."""
    body = json_body()
    event = _event_for_scan(body)
    items = body.get("items")
    if not isinstance(items, list) or len(items) > MAX_BATCH:
        raise _malformed(f"items harus berupa daftar berisi paling banyak {MAX_BATCH} pindaian.", "items")
    now = utcnow()
    results = []
    for item in items:
        if not isinstance(item, dict):
            results.append({"nonce": None, "status": "error", "reason": "malformed"})
            continue
        try:
            adm = _scan(event, item, source="offline", now=now)
            results.append({"nonce": item.get("nonce"), **_ok(event, adm)})
        except DomainError as err:
            results.append({"nonce": item.get("nonce"), **_refusal(event, err)})
    db.session.commit()
    return jsonify({"received_at": now.isoformat(), "results": results})


def _slot_arg(event: Event):
    key = request.args.get("slot")
    return services.parse_slot(event, key) if key else None


@api_bp.get("/events/<int:event_id>/checkins")
@operation("Check-in log", response=page_of(CheckInSchema), response_text="Log rows", errors=(401, 403, 404, 422),
           query=(query("slot", {"type": "string"}, "s<session id> or d<YYYY-MM-DD>"),
                  query("flagged", {"type": "boolean"}), *PAGING))  # fmt: skip
@staff_auth
@event_view("checkin")
def list_checkins(event):
    """The check-in log, newest first; filter by slot (s<session id> or d<YYYY-MM-DD>) or flagged rows."""
    found = paginate(
        services.log_query(event, slot=_slot_arg(event), flagged=request.args.get("flagged") in ("1", "true"))
    )
    return page_response(found, dump(CheckInSchema, found.items, many=True, tz=event.timezone))


@api_bp.get("/events/<int:event_id>/checkins/stats")
@operation(
    "Check-in counts",
    response=CheckInStatsSchema,
    errors=(401, 403, 404),
    response_text="Counts per session/day and mode, arrivals per 15 minutes",
)
@staff_auth
@event_view("checkin")
def checkin_stats(event):
    """Admitted per session/day and mode, arrivals over time, flagged rows."""
    return jsonify(dump(CheckInStatsSchema, services.stats(event)))


@api_bp.get("/events/<int:event_id>/checkin-sync")
@operation("Offline scanner data", response=CheckInSyncSchema, response_text="Sync data", errors=(401, 403, 404),
           description="The event's Ed25519 public key (base64 of the raw 32 bytes), usable tickets, refused "
           "(cancelled, unconfirmed) tickets and current admits.")  # fmt: skip
@staff_auth
@event_view("checkin")
def checkin_sync(event):
    """Data for offline scanning: public key, usable and refused tickets, current admits."""
    return jsonify(dump(CheckInSyncSchema, services.sync_data(event)))


@api_bp.get("/events/<int:event_id>/checkin-search")
@operation("Find a registration at the desk", response=CheckInSearchSchema, response_text="Matches (at most 20)",
           query=[query("q", {"type": "string"}, "registration code, part of a name or of an instansi",
                        required=True)], errors=(401, 403, 404))  # fmt: skip
@staff_auth
@event_view("checkin")
def checkin_search(event):
    """Find registrations by code, name or instansi (when a QR won't read)."""
    regs = services.search(event, request.args.get("q", ""))
    return jsonify({"items": dump(CheckInPersonSchema, regs, many=True)})


@api_bp.post("/events/<int:event_id>/walkins")
@operation("Register a walk-in and check them in", body=WalkInSchema, status=201, response=CheckInResultSchema,
           response_text="Registered and checked in", errors=(400, 401, 403, 404, 409, 422),
           description="Registration fields as for the registration form (mode is always onsite), plus session_id, "
           "gate and device. 409 full when no on-site seat is free; nothing is kept then.")  # fmt: skip
@staff_auth
@event_view("checkin")
def create_walkin(event):
    """Register a walk-in participant on site and check them in, subject to seats."""
    body = json_body()
    adm = services.walk_in(
        event,
        body,
        staff=acting_user(),
        session_id=_int(body.get("session_id"), "session_id"),
        gate=body.get("gate") or "",
        device=body.get("device") or "",
        ip=request.remote_addr,
    )
    answer = _ok(event, adm)
    db.session.commit()
    return jsonify(answer), 201


@api_bp.post("/events/<int:event_id>/checkins/<int:checkin_id>/undo")
@operation("Undo a check-in (organizers)", body=UndoSchema, body_required=False, response=CheckInSchema,
           response_text="The undone row", errors=(401, 403, 404, 409))  # fmt: skip
@staff_auth
@event_view("manage")
def undo_checkin(event, checkin_id: int):
    """Undo an admit (organizers); the row stays in the log, marked undone, and the undo is audited."""
    row = event_object(CheckIn, checkin_id, event)
    body = request.get_json(silent=True) or {}
    services.undo_check_in(row, actor=acting_user(), reason=str(body.get("reason") or ""))
    answer = dump(CheckInSchema, row, tz=event.timezone)
    db.session.commit()
    return jsonify(answer)
