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

from bimtek.accounts.access import PERMISSION_ROLES, acting_user, can, event_view
from bimtek.accounts.models import EventStaff
from bimtek.api.base import api_bp, json_body, page_response, paginate, token_required
from bimtek.checkin import (
    api_docs,  # noqa: F401 (declares these routes in the OpenAPI document)
    services,
)
from bimtek.checkin.models import CheckIn
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
    return {
        "status": "ok",
        "registration": services.registration_json(adm.registration),
        "checkin": services.admission_json(adm, event.timezone),
    }


def _refusal(err: DomainError) -> dict:
    body = {"status": "error", "reason": err.code, "message": err.message}
    if isinstance(err, services.CheckInError):
        if err.registration is not None:
            body["registration"] = services.registration_json(err.registration)
        if err.first is not None:
            body["first_checkin"] = err.first
    body.update(err.extra)
    return body


@api_bp.post("/checkins")
@staff_auth
def create_checkin():
    """Check a ticket (QR text or registration code) in; refusals carry a reason code."""
    body = json_body()
    event = _event_for_scan(body)
    now = utcnow()
    try:
        adm = _scan(event, body, source=body.get("source") if body.get("source") == "manual" else "scan", now=now)
    except services.CheckInError as err:
        db.session.rollback()
        refusal = _refusal(err)
        if err.status != 200:
            refusal.update(error=err.code, fields={})
        return jsonify(refusal), err.status
    # Build the answer before commit: the commit expires loaded objects.
    answer = _ok(event, adm)
    db.session.commit()
    return jsonify(answer), 201


@api_bp.post("/checkins/batch")
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
            results.append({"nonce": item.get("nonce"), **_refusal(err)})
    db.session.commit()
    return jsonify({"received_at": now.isoformat(), "results": results})


def _slot_arg(event: Event):
    key = request.args.get("slot")
    return services.parse_slot(event, key) if key else None


@api_bp.get("/events/<int:event_id>/checkins")
@staff_auth
@event_view("checkin")
def list_checkins(event):
    """The check-in log, newest first; filter by slot (s<session id> or d<YYYY-MM-DD>) or flagged rows."""
    found = paginate(
        services.log_query(event, slot=_slot_arg(event), flagged=request.args.get("flagged") in ("1", "true"))
    )
    return page_response(found, [services.checkin_json(r, event.timezone) for r in found.items])


@api_bp.get("/events/<int:event_id>/checkins/stats")
@staff_auth
@event_view("checkin")
def checkin_stats(event):
    """Admitted per session/day and mode, arrivals over time, flagged rows."""
    return jsonify(services.stats(event))


@api_bp.get("/events/<int:event_id>/checkin-sync")
@staff_auth
@event_view("checkin")
def checkin_sync(event):
    """Data for offline scanning: public key, usable and refused tickets, current admits."""
    return jsonify(services.sync_data(event))


@api_bp.get("/events/<int:event_id>/checkin-search")
@staff_auth
@event_view("checkin")
def checkin_search(event):
    """Find registrations by code, name or instansi (when a QR won't read)."""
    regs = services.search(event, request.args.get("q", ""))
    return jsonify({"items": [services.registration_json(r) for r in regs]})


@api_bp.post("/events/<int:event_id>/walkins")
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
@staff_auth
@event_view("manage")
def undo_checkin(event, checkin_id: int):
    """Undo an admit (organizers); the row stays in the log, marked undone, and the undo is audited."""
    row = db.session.get(CheckIn, checkin_id)
    if row is None or row.event_id != event.id:
        abort(404)
    body = request.get_json(silent=True) or {}
    services.undo_check_in(row, actor=acting_user(), reason=str(body.get("reason") or ""))
    answer = services.checkin_json(row, event.timezone)
    db.session.commit()
    return jsonify(answer)
