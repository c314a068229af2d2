"""Zoom webhooks: per-event settings, verified deliveries, join/leave pairs turned into session intervals."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from bimtek.attendance.models import AttendanceInterval, WebhookDelivery, ZoomWebhookConfig
from bimtek.attendance.services import MATCHABLE_STATUSES
from bimtek.attendance.zoom_webhook import WebhookError, parse_event, url_validation_response, verify_signature
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError, Invalid, NotFound
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.registration.models import Registration


def webhook_config(event_id: int) -> ZoomWebhookConfig | None:
    """The event's webhook settings, if any."""
    return db.session.scalar(select(ZoomWebhookConfig).where(ZoomWebhookConfig.event_id == event_id))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def save_webhook_config(event: Event, secret_token: str, meeting_ids: str | list, *, user=None) -> ZoomWebhookConfig:
    """Set the Zoom app's secret token and the meeting ids whose events count for this event."""
    secret_token = (secret_token or "").strip()
    if isinstance(meeting_ids, str):
        meeting_ids = meeting_ids.replace(";", ",").replace("\n", ",").split(",")
    ids = [d for d in (_digits(str(m)) for m in meeting_ids or []) if d]
    config = webhook_config(event.id)
    errors = {}
    if not secret_token and (config is None or not config.secret_token):
        errors["secret_token"] = "Wajib diisi: Secret Token dari aplikasi Zoom (Marketplace)."  # noqa: S105
    elif secret_token and len(secret_token) < 8:
        errors["secret_token"] = "Secret Token terlalu pendek."  # noqa: S105
    if any(not 9 <= len(i) <= 12 for i in ids):
        errors["meeting_ids"] = "ID rapat Zoom terdiri dari 9–12 angka."
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    if config is None:
        config = ZoomWebhookConfig(event_id=event.id, secret_token=secret_token, meeting_ids=ids)
        db.session.add(config)
    else:
        if secret_token:
            config.secret_token = secret_token
        config.meeting_ids = ids
    audit.record("attendance.webhook_configured", config, event_id=event.id, actor=user, details={"meetings": ids})
    db.session.flush()
    return config


class WebhookRefused(DomainError):
    """A webhook request refused before it touches anything (bad signature, stale, malformed)."""


def _webhook_match(event_id: int, registrant_id: str | None, email: str | None) -> tuple[int | None, str]:
    # Only keys Zoom vouches for credit attendance: never the display name.
    base = select(Registration.id).where(Registration.event_id == event_id, Registration.status.in_(MATCHABLE_STATUSES))
    if registrant_id:
        ids = db.session.scalars(base.where(Registration.zoom_registrant_id == registrant_id)).all()
        if len(ids) == 1:
            return ids[0], "registrant_id"
    if email:
        ids = db.session.scalars(base.where(Registration.email_key == email.lower())).all()
        if len(ids) == 1:
            return ids[0], "email"
    return None, "none"


def handle_webhook(event_id: int, raw_body: bytes, headers, *, now: datetime | None = None) -> dict:
    """Verify and apply one Zoom webhook request; returns the JSON body to answer with."""
    now = now or utcnow()
    config = webhook_config(event_id)
    if config is None or not config.enabled:
        raise NotFound("webhook_not_configured", "Webhook Zoom belum diatur untuk kegiatan ini.")
    try:
        verify_signature(
            config.secret_token,
            headers.get("x-zm-request-timestamp", ""),
            raw_body,
            headers.get("x-zm-signature", ""),
            now.timestamp(),
        )
    except WebhookError as err:
        raise WebhookRefused(f"webhook_{err.code}", err.message, status=401) from err
    try:
        payload = json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise WebhookRefused("webhook_malformed", "Isi webhook bukan JSON.", status=400) from err
    if isinstance(payload, dict) and payload.get("event") == "endpoint.url_validation":
        plain = (payload.get("payload") or {}).get("plainToken") if isinstance(payload.get("payload"), dict) else None
        if not isinstance(plain, str) or not plain:
            raise WebhookRefused("webhook_malformed", "plainToken tidak ada.", status=400)
        return url_validation_response(config.secret_token, plain)
    try:
        ev = parse_event(payload)
    except WebhookError as err:
        if err.code == "ignored_event":
            return {"status": "ignored"}
        raise WebhookRefused(f"webhook_{err.code}", err.message, status=400) from err
    allowed = set(config.meeting_ids or [])
    if not allowed:
        event = db.session.get(Event, event_id)
        digits = _digits(event.zoom_meeting_id or "") if event else ""
        allowed = {digits} if digits else set()
    if allowed and ev.meeting_id not in allowed:
        return {"status": "ignored", "reason": "other_meeting"}
    reg_id, kind = _webhook_match(event_id, ev.registrant_id, ev.email)
    delivery = WebhookDelivery(
        event_id=event_id,
        dedupe_key=ev.dedupe_key,
        kind=ev.kind,
        at=ev.at_utc,
        meeting_id=ev.meeting_id,
        participant_key=(ev.participant_uuid or ev.registrant_id or ev.email or ev.user_name)[:200],
        display_name=ev.user_name[:300],
        email=ev.email,
        registration_id=reg_id,
        match_kind=kind,
        received_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
    except IntegrityError:
        return {"status": "duplicate"}
    if reg_id is not None:
        rebuild_webhook_intervals(event_id, reg_id)
    return {"status": "recorded", "matched": reg_id is not None}


def rebuild_webhook_intervals(event_id: int, registration_id: int) -> None:
    """Pair a registration's joins and leaves (in time order, whatever order they arrived) into intervals."""
    deliveries = db.session.execute(
        select(WebhookDelivery.participant_key, WebhookDelivery.kind, WebhookDelivery.at)
        .where(WebhookDelivery.event_id == event_id, WebhookDelivery.registration_id == registration_id)
        .order_by(WebhookDelivery.at, WebhookDelivery.id)
    ).all()
    open_at: dict[str, datetime] = {}
    stays: list[tuple[datetime, datetime | None]] = []
    for key, kind, at in deliveries:
        at = as_utc(at)
        if kind == "joined":
            open_at.setdefault(key, at)
        elif key in open_at:
            stays.append((open_at.pop(key), at))
        # A leave without a join is not credited: we cannot know when that stay began.
    stays += [(start, None) for start in open_at.values()]
    db.session.execute(
        delete(AttendanceInterval).where(
            AttendanceInterval.registration_id == registration_id, AttendanceInterval.source == "zoom_webhook"
        )
    )
    sessions = db.session.execute(
        select(EventSession.id, EventSession.starts_at, EventSession.ends_at).where(EventSession.event_id == event_id)
    ).all()
    rows = []
    for sid, s_start, s_end in sessions:
        s_start, s_end = as_utc(s_start), as_utc(s_end)
        for start, end in stays:
            if start >= s_end or (end is not None and end <= s_start):
                continue
            rows.append(
                {
                    "event_id": event_id,
                    "registration_id": registration_id,
                    "session_id": sid,
                    "start": max(start, s_start),
                    "end": None if end is None else min(end, s_end),
                    "source": "zoom_webhook",
                    "source_ref": f"webhook:{registration_id}",
                    "created_at": utcnow(),
                }
            )
    if rows:
        db.session.execute(insert(AttendanceInterval), rows)


def webhook_stats(event_id: int) -> dict:
    """Counts shown on the webhook settings page."""
    total = db.session.scalar(select(func.count(WebhookDelivery.id)).where(WebhookDelivery.event_id == event_id))
    unmatched = db.session.scalar(
        select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.event_id == event_id, WebhookDelivery.registration_id.is_(None)
        )
    )
    return {"total": total or 0, "unmatched": unmatched or 0}
