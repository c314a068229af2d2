"""Zoom webhook handling: signature check, URL validation and participant join/leave events.

Zoom signs ``v0:{timestamp}:{raw body}`` with the app's secret token (HMAC-SHA256). Delivery is at least
once, so every event carries a ``dedupe_key`` that is the same for every retry of one delivery.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_EVENTS = {
    "meeting.participant_joined": "joined",
    "meeting.participant_left": "left",
    "webinar.participant_joined": "joined",
    "webinar.participant_left": "left",
}

_MESSAGES = {
    "missing": "Permintaan webhook tidak lengkap: tanda tangan atau waktu tidak ada.",
    "bad_signature": "Tanda tangan webhook Zoom tidak valid.",
    "stale": "Permintaan webhook Zoom sudah kedaluwarsa.",
    "ignored_event": "Jenis event Zoom ini tidak diproses.",
    "malformed": "Isi event Zoom tidak lengkap.",
}


class WebhookError(ValueError):
    """A webhook request that must be refused or ignored; ``code`` says which."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _MESSAGES.get(code, "Permintaan webhook Zoom ditolak.")
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A participant joining or leaving a meeting or webinar, time in aware UTC."""

    kind: str  # "joined" | "left"
    meeting_id: str
    participant_uuid: str | None
    registrant_id: str | None
    user_name: str
    email: str | None
    at_utc: datetime
    dedupe_key: str
    meeting_uuid: str | None = None
    event: str = ""

    @property
    def display_name(self) -> str:
        """The Zoom display name, under the name report rows use, so matching takes either."""
        return self.user_name

    @property
    def original_name(self) -> None:
        """Webhooks carry no separate original name."""
        return None


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def _hmac_hex(secret: bytes | str, message: bytes) -> str:
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes | str,
    timestamp_header: str,
    raw_body: bytes,
    signature_header: str,
    now: float,
    tolerance: int = 300,
) -> None:
    """Check ``x-zm-signature`` against the raw body and reject requests older than ``tolerance`` s."""
    if not secret or not timestamp_header or not signature_header:
        raise WebhookError("missing")
    message = b"v0:" + timestamp_header.encode("utf-8") + b":" + raw_body
    expected = ("v0=" + _hmac_hex(secret, message)).encode("ascii")
    if not hmac.compare_digest(expected, signature_header.strip().encode("utf-8")):
        raise WebhookError("bad_signature")
    # Checked after the signature, so "stale" is only ever said about a genuine but replayed request.
    try:
        sent = float(timestamp_header.strip())
    except ValueError as exc:
        raise WebhookError("bad_signature") from exc
    if sent > 1e11:  # milliseconds
        sent /= 1000
    if abs(now - sent) > tolerance:
        raise WebhookError("stale")


def url_validation_response(secret: bytes | str, plain_token: str) -> dict[str, str]:
    """Return the body Zoom expects when it validates the endpoint URL."""
    return {"plainToken": plain_token, "encryptedToken": _hmac_hex(secret, plain_token.encode("utf-8"))}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _parse_time(value: Any) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        # Zoom writes UTC with a trailing Z; a bare time is read as UTC rather than guessed.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_event(payload: dict[str, Any]) -> WebhookEvent:
    """Turn a participant joined/left webhook body into a ``WebhookEvent``; other events raise."""
    if not isinstance(payload, dict):
        raise WebhookError("malformed")
    event = payload.get("event")
    kind = _EVENTS.get(event) if isinstance(event, str) else None
    if kind is None:
        raise WebhookError("ignored_event")
    body = payload.get("payload")
    obj = body.get("object") if isinstance(body, dict) else None
    if not isinstance(obj, dict) or not isinstance(obj.get("participant"), dict):
        raise WebhookError("malformed")
    participant = obj["participant"]
    raw_id = _text(obj.get("id"))
    meeting_id = "".join(ch for ch in raw_id if ch.isdigit()) if raw_id else ""
    if not meeting_id:
        raise WebhookError("malformed")
    at = _parse_time(participant.get("join_time" if kind == "joined" else "leave_time"))
    if at is None:
        event_ts = payload.get("event_ts")
        if isinstance(event_ts, int | float) and event_ts > 0:
            at = datetime.fromtimestamp(event_ts / 1000, tz=UTC)
        else:
            raise WebhookError("malformed")
    participant_uuid = _text(participant.get("participant_uuid"))
    email = (_text(participant.get("email")) or "").lower() or None
    user_name = _text(participant.get("user_name")) or ""
    meeting_uuid = _text(obj.get("uuid"))
    # Retries resend the same body, so the identity of a delivery is who, where, what and when.
    who = participant_uuid or _text(participant.get("user_id")) or _text(participant.get("id")) or user_name
    identity = "|".join([event, meeting_uuid or meeting_id, who, at.isoformat()])
    return WebhookEvent(
        kind=kind,
        meeting_id=meeting_id,
        participant_uuid=participant_uuid,
        registrant_id=_text(participant.get("registrant_id")),
        user_name=user_name,
        email=email if email and "@" in email else None,
        at_utc=at,
        dedupe_key=hashlib.sha256(identity.encode("utf-8")).hexdigest(),
        meeting_uuid=meeting_uuid,
        event=event,
    )
