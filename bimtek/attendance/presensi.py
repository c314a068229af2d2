"""Presensi (self check-in) with a rotating code: windows the organizer opens, records participants make."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bimtek.attendance import presensi_codes
from bimtek.attendance.models import WINDOW_KINDS, PresensiRecord, PresensiWindow
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid, NotFound
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.registration.models import Registration

GRACE_MINUTES = 2


def presensi_key() -> bytes:
    """The server secret for presensi codes, derived from the app secret unless set on its own."""
    secret = current_app.config.get("PRESENSI_SECRET") or current_app.config["SECRET_KEY"]
    return hashlib.sha256(b"bimtek-presensi:" + secret.encode("utf-8")).digest()


def open_window(
    event: Event,
    session: EventSession,
    kind: str,
    *,
    opens_at: datetime | None = None,
    minutes: int = 30,
    closes_at: datetime | None = None,
    user=None,
    now: datetime | None = None,
) -> PresensiWindow:
    """Open a presensi window for a session (from now for ``minutes`` unless times are given)."""
    now = now or utcnow()
    errors = {}
    if session.event_id != event.id:
        raise NotFound("not_found", "Sesi tidak ditemukan.")
    if kind not in WINDOW_KINDS:
        errors["kind"] = "Pilih presensi awal atau akhir."
    opens_at = as_utc(opens_at) if opens_at else now
    if closes_at is None:
        if not isinstance(minutes, int) or not 1 <= minutes <= 480:
            errors["minutes"] = "Lama presensi 1–480 menit."
            minutes = 30
        closes_at = opens_at + timedelta(minutes=minutes)
    closes_at = as_utc(closes_at)
    if closes_at <= opens_at:
        errors["closes_at"] = "Waktu tutup harus setelah waktu buka."
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    window = PresensiWindow(
        event_id=event.id,
        session_id=session.id,
        kind=kind,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(window)
    db.session.flush()
    audit.record(
        "attendance.presensi_opened",
        window,
        event_id=event.id,
        actor=user,
        details={"session_id": session.id, "kind": kind, "opens_at": opens_at.isoformat()},
    )
    return window


def schedule_session_windows(
    event: Event, session: EventSession, *, minutes: int = 30, user=None, now: datetime | None = None
) -> list[PresensiWindow]:
    """Plan the usual pair for a session: the first and the last ``minutes`` (each at most half of it).

    A kind that already has a window in this session is left as it is.
    """
    start, end = as_utc(session.starts_at), as_utc(session.ends_at)
    span = min(timedelta(minutes=minutes), (end - start) / 2)
    existing = set(db.session.scalars(select(PresensiWindow.kind).where(PresensiWindow.session_id == session.id)).all())
    planned = []
    for kind, opens, closes in (("start", start, start + span), ("end", end - span, end)):
        if kind not in existing:
            planned.append(open_window(event, session, kind, opens_at=opens, closes_at=closes, user=user, now=now))
    return planned


def close_window(window: PresensiWindow, *, user=None, now: datetime | None = None) -> None:
    """Close a window now (codes shown a moment ago still pass during the grace minutes)."""
    now = now or utcnow()
    if as_utc(window.closes_at) > now:
        window.closes_at = max(now, as_utc(window.opens_at))
        audit.record("attendance.presensi_closed", window, event_id=window.event_id, actor=user)
    db.session.flush()


def is_open(window: PresensiWindow, now: datetime) -> bool:
    """Whether the window accepts codes at ``now``."""
    return as_utc(window.opens_at) <= now <= as_utc(window.closes_at)


def windows(event_id: int) -> list[PresensiWindow]:
    """All windows of an event, in time order."""
    return list(
        db.session.scalars(
            select(PresensiWindow)
            .where(PresensiWindow.event_id == event_id)
            .order_by(PresensiWindow.opens_at, PresensiWindow.id)
        )
    )


def window_code(window: PresensiWindow, now: datetime | None = None) -> dict:
    """What the projector shows now: the code, seconds until it changes, the URL and its QR."""
    now = now or utcnow()
    open_now = is_open(window, now)
    code, seconds = presensi_codes.current_code(presensi_key(), window.session_id, window.id, now)
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    url = f"{base}/presensi?c={code}"
    return {
        "open": open_now,
        "not_yet": now < as_utc(window.opens_at),
        "opens_at": as_utc(window.opens_at).isoformat(),
        "code": code if open_now else None,
        "seconds_left": seconds,
        "url": url if open_now else None,
        "qr": qr_data_url(url) if open_now else None,
        "closes_at": as_utc(window.closes_at).isoformat(),
    }


def qr_data_url(text: str) -> str:
    """A QR code of ``text`` as an SVG data URL (the CSP allows data: images)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def registration_by_token(token: str) -> Registration:
    """The registration behind a private manage link, or 404."""
    reg = db.session.scalar(select(Registration).where(Registration.manage_token == token)) if token else None
    if reg is None:
        raise NotFound("not_found", "Tautan tidak ditemukan.")
    return reg


def submit_code(
    registration: Registration, code: str, *, now: datetime | None = None, method: str = "typed"
) -> tuple[PresensiRecord, bool]:
    """Record a participant's presence for the open window whose current code they give.

    Returns the record and whether it is new; giving a code again in the same window changes nothing.
    """
    now = now or utcnow()
    if registration.status != "confirmed":
        raise Invalid("presensi_not_confirmed", "Pendaftaran Anda belum terkonfirmasi, presensi tidak dapat dicatat.")
    if presensi_codes.normalize_code(code or "") is None:
        raise Invalid(
            "presensi_code_format",
            "Kode presensi terdiri dari 6 huruf/angka.",
            fields={"code": "Kode presensi terdiri dari 6 huruf/angka."},
        )
    grace = timedelta(minutes=GRACE_MINUTES)
    candidates = db.session.scalars(
        select(PresensiWindow).where(
            PresensiWindow.event_id == registration.event_id,
            PresensiWindow.opens_at <= now,
            PresensiWindow.closes_at >= now - grace,
        )
    ).all()
    key = presensi_key()
    window = next(
        (
            w
            for w in candidates
            if presensi_codes.verify_code(key, w.session_id, w.id, code, now, grace_minutes=GRACE_MINUTES)
        ),
        None,
    )
    if window is None:
        raise Invalid(
            "presensi_code_invalid",
            "Kode presensi salah atau sudah kedaluwarsa. Lihat kode terbaru di layar.",
            fields={"code": "Kode salah atau kedaluwarsa."},
        )
    existing = db.session.scalar(
        select(PresensiRecord).where(
            PresensiRecord.registration_id == registration.id, PresensiRecord.window_id == window.id
        )
    )
    if existing is not None:
        return existing, False
    record = PresensiRecord(
        event_id=registration.event_id,
        registration_id=registration.id,
        window_id=window.id,
        session_id=window.session_id,
        recorded_at=now,
        method=method if method in ("typed", "qr", "api") else "typed",
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        existing = db.session.scalar(
            select(PresensiRecord).where(
                PresensiRecord.registration_id == registration.id, PresensiRecord.window_id == window.id
            )
        )
        return existing, False
    return record, True


def records_for(registration_id: int) -> list[tuple[PresensiRecord, PresensiWindow]]:
    """A participant's presensi records with their windows."""
    return list(
        db.session.execute(
            select(PresensiRecord, PresensiWindow)
            .join(PresensiWindow, PresensiWindow.id == PresensiRecord.window_id)
            .where(PresensiRecord.registration_id == registration_id)
            .order_by(PresensiRecord.recorded_at)
        ).all()
    )


def record_counts(event_id: int) -> dict[int, int]:
    """Records per window."""
    from sqlalchemy import func

    return dict(
        db.session.execute(
            select(PresensiRecord.window_id, func.count(PresensiRecord.id))
            .where(PresensiRecord.event_id == event_id)
            .group_by(PresensiRecord.window_id)
        ).all()
    )
