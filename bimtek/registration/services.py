"""Registration rules, shared by the form, the JSON API, imports and the CLI."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.reference import regions
from bimtek.registration.codes import new_private_token, new_registration_code
from bimtek.registration.models import EMPLOYMENT_STATUSES, INSTITUTION_TYPES, Registration
from bimtek.registration.names import PersonNameError, name_search_key, normalize_person_name
from bimtek.registration.nip import NipError, normalize_nip
from bimtek.registration.phone import PhoneError, normalize_phone

CONSENT_VERSION = "2024-10-v1"

# Fields a participant may set; anything else in the input (event, status, role...) is ignored.
PARTICIPANT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "employment_status",
    "nip",
    "rank",
    "position",
    "institution_type",
    "institution_name",
    "work_unit",
    "province_code",
    "regency_code",
    "mode",
    "consent",
    "answers",
)

FIELD_LIMITS = {"rank": 60, "position": 200, "institution_name": 300, "work_unit": 300}


@dataclass
class RegistrationInput:
    """Clean participant data after validation."""

    full_name: str
    email: str
    phone: str
    employment_status: str
    nip: str | None
    rank: str
    position: str
    institution_type: str
    institution_name: str
    work_unit: str
    province_code: str
    regency_code: str
    mode: str
    answers: dict = field(default_factory=dict)


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


def validate_participant(event: Event, raw: dict, *, now: datetime, require_consent: bool = True) -> RegistrationInput:
    """Check every field of a registration; raise Invalid with all field errors at once."""
    errors: dict[str, str] = {}
    required = "Wajib diisi."

    full_name = ""
    try:
        full_name = normalize_person_name(raw.get("full_name") or "")
    except PersonNameError as err:
        errors["full_name"] = err.message

    email = _text(raw, "email")
    if not email:
        errors["email"] = required
    else:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = "Alamat email tidak valid."

    phone = ""
    try:
        phone = normalize_phone(_text(raw, "phone"))
    except PhoneError as err:
        errors["phone"] = err.message

    status = _text(raw, "employment_status") or "non_asn"
    if status not in EMPLOYMENT_STATUSES:
        errors["employment_status"] = "Pilih status kepegawaian."
    nip_raw = _text(raw, "nip")
    nip = None
    if status in ("pns", "pppk"):
        if not nip_raw:
            errors["nip"] = "NIP wajib diisi untuk PNS dan PPPK."
        else:
            try:
                nip = normalize_nip(nip_raw, status, today=now.date())
            except NipError as err:
                errors["nip"] = err.message
    elif nip_raw:
        errors["nip"] = "NIP hanya diisi oleh PNS atau PPPK."

    values = {}
    for name in ("rank", "position", "institution_name", "work_unit"):
        values[name] = _text(raw, name)
        if len(values[name]) > FIELD_LIMITS[name]:
            errors[name] = f"Maksimal {FIELD_LIMITS[name]} karakter."
        elif any(ord(ch) < 32 for ch in values[name]):
            errors[name] = "Mengandung karakter yang tidak diizinkan."
    if status == "non_asn":
        values["rank"] = ""
    for name in ("position", "institution_name"):
        if not values[name] and name not in errors:
            errors[name] = required

    institution_type = _text(raw, "institution_type")
    if institution_type not in INSTITUTION_TYPES:
        errors["institution_type"] = "Pilih jenis instansi."

    province_code = _text(raw, "province_code")
    regency_code = _text(raw, "regency_code")
    try:
        regions.province(province_code)
    except (regions.RegionError, KeyError):
        errors["province_code"] = "Pilih provinsi."
    else:
        try:
            reg = regions.regency(regency_code)
            if reg.province_code != province_code:
                errors["regency_code"] = "Kabupaten/kota tidak berada di provinsi yang dipilih."
        except (regions.RegionError, KeyError):
            errors["regency_code"] = "Pilih kabupaten/kota."

    mode = _text(raw, "mode")
    if mode not in event.modes:
        errors["mode"] = "Pilih cara mengikuti kegiatan."

    if require_consent and raw.get("consent") not in (True, "y", "on", "1", "true", "yes"):
        errors["consent"] = "Anda perlu menyetujui pemberitahuan pelindungan data pribadi."

    answers = raw.get("answers") or {}
    if not isinstance(answers, dict):
        errors["answers"] = "Format jawaban tidak valid."
        answers = {}

    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    return RegistrationInput(
        full_name=full_name,
        email=email,
        phone=phone,
        employment_status=status,
        nip=nip,
        institution_type=institution_type,
        province_code=province_code,
        regency_code=regency_code,
        mode=mode,
        answers=answers,
        **values,
    )


def take_seat(event_id: int, mode: str) -> bool:
    """Take one seat in a mode with one conditional UPDATE; False when the mode is full."""
    col = Event.onsite_taken if mode == "onsite" else Event.online_taken
    cap = Event.onsite_capacity if mode == "onsite" else Event.online_capacity
    result = db.session.execute(
        update(Event)
        .where(Event.id == event_id, col < cap)
        .values({col: col + 1})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_seat(event_id: int, mode: str) -> None:
    """Give one seat of a mode back."""
    col = Event.onsite_taken if mode == "onsite" else Event.online_taken
    db.session.execute(
        update(Event)
        .where(Event.id == event_id, col > 0)
        .values({col: col - 1})
        .execution_options(synchronize_session=False)
    )


def find_duplicate(event_id: int, email: str, nip: str | None, exclude_id: int | None = None) -> Registration | None:
    """An active registration of the same email or NIP in the event."""
    cond = Registration.email_key == email.lower()
    if nip:
        cond = cond | (Registration.nip == nip)
    q = select(Registration).where(Registration.event_id == event_id, cond)
    if exclude_id:
        q = q.where(Registration.id != exclude_id)
    return db.session.scalars(q.limit(1)).first()


def new_ticket_id() -> str:
    """A fresh random ticket id (hex of 10 random bytes, as carried in the signed QR)."""
    return secrets.token_bytes(10).hex()


def create_registration(
    event: Event,
    data: RegistrationInput,
    *,
    now: datetime | None = None,
    source: str = "form",
    ip: str | None = None,
    consent: bool = True,
    actor=None,
) -> Registration:
    """Insert a registration and settle its seat in the same transaction; flushes, never commits.

    The seat is taken by one conditional UPDATE: under any concurrency a mode is never oversold, and
    when it is full the registration goes to that mode's waitlist. Duplicates (email or NIP) are
    refused by a query first and, under a race, by the unique constraints.
    """
    now = now or utcnow()
    if find_duplicate(event.id, data.email, data.nip):
        raise Conflict("duplicate", "Email atau NIP ini sudah terdaftar pada kegiatan ini.")
    reg = Registration(
        event_id=event.id,
        code=new_registration_code(),
        manage_token=new_private_token(),
        ticket_id=new_ticket_id(),
        ticket_issued_at=now,
        mode=data.mode,
        source=source,
        full_name=data.full_name,
        name_key=name_search_key(data.full_name),
        email=data.email,
        email_key=data.email.lower(),
        phone=data.phone,
        employment_status=data.employment_status,
        nip=data.nip,
        rank=data.rank,
        position=data.position,
        institution_type=data.institution_type,
        institution_name=data.institution_name,
        work_unit=data.work_unit,
        province_code=data.province_code,
        regency_code=data.regency_code,
        answers=data.answers,
        consent_version=CONSENT_VERSION if consent else "",
        consent_at=now if consent else None,
        consent_ip=ip if consent else None,
        created_at=now,
    )
    if event.approval_required and source in ("form", "api"):
        reg.status = "pending"
    elif take_seat(event.id, data.mode):
        reg.status, reg.confirmed_at = "confirmed", now
    else:
        reg.status = "waitlisted"
    db.session.add(reg)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as err:
        raise Conflict("duplicate", "Email atau NIP ini sudah terdaftar pada kegiatan ini.") from err
    audit.record(
        "registration.create", reg, actor=actor, details={"status": reg.status, "mode": reg.mode, "source": source}
    )
    return reg


def promote_waitlist(event: Event, mode: str, *, now: datetime | None = None) -> Registration | None:
    """Give a free seat of a mode to the first waitlisted registration, if any; flushes."""
    now = now or utcnow()
    q = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.mode == mode, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    nxt = db.session.scalars(q).first()
    if nxt is None or not take_seat(event.id, mode):
        return None
    nxt.status, nxt.confirmed_at = "confirmed", now
    audit.record("registration.promote", nxt, actor="system", details={"mode": mode})
    db.session.flush()
    return nxt


def cancel_registration(
    reg: Registration, *, now: datetime | None = None, actor=None, reason: str = ""
) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first waitlisted person in the same transaction.

    Returns the promoted registration, if any, so the caller can email them after commit.
    """
    if reg.status == "cancelled":
        raise DomainError("already_cancelled", "Pendaftaran ini sudah dibatalkan.", status=409)
    now = now or utcnow()
    held_seat = reg.status == "confirmed"
    reg.status, reg.cancelled_at = "cancelled", now
    audit.record("registration.cancel", reg, actor=actor, details={"reason": reason} if reason else {})
    db.session.flush()
    if held_seat:
        release_seat(reg.event_id, reg.mode)
        return promote_waitlist(reg.event, reg.mode, now=now)
    return None
