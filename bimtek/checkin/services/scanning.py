"""Venue check-in rules, shared by the scanner API, the offline batch upload, the desk pages and the CLI.

In the style of pretix's check-in service: every refusal is a CheckInError with a machine code, the clock
is a parameter, a client nonce makes a retried scan create nothing new, and the admit itself is one
INSERT ... ON CONFLICT DO NOTHING guarded by a unique key per person and session/day, so two parallel scans
of one ticket give one admit and one "already checked in", on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bimtek.accounts.models import User
from bimtek.attendance import services as attendance_services
from bimtek.checkin.models import KINDS, CheckIn, slot_key
from bimtek.core import audit
from bimtek.core.codes import normalize_code
from bimtek.core.tickets import PREFIX, TicketError, decode_ticket
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration

# An offline scan uploaded this long after it happened is marked as a late upload.
LATE_AFTER = timedelta(minutes=2)
# Device clocks drift; a scan time further in the future than this is replaced by the server's time.
CLOCK_SKEW = timedelta(minutes=5)
MAX_TICKET_TEXT = 300
# An offline batch upload holds at most this many scans.
MAX_BATCH = 500
# Flags that put a row on the organizer's "look at this" list (late uploads and overrides are only noted).
ATTENTION = frozenset({"duplicate_offline", "clock_skew"})
_NONCE = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# HTTP status per refusal code on the JSON API: state refusals are answers (200), not failures.
STATUS = {
    "malformed": 400,
    "invalid": 404,
    "wrong_event": 200,
    "cancelled": 200,
    "not_confirmed": 200,
    "online_mode": 200,
    "already_checked_in": 200,
}
MESSAGES = {
    "malformed": "Kode tidak dikenali sebagai tiket atau kode pendaftaran.",
    "invalid": "Tiket tidak sah atau tidak ditemukan.",
    "wrong_event": "Tiket ini untuk kegiatan lain.",
    "cancelled": "Pendaftaran ini sudah dibatalkan.",
    "not_confirmed": "Pendaftaran belum dikonfirmasi (daftar tunggu atau menunggu persetujuan).",
    "online_mode": "Peserta ini terdaftar daring (Zoom), bukan luring.",
    "already_checked_in": "Sudah check-in.",
}


class CheckInError(DomainError):
    """A scan that admits no one: `code` says why; `registration` and `first` (the earlier admit's log row)
    when known."""

    def __init__(self, code: str, *, registration: Registration | None = None, first: CheckIn | None = None, **extra):
        super().__init__(code, MESSAGES[code], status=STATUS[code], **extra)
        self.registration = registration
        self.first = first


@dataclass
class Admission:
    """A successful scan: the log row's essentials and who was admitted."""

    id: int
    registration: Registration
    kind: str
    slot: str
    scanned_at: datetime
    gate: str
    staff: str
    source: str
    flags: list = field(default_factory=list)
    replay: bool = False


# ---------------------------------------------------------------------------------------------- reading


def _public_key(event: Event, event_id: int) -> bytes | None:
    if event_id == event.id:
        return event.ticket_public_key
    # Another event's ticket: its key tells a real ticket of another event (wrong_event) from a forgery.
    return db.session.scalar(select(Event.ticket_public_key).where(Event.id == event_id))


# What a scan needs to know about a registration: read as one narrow row on the hot path.
SCAN_COLUMNS = (
    Registration.id,
    Registration.event_id,
    Registration.code,
    Registration.status,
    Registration.mode,
    Registration.full_name,
    Registration.institution_name,
    Registration.work_unit,
)


# Hot-path statements are built once: constructing a SQLAlchemy statement costs more CPU per scan than
# running it. Executed as Core on the session's connection (same transaction; nothing for the ORM to track).
_BY_TICKET = select(*SCAN_COLUMNS).where(Registration.ticket_id == bindparam("value"))
_BY_CODE = select(*SCAN_COLUMNS).where(Registration.code == bindparam("value"))
_INSERTS = {
    name: make(CheckIn.__table__).on_conflict_do_nothing().returning(CheckIn.__table__.c.id)
    for name, make in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def _scan_row(statement, value: str):
    return db.session.connection().execute(statement, {"value": value}).first()


def resolve_ticket(event: Event, text: str):
    """The registration a scanned QR text or typed code points at, as a row of SCAN_COLUMNS, or
    CheckInError (malformed/invalid/wrong_event)."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text or len(text) > MAX_TICKET_TEXT:
        raise CheckInError("malformed")
    if text.upper().startswith(PREFIX):
        try:
            payload = decode_ticket(text, lambda eid: _public_key(event, eid))
        except TicketError as err:
            raise CheckInError(err.code) from None
        if payload.event_id != event.id:
            raise CheckInError("wrong_event")
        reg = _scan_row(_BY_TICKET, payload.ticket_id_hex)
    else:
        code = normalize_code(text)
        if code is None:
            raise CheckInError("malformed")
        reg = _scan_row(_BY_CODE, code)
        if reg is not None and reg.event_id != event.id:
            raise CheckInError("wrong_event")
    # An unknown ticket id is a re-issued (replaced) or made-up ticket.
    if reg is None or reg.event_id != event.id:
        raise CheckInError("invalid")
    return reg


def check_admissible(reg: Registration, *, allow_online: bool = False) -> None:
    """Refuse cancelled, unconfirmed and online registrations (the last unless an organizer admits them)."""
    if reg.status == "cancelled":
        raise CheckInError("cancelled", registration=reg)
    if reg.status != "confirmed":
        raise CheckInError("not_confirmed", registration=reg)
    if reg.mode == "online" and not allow_online:
        raise CheckInError("online_mode", registration=reg)


def local_day(moment: datetime, tz: str) -> date:
    """The calendar day at the venue for a UTC moment."""
    return as_utc(moment).astimezone(ZoneInfo(tz)).date()


def event_session(event: Event, session_id: int | None) -> EventSession | None:
    """The event's session with this id, or Invalid."""
    if session_id in (None, "", 0):
        return None
    session = db.session.get(EventSession, session_id) if isinstance(session_id, int) else None
    if session is None or session.event_id != event.id:
        raise Invalid(
            "invalid", "Sesi tidak ditemukan pada kegiatan ini.", fields={"session_id": "Sesi tidak dikenal."}
        )
    return session


def staff_label(name: str | None, email: str | None) -> str:
    """How a staff member is shown on a scan: their name, else their email."""
    return (name or "").strip() or (email or "")


# ---------------------------------------------------------------------------------------------- writing


def _insert(values: dict) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a unique key was taken."""
    conn = db.session.connection()
    return conn.execute(_INSERTS[conn.dialect.name], values).scalar()


def _clean_meta(gate, device, kind, nonce) -> tuple[str, str, str, str]:
    errors = {}
    gate = gate.strip() if isinstance(gate, str) else ""
    device = device.strip() if isinstance(device, str) else ""
    if len(gate) > 60:
        errors["gate"] = "Maksimal 60 karakter."
    if len(device) > 100:
        errors["device"] = "Maksimal 100 karakter."
    if kind not in KINDS:
        errors["kind"] = "Harus entry atau exit."
    if nonce is None or nonce == "":
        nonce = uuid.uuid4().hex
    elif not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        errors["nonce"] = "Nonce harus 8-64 karakter huruf, angka, titik, garis bawah, titik dua atau tanda hubung."
    if errors:
        raise Invalid("invalid", "Periksa kembali data pindaian.", fields=errors)
    return gate, device, kind, nonce


def check_in(
    event: Event,
    ticket: str | None,
    *,
    staff: User | None,
    session_id: int | None = None,
    gate: str = "",
    kind: str = "entry",
    nonce: str | None = None,
    scanned_at: datetime | None = None,
    now: datetime | None = None,
    source: str = "scan",
    device: str = "",
    allow_online: bool = False,
    registration: Registration | None = None,
) -> Admission:
    """Admit the holder of a ticket (QR text or registration code) to a session, or to the day; flushes.

    `event` is the Event, or any row with its id, timezone and ticket_public_key (the API's hot path
    reads just those). Raises CheckInError for every scan that admits no one. The same nonce twice returns the first answer
    and writes nothing. An offline upload (source "offline") that finds the person already admitted by
    another device is kept, flagged duplicate_offline, and still answered as already_checked_in.
    """
    now = now or utcnow()
    gate, device, kind, nonce = _clean_meta(gate, device, kind, nonce)
    session = event_session(event, session_id)
    reg = registration or resolve_ticket(event, ticket or "")
    check_admissible(reg, allow_online=allow_online)

    flags: list[str] = []
    scanned_at = as_utc(scanned_at) if scanned_at else now
    if scanned_at > now + CLOCK_SKEW:
        scanned_at, flags = now, ["clock_skew"]
    if now - scanned_at > LATE_AFTER and source == "offline":
        flags.append("late_upload")
    if reg.mode == "online":
        flags.append("admitted_online_override")
    day = local_day(session.starts_at, event.timezone) if session else local_day(scanned_at, event.timezone)
    slot = slot_key(session.id if session else None, day)
    admit_key = f"{reg.id}:{slot}" if kind == "entry" else None
    values = {
        "event_id": event.id,
        "registration_id": reg.id,
        "session_id": session.id if session else None,
        "day": day,
        "kind": kind,
        "gate": gate,
        "device": device,
        "staff_user_id": staff.id if staff else None,
        "scanned_at": scanned_at,
        "received_at": now,
        "source": source,
        "nonce": nonce,
        "admit_key": admit_key,
        "flags": flags,
        "flagged": bool(ATTENTION.intersection(flags)),
    }
    staff_text = staff_label(staff.name, staff.email) if staff else ""
    for _attempt in range(3):
        new_id = _insert(values)
        if new_id is not None:
            if flags and "admitted_online_override" in flags:
                audit.record(
                    "checkin.online_override",
                    event_id=event.id,
                    actor=staff,
                    details={"checkin_id": new_id, "registration_id": reg.id, "slot": slot},
                )
            if kind == "exit":
                # An exit ends a stay: where the rule counts minutes, the verdict may change.
                attendance_services.refresh_verdicts(event.id, [reg.id])
            return Admission(new_id, reg, kind, slot, scanned_at, gate, staff_text, source, flags)
        cond = CheckIn.nonce == nonce
        if admit_key:
            cond = or_(cond, CheckIn.admit_key == admit_key)
        rows = db.session.execute(
            # The staff user comes in the same query, so row.staff (the first admit's "by whom") needs no other.
            select(CheckIn, User).outerjoin(User, User.id == CheckIn.staff_user_id).where(cond)
        ).all()
        by_nonce = next((r for r in rows if r[0].nonce == nonce), None)
        admit = next((r for r in rows if r[0].admit_key == admit_key and admit_key), None)
        if by_nonce is not None:
            row = by_nonce[0]
            if row.registration_id != reg.id or row.event_id != event.id:
                raise Conflict("nonce_reused", "Nonce ini sudah dipakai untuk pindaian lain.")
            if "duplicate_offline" in (row.flags or []):
                first = admit or by_nonce
                raise CheckInError("already_checked_in", registration=reg, first=first[0], flagged=True)
            return Admission(
                row.id,
                reg,
                row.kind,
                row.slot,
                as_utc(row.scanned_at),
                row.gate,
                staff_label(by_nonce[1].name, by_nonce[1].email) if by_nonce[1] else "",
                row.source,
                list(row.flags or []),
                replay=True,
            )
        if admit is not None:
            first = admit[0]
            if source != "offline":
                raise CheckInError("already_checked_in", registration=reg, first=first)
            # Two devices admitted this person while offline: keep the second scan, flagged for the organizer.
            _insert({**values, "admit_key": None, "flags": [*flags, "duplicate_offline"], "flagged": True})
            raise CheckInError("already_checked_in", registration=reg, first=first, flagged=True)
        # The conflicting row was undone between our insert and our read: try again.
    raise Conflict("busy", "Pindaian bersamaan; silakan ulangi.")


def undo_check_in(checkin: CheckIn, *, actor: User, reason: str = "", now: datetime | None = None) -> CheckIn:
    """Cancel an admit (wrong person, wrong session); the row stays in the log, marked undone; audited."""
    if checkin.undone_at is not None:
        raise Conflict("already_undone", "Check-in ini sudah dibatalkan.")
    checkin.undone_at = now or utcnow()
    checkin.undone_by_id = actor.id if actor else None
    checkin.admit_key = None
    audit.record(
        "checkin.undo",
        checkin,
        actor=actor,
        details={"registration_id": checkin.registration_id, "slot": checkin.slot, "reason": (reason or "")[:200]},
    )
    db.session.flush()
    # The undone admit no longer counts towards attendance: the stored verdict follows at once.
    attendance_services.refresh_verdicts(checkin.event_id, [checkin.registration_id])
    return checkin


def walk_in(
    event: Event,
    raw: dict,
    *,
    staff: User,
    session_id: int | None = None,
    gate: str = "",
    device: str = "",
    now: datetime | None = None,
    ip: str | None = None,
) -> Admission:
    """Register someone at the desk and admit them in one step, through the registration rules and seats.

    The walk-in is always on site and needs a free on-site seat: when there is none, nothing is kept
    (the caller rolls back) rather than leaving a waitlisted registration behind.
    """
    now = now or utcnow()
    # The walk-in channel's policy refuses (Conflict "full") when no on-site seat is free.
    reg = registration_services.register(
        event, {**raw, "mode": "onsite"}, channel="walkin", now=now, ip=ip, actor=staff
    )
    return check_in(
        event, None, registration=reg, staff=staff, session_id=session_id, gate=gate, device=device,
        source="walkin", now=now,
    )  # fmt: skip
