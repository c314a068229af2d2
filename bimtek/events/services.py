"""Event rules shared by the organizer pages, the JSON API and the CLI."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.accounts import services as accounts
from bimtek.core import audit
from bimtek.core.tickets import generate_event_keypair
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError, Invalid
from bimtek.events.models import SPEAKER_ROLES, Event, EventSession, Speaker
from bimtek.extensions import db
from bimtek.reference import regions

EVENT_FIELDS = (
    "title", "code", "description", "organizer_unit", "venue_name", "venue_address", "city", "province_code",
    "timezone", "starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "onsite_capacity",
    "online_capacity", "zoom_join_url", "zoom_meeting_id", "zoom_passcode", "approval_required",
)  # fmt: skip
TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
TEXT_LIMITS = {
    "title": 300, "code": 40, "description": 20000, "organizer_unit": 300, "venue_name": 200,
    "venue_address": 400, "city": 120, "zoom_join_url": 500, "zoom_meeting_id": 40, "zoom_passcode": 40,
}  # fmt: skip
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
REQUIRED = "Wajib diisi."


def parse_datetime(value, tz: str) -> datetime:
    """ISO 8601 text (with offset, or local to the event's zone) or a datetime, as aware UTC."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return as_utc(dt)


def clean_event_fields(raw: dict, current: Event | None = None) -> dict:
    """Check event fields (all for a new event, the given ones for an edit); raise Invalid with field errors."""
    errors: dict[str, str] = {}
    out: dict = {}
    partial = current is not None
    present = {k for k in EVENT_FIELDS if k in raw}

    for name, limit in TEXT_LIMITS.items():
        if name not in present:
            continue
        value = raw.get(name)
        value = "" if value is None else str(value).strip()
        if len(value) > limit:
            errors[name] = f"Maksimal {limit} karakter."
        out[name] = value
    for name in ("title", "code"):
        if (not partial or name in present) and not out.get(name):
            errors[name] = REQUIRED
    if out.get("code"):
        out["code"] = out["code"].upper()
        if not CODE_RE.match(out["code"]):
            errors["code"] = "Kode hanya huruf besar, angka, dan tanda hubung (misalnya BIMTEK-MEDSOS)."
    if out.get("zoom_join_url") and not out["zoom_join_url"].startswith("https://"):
        errors["zoom_join_url"] = "Tautan Zoom harus diawali https://."

    if "province_code" in present or not partial:
        code = str(raw.get("province_code") or "").strip()
        if code:
            try:
                regions.province(code)
            except regions.RegionError:
                errors["province_code"] = "Kode provinsi tidak dikenal."
        out["province_code"] = code
    tz = raw.get("timezone") or None
    if tz is not None and tz not in TIMEZONES:
        errors["timezone"] = "Zona waktu harus WIB, WITA, atau WIT."
    if tz is None and out.get("province_code") and "province_code" not in errors:
        tz = regions.timezone_for_province(out["province_code"])
    if tz:
        out["timezone"] = tz
    zone = out.get("timezone") or (current.timezone if current else "Asia/Jakarta")

    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if name not in present:
            if not partial and name in ("starts_at", "ends_at"):
                errors[name] = REQUIRED
            continue
        value = raw.get(name)
        if value in (None, ""):
            if name in ("starts_at", "ends_at"):
                errors[name] = REQUIRED
            else:
                out[name] = None
            continue
        try:
            out[name] = parse_datetime(value, zone)
        except (TypeError, ValueError):
            errors[name] = "Format waktu tidak valid (gunakan ISO 8601, misalnya 2022-08-25T09:00:00+07:00)."

    for name in ("onsite_capacity", "online_capacity"):
        if name not in present:
            continue
        try:
            value = int(raw.get(name) or 0)
            if value < 0 or value > 1_000_000:
                raise ValueError
            out[name] = value
        except (TypeError, ValueError):
            errors[name] = "Isi dengan bilangan bulat 0 atau lebih."
    if "approval_required" in present:
        out["approval_required"] = raw.get("approval_required") in (True, "y", "on", "1", "true", 1)

    def _final(name):
        return out.get(name, getattr(current, name, None) if current else None)

    starts, ends = _final("starts_at"), _final("ends_at")
    if starts and ends and "ends_at" not in errors and as_utc(ends) <= as_utc(starts):
        errors["ends_at"] = "Waktu selesai harus setelah waktu mulai."
    opens, closes = _final("registration_opens_at"), _final("registration_closes_at")
    if opens and closes and as_utc(closes) <= as_utc(opens):
        errors["registration_closes_at"] = "Pendaftaran harus ditutup setelah dibuka."
    if current is not None:
        for mode in ("onsite", "online"):
            cap = out.get(f"{mode}_capacity")
            if cap is not None and cap < current.taken(mode):
                errors[f"{mode}_capacity"] = (
                    f"Sudah ada {current.taken(mode)} kursi terisi; kapasitas tidak boleh kurang."
                )
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    return out


def _unique_slug(code: str, starts: datetime) -> str:
    base = f"{code.lower()}-{starts.year}"
    slug, n = base, 2
    while db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_slug(slug: str) -> None:
    """Invalid unless ``slug`` can name a new event's public address: a-z, 0-9 and hyphens, and still free."""
    if len(slug) > 80 or not _SLUG.fullmatch(slug):
        raise Invalid("invalid", _("Periksa kembali isian yang ditandai."),
                      fields={"slug": _("Hanya huruf kecil, angka dan tanda hubung (maks. 80 karakter).")})  # fmt: skip
    if db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        raise Invalid("invalid", _("Periksa kembali isian yang ditandai."),
                      fields={"slug": _("Alamat ini sudah dipakai kegiatan lain.")})  # fmt: skip


def create_event(raw: dict, *, user) -> Event:
    """Create a draft event and assign its creator to it; flushes."""
    fields = clean_event_fields(raw)
    private, public = generate_event_keypair()
    event = Event(**fields, status="draft", ticket_private_key=private, ticket_public_key=public)
    event.slug = _unique_slug(event.code, event.starts_at)
    db.session.add(event)
    db.session.flush()
    if user is not None and not user.is_admin:
        accounts.assign(user, event.id, actor=user)
    audit.record("event.create", event, event_id=event.id, actor=user)
    return event


def update_event(event: Event, raw: dict, *, user) -> Event:
    """Change an event's fields; flushes."""
    if event.status == "archived":
        raise DomainError("archived", "Kegiatan yang diarsipkan tidak dapat diubah.", status=409)
    fields = clean_event_fields(raw, current=event)
    changed = {}
    for name, value in fields.items():
        if getattr(event, name) != value:
            changed[name] = True
            setattr(event, name, value)
    if changed:
        audit.record("event.update", event, event_id=event.id, actor=user, details={"fields": sorted(changed)})
    db.session.flush()
    return event


# action -> (the status it must start from, None for any; the status it ends in). The one door for event
# status: the organizer's buttons and POST /api/v1/events/{id}/publish both call change_status.
TRANSITIONS = {"publish": ("draft", "published"), "close": ("published", "closed"), "archive": (None, "archived"),
               "reopen": ("closed", "published")}  # fmt: skip
# Refusals in words, never with a raw status code in them.
REFUSALS = {
    "publish": "Hanya kegiatan berstatus draf yang dapat diterbitkan.",
    "close": "Hanya kegiatan yang sedang terbit yang dapat ditutup.",
    "reopen": "Hanya kegiatan yang ditutup yang dapat dibuka kembali.",
}


def change_status(event: Event, action: str, *, user) -> Event:
    """Publish, close, reopen or archive an event."""
    source, target = TRANSITIONS[action]
    if source is not None and event.status != source:
        raise DomainError("bad_transition", REFUSALS[action], status=409)
    if action == "publish" and not event.sessions:
        raise DomainError("no_sessions", "Tambahkan minimal satu sesi sebelum menerbitkan kegiatan.", status=409)
    event.status = target
    if action == "publish":
        event.published_at = utcnow()
    audit.record(f"event.{action}", event, event_id=event.id, actor=user)
    db.session.flush()
    return event


def clean_session_fields(event: Event, raw: dict) -> dict:
    """Check a session's fields and speakers; raise Invalid with field errors."""
    errors: dict[str, str] = {}
    title = str(raw.get("title") or "").strip()
    if not title:
        errors["title"] = REQUIRED
    elif len(title) > 300:
        errors["title"] = "Maksimal 300 karakter."
    times = {}
    for name in ("starts_at", "ends_at"):
        try:
            times[name] = parse_datetime(raw[name], event.timezone)
        except (KeyError, TypeError, ValueError):
            errors[name] = "Format waktu tidak valid (ISO 8601)."
    if len(times) == 2 and times["ends_at"] <= times["starts_at"]:
        errors["ends_at"] = "Waktu selesai harus setelah waktu mulai."
    try:
        jp = float(raw.get("jp") or 0)
        if jp < 0 or jp > 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["jp"] = "JP harus angka 0-100."
        jp = 0
    speakers = []
    raw_speakers = raw.get("speakers") or []
    if not isinstance(raw_speakers, list):
        errors["speakers"] = "Daftar narasumber tidak valid."
        raw_speakers = []
    for i, sp in enumerate(raw_speakers):
        if not isinstance(sp, dict) or not str(sp.get("name") or "").strip():
            errors[f"speakers.{i}.name"] = REQUIRED
            continue
        role = sp.get("role") or "narasumber"
        if role not in SPEAKER_ROLES:
            errors[f"speakers.{i}.role"] = "Peran harus narasumber atau moderator."
            continue
        speakers.append(
            {"name": str(sp["name"]).strip()[:200], "institution": str(sp.get("institution") or "").strip()[:300],
             "role": role}
        )  # fmt: skip
    if errors:
        raise Invalid("invalid", "Periksa kembali isian sesi.", fields=errors)
    return {"title": title, "jp": jp, "speakers": speakers, **times}


def add_session(event: Event, raw: dict, *, user) -> EventSession:
    """Add a session with its speakers to the agenda; flushes."""
    fields = clean_session_fields(event, raw)
    speakers = fields.pop("speakers")
    session = EventSession(event_id=event.id, position=len(event.sessions), **fields)
    session.speakers = [Speaker(position=i, **sp) for i, sp in enumerate(speakers)]
    event.sessions.append(session)
    event.updated_at = utcnow()
    db.session.flush()
    audit.record("session.create", session, event_id=event.id, actor=user)
    return session


def update_session(session: EventSession, raw: dict, *, user) -> EventSession:
    """Replace a session's fields and speakers; flushes."""
    fields = clean_session_fields(session.event, raw)
    speakers = fields.pop("speakers")
    for name, value in fields.items():
        setattr(session, name, value)
    session.speakers = [Speaker(position=i, **sp) for i, sp in enumerate(speakers)]
    session.event.updated_at = utcnow()
    db.session.flush()
    audit.record("session.update", session, event_id=session.event_id, actor=user)
    return session


def delete_session(session: EventSession, *, user) -> None:
    """Remove a session from the agenda."""
    audit.record("session.delete", session, event_id=session.event_id, actor=user, details={"title": session.title})
    session.event.updated_at = utcnow()
    db.session.delete(session)
    db.session.flush()
