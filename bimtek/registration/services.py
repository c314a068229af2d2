"""Registration rules, shared by the form, the JSON API, imports and the CLI."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from bimtek.core import audit
from bimtek.core.codes import new_private_token, new_registration_code, normalize_code
from bimtek.core.tickets import TicketMode, encode_ticket
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import MODES, Event
from bimtek.extensions import db
from bimtek.reference import regions
from bimtek.registration.models import (
    EMPLOYMENT_STATUSES,
    INSTITUTION_TYPES,
    QUESTION_KINDS,
    STATUSES,
    DataRequest,
    Registration,
    RegistrationQuestion,
)
from bimtek.registration.names import PersonNameError, name_search_key, normalize_person_name
from bimtek.registration.nip import NipError, normalize_nip
from bimtek.registration.phone import PhoneError, normalize_phone

CONSENT_VERSION = "2024-10-v1"
DUPLICATE = "Email atau NIP ini sudah terdaftar pada kegiatan ini."
MODE_FULL = "Kursi untuk cara mengikuti ini sudah penuh. Pilih cara lain, atau setujui masuk daftar tunggu."

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


def validate_participant(
    event: Event,
    raw: dict,
    *,
    now: datetime,
    require_consent: bool = True,
    questions: list | None = None,
    trusted_files: frozenset[str] = frozenset(),
) -> RegistrationInput:
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
    if questions is None:
        questions = event_questions(event.id)
    answers = clean_answers(questions, answers, errors, trusted_files=trusted_files)

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


def event_questions(event_id: int) -> list[RegistrationQuestion]:
    """The organizer's extra questions of an event, in form order."""
    return list(
        db.session.scalars(
            select(RegistrationQuestion)
            .where(RegistrationQuestion.event_id == event_id)
            .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
        )
    )


STORED_FILE = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
YES, NO = ("ya", "yes", "y", "true", "1", "on"), ("tidak", "no", "n", "false", "0", "off")


def clean_answers(questions: list, raw: dict, errors: dict, *, trusted_files: frozenset[str] = frozenset()) -> dict:
    """Check answers to the extra questions; unknown keys are dropped, errors go to errors["q_<id>"].

    A file answer must name a file this request stored (``trusted_files``): a client cannot point its
    answer at someone else's upload.
    """
    out: dict = {}
    for q in questions:
        key, value = str(q.id), raw.get(str(q.id))
        field_name = q.field_name
        empty = value in (None, "", [], {})
        if empty:
            if q.required:
                errors[field_name] = "Wajib diisi." if q.kind != "file" else "Unggah berkas yang diminta."
            continue
        if q.kind in ("short", "long"):
            limit = 500 if q.kind == "short" else 5000
            if not isinstance(value, str) or len(value.strip()) > limit:
                errors[field_name] = f"Maksimal {limit} karakter."
            elif any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
                errors[field_name] = "Mengandung karakter yang tidak diizinkan."
            else:
                out[key] = value.strip()
        elif q.kind == "single":
            if value not in q.choices:
                errors[field_name] = "Pilih salah satu pilihan."
            else:
                out[key] = value
        elif q.kind == "multiple":
            values = value if isinstance(value, list) else [value]
            if not all(v in q.choices for v in values):
                errors[field_name] = "Pilih dari pilihan yang tersedia."
            else:
                out[key] = [c for c in q.choices if c in values]
        elif q.kind == "yesno":
            text = str(value).strip().lower()
            if value is True or text in YES:
                out[key] = True
            elif value is False or text in NO:
                out[key] = False
            else:
                errors[field_name] = "Pilih ya atau tidak."
        elif q.kind == "file":
            stored = value.get("file") if isinstance(value, dict) else None
            if not stored or stored not in trusted_files or not STORED_FILE.match(stored):
                errors[field_name] = "Unggah berkas melalui formulir pendaftaran."
            else:
                out[key] = {k: value[k] for k in ("file", "name", "type", "size") if k in value}
    return out


QUESTION_LIMITS = {"label": 300, "help_text": 500}


def add_question(event: Event, raw: dict, *, actor=None) -> RegistrationQuestion:
    """Add an extra question to the event's form."""
    errors = {}
    label = str(raw.get("label") or "").strip()
    help_text = str(raw.get("help_text") or "").strip()
    kind = str(raw.get("kind") or "")
    if not label:
        errors["label"] = "Wajib diisi."
    elif len(label) > 300:
        errors["label"] = "Maksimal 300 karakter."
    if len(help_text) > 500:
        errors["help_text"] = "Maksimal 500 karakter."
    if kind not in QUESTION_KINDS:
        errors["kind"] = "Pilih jenis pertanyaan."
    choices_raw = raw.get("choices") or []
    if isinstance(choices_raw, str):
        choices_raw = choices_raw.splitlines()
    choices = list(dict.fromkeys(str(c).strip() for c in choices_raw if str(c).strip()))
    if kind in ("single", "multiple"):
        if len(choices) < 2:
            errors["choices"] = "Tulis minimal dua pilihan, satu per baris."
        elif len(choices) > 50 or any(len(c) > 200 for c in choices):
            errors["choices"] = "Maksimal 50 pilihan, masing-masing 200 karakter."
    else:
        choices = []
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    position = (db.session.scalar(
        select(func.max(RegistrationQuestion.position)).where(RegistrationQuestion.event_id == event.id)
    ) or 0) + 1  # fmt: skip
    q = RegistrationQuestion(event_id=event.id, position=position, label=label, help_text=help_text, kind=kind,
                             choices=choices, required=raw.get("required") in (True, "y", "on", "1", "true"))  # fmt: skip
    db.session.add(q)
    db.session.flush()
    audit.record("registration.question_add", q, event_id=event.id, actor=actor, details={"label": label, "kind": kind})
    return q


def delete_question(q: RegistrationQuestion, *, actor=None) -> None:
    """Remove a question; answers already given stay with the registrations."""
    audit.record("registration.question_delete", q, event_id=q.event_id, actor=actor, details={"label": q.label})
    db.session.delete(q)
    db.session.flush()


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
    allow_waitlist: bool = True,
) -> Registration:
    """Insert a registration and settle its seat in the same transaction; flushes, never commits.

    The seat is taken by one conditional UPDATE: under any concurrency a mode is never oversold, and
    when it is full the registration goes to that mode's waitlist. Duplicates (email or NIP) are
    refused by the unique constraints on the INSERT, which comes before the seat is taken.
    """
    now = now or utcnow()
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
    pending = event.approval_required and source in ("form", "api")
    reg.status = "pending" if pending else "waitlisted"
    db.session.add(reg)
    try:
        db.session.flush()
    except IntegrityError as err:
        # A parallel twin won the unique constraint; the caller rolls the whole transaction back.
        raise Conflict("duplicate", DUPLICATE) from err
    audit.record("registration.create", reg, actor=actor, details={"mode": reg.mode, "source": source})
    db.session.flush()
    # The seat comes last: the event row stays locked only for this statement and the commit.
    if not pending and not confirm_with_seat(reg, now):
        if not allow_waitlist:
            raise Invalid("mode_full", MODE_FULL, fields={"mode": MODE_FULL})
    return reg


def confirm_with_seat(reg: Registration, now: datetime) -> bool:
    """Take a seat of the registration's mode and confirm it, or leave it as it is when the mode is full.

    On PostgreSQL the conditional seat UPDATE and the status change are one statement (a data-modifying
    CTE), so the event row is locked for one round trip plus the commit; elsewhere, two statements.
    """
    if db.engine.dialect.name != "postgresql":
        if not take_seat(reg.event_id, reg.mode):
            return False
        reg.status, reg.confirmed_at = "confirmed", now
        return True
    prefix = "onsite" if reg.mode == "onsite" else "online"  # one of two fixed column names
    stmt = text(
        f"WITH seat AS (UPDATE events SET {prefix}_taken = {prefix}_taken + 1 "  # noqa: S608
        f"WHERE id = :event_id AND {prefix}_taken < {prefix}_capacity RETURNING id) "
        "UPDATE registrations SET status = 'confirmed', confirmed_at = :now "
        "WHERE id = :reg_id AND EXISTS (SELECT 1 FROM seat) RETURNING id"
    ).bindparams(event_id=reg.event_id, now=now, reg_id=reg.id)
    if db.session.execute(stmt).first() is None:
        return False
    set_committed_value(reg, "status", "confirmed")
    set_committed_value(reg, "confirmed_at", now)
    return True


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
    lock(reg)
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


# --- Shared by the participant's manage page, the organizer pages and the API -------------------------------

ACTIVE_STATUSES = ("confirmed", "waitlisted", "pending")
MODE_LABELS = {"onsite": "Luring (tatap muka)", "online": "Daring (Zoom)"}
STATUS_LABELS = {
    "confirmed": "Terkonfirmasi",
    "waitlisted": "Daftar tunggu",
    "pending": "Menunggu persetujuan",
    "rejected": "Ditolak",
    "cancelled": "Dibatalkan",
}


def lock(reg: Registration) -> Registration:
    """Reload a registration with a row lock (PostgreSQL) so two clicks cannot both change its seat."""
    if reg.id is not None and db.engine.dialect.name == "postgresql":
        db.session.refresh(reg, with_for_update=True)
    return reg


def check_open(event: Event, now: datetime) -> None:
    """Refuse public registration outside the event's registration window."""
    if not event.registration_open(now):
        raise DomainError("registration_closed", "Pendaftaran untuk kegiatan ini tidak sedang dibuka.", status=409)


def register_participant(
    event: Event,
    raw: dict,
    *,
    now: datetime,
    ip: str | None,
    source: str = "form",
    allow_waitlist: bool = True,
    questions: list | None = None,
    trusted_files: frozenset[str] = frozenset(),
) -> Registration:
    """The public path (form and API): window, validation, duplicates, seat; flushes."""
    check_open(event, now)
    clean = validate_participant(event, raw, now=now, questions=questions, trusted_files=trusted_files)
    return create_registration(event, clean, now=now, source=source, ip=ip, actor="participant",
                               allow_waitlist=allow_waitlist)  # fmt: skip


def find_registered(event: Event, email: str, nip: str) -> Registration | None:
    """The registration an email or NIP belongs to (to re-send its manage link), or None."""
    email_key = (email or "").strip().lower()
    nip_digits = "".join(ch for ch in (nip or "") if ch in "0123456789")
    conds = []
    if email_key:
        conds.append(Registration.email_key == email_key)
    if len(nip_digits) == 18:
        conds.append(Registration.nip == nip_digits)
    if not conds:
        return None
    return db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, or_(*conds)).limit(1)
    ).first()


def ticket_text(reg: Registration) -> str | None:
    """The signed QR text for an on-site confirmed registration (no personal data), else None."""
    event = reg.event
    if reg.mode != "onsite" or reg.status != "confirmed" or not event.ticket_private_key:
        return None
    return encode_ticket(event.ticket_private_key, event.id, bytes.fromhex(reg.ticket_id), TicketMode.ONSITE)


def reissue_ticket(reg: Registration, *, now: datetime | None = None, actor=None) -> Registration:
    """Give the registration a new ticket id: every earlier QR of it stops working."""
    old = reg.ticket_id
    reg.ticket_id, reg.ticket_issued_at = new_ticket_id(), now or utcnow()
    audit.record("registration.ticket_reissue", reg, actor=actor, details={"old_ticket": old[:6]})
    db.session.flush()
    return reg


def update_name(reg: Registration, raw_name: str, *, actor=None) -> Registration:
    """Correct the name printed on the certificate (kept exactly as typed, NFC)."""
    if reg.status in ("cancelled", "rejected"):
        raise DomainError("inactive", "Pendaftaran ini sudah tidak aktif.", status=409)
    try:
        name = normalize_person_name(raw_name or "")
    except PersonNameError as err:
        raise Invalid("invalid", err.message, fields={"full_name": err.message}) from err
    if name != reg.full_name:
        audit.record("registration.name_change", reg, actor=actor, details={"from": reg.full_name, "to": name})
        reg.full_name, reg.name_key = name, name_search_key(name)
        db.session.flush()
    return reg


def switch_mode(reg: Registration, mode: str, *, now: datetime | None = None, actor=None) -> Registration | None:
    """Move a registration to the other mode, seat first; returns whoever got the freed seat.

    A confirmed participant keeps their seat unless the other mode has one free: the new seat is taken
    before the old one is released, all in one transaction.
    """
    now = now or utcnow()
    lock(reg)
    event = reg.event
    if reg.status not in ACTIVE_STATUSES:
        raise DomainError("inactive", "Pendaftaran ini sudah tidak aktif.", status=409)
    if mode not in event.modes or mode == reg.mode:
        raise Invalid("invalid", "Pilih cara mengikuti yang lain.", fields={"mode": "Pilih cara mengikuti yang lain."})
    old, promoted = reg.mode, None
    if reg.status == "confirmed":
        if not take_seat(event.id, mode):
            msg = "Kursi untuk cara mengikuti ini sudah penuh."
            raise Conflict("mode_full", msg, fields={"mode": msg})
        release_seat(event.id, old)
        reg.mode = mode
        db.session.flush()
        promoted = promote_waitlist(event, old, now=now)
    elif reg.status == "waitlisted":
        reg.mode = mode
        if take_seat(event.id, mode):
            reg.status, reg.confirmed_at = "confirmed", now
    else:
        reg.mode = mode
    reg.ticket_id, reg.ticket_issued_at = new_ticket_id(), now  # the mode is inside the QR
    audit.record("registration.mode_change", reg, actor=actor, details={"from": old, "to": mode, "status": reg.status})
    db.session.flush()
    return promoted


def approve(reg: Registration, *, now: datetime | None = None, actor=None) -> Registration:
    """Approve a pending registration: a seat if one is free, else the waitlist."""
    now = now or utcnow()
    lock(reg)
    if reg.status != "pending":
        raise DomainError(
            "not_pending", "Hanya pendaftaran yang menunggu persetujuan yang dapat disetujui.", status=409
        )
    if take_seat(reg.event_id, reg.mode):
        reg.status, reg.confirmed_at = "confirmed", now
    else:
        reg.status = "waitlisted"
    audit.record("registration.approve", reg, actor=actor, details={"status": reg.status})
    db.session.flush()
    return reg


def reject(reg: Registration, *, now: datetime | None = None, actor=None, reason: str = "") -> Registration:
    """Reject a pending or waitlisted registration (a confirmed one is cancelled instead)."""
    lock(reg)
    if reg.status not in ("pending", "waitlisted"):
        raise DomainError("not_rejectable", "Hanya pendaftaran yang menunggu atau di daftar tunggu yang dapat ditolak.",
                          status=409)  # fmt: skip
    reg.status, reg.cancelled_at = "rejected", now or utcnow()
    audit.record("registration.reject", reg, actor=actor, details={"reason": reason[:500]} if reason else {})
    db.session.flush()
    return reg


def promote(reg: Registration, *, now: datetime | None = None, actor=None) -> Registration:
    """Give a seat to this waitlisted registration (the organizer's choice, not queue order)."""
    lock(reg)
    if reg.status != "waitlisted":
        raise DomainError("not_waitlisted", "Pendaftaran ini tidak berada di daftar tunggu.", status=409)
    if not take_seat(reg.event_id, reg.mode):
        raise Conflict("mode_full", "Kursi untuk cara mengikuti ini sudah penuh.")
    reg.status, reg.confirmed_at = "confirmed", now or utcnow()
    audit.record("registration.promote", reg, actor=actor, details={"mode": reg.mode, "manual": True})
    db.session.flush()
    return reg


STAFF_EDITABLE = tuple(f for f in PARTICIPANT_FIELDS if f not in ("mode", "consent"))


def staff_update(reg: Registration, raw: dict, *, now: datetime | None = None, actor=None) -> Registration:
    """Correct a participant's data (organizer); the same checks as the form, all fields at once."""
    now = now or utcnow()
    current = {name: getattr(reg, name) for name in STAFF_EDITABLE}
    current["nip"] = current["nip"] or ""
    current["mode"] = reg.mode
    merged = {**current, **{k: v for k, v in raw.items() if k in STAFF_EDITABLE}}
    kept_files = frozenset(v["file"] for v in (reg.answers or {}).values() if isinstance(v, dict) and "file" in v)
    clean = validate_participant(reg.event, merged, now=now, require_consent=False, trusted_files=kept_files)
    if find_duplicate(reg.event_id, clean.email, clean.nip, exclude_id=reg.id):
        raise Conflict("duplicate", DUPLICATE)
    changed = []
    for name in STAFF_EDITABLE:
        value = getattr(clean, name)
        if getattr(reg, name) != value:
            setattr(reg, name, value)
            changed.append(name)
    if changed:
        reg.name_key, reg.email_key = name_search_key(reg.full_name), reg.email.lower()
        audit.record("registration.update", reg, actor=actor, details={"fields": changed})
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError as err:
            raise Conflict("duplicate", DUPLICATE) from err
    return reg


def request_deletion(reg: Registration, note: str = "", *, ip: str | None = None) -> DataRequest:
    """Record a participant's deletion request (UU PDP) for the organizer; one open request at a time."""
    open_request = db.session.scalar(
        select(DataRequest).where(DataRequest.registration_id == reg.id, DataRequest.status == "open")
    )
    if open_request is not None:
        return open_request
    req = DataRequest(registration_id=reg.id, event_id=reg.event_id, kind="deletion", note=(note or "")[:2000], ip=ip)
    db.session.add(req)
    audit.record("registration.deletion_request", reg, actor="participant")
    db.session.flush()
    return req


def close_data_request(req: DataRequest, *, status: str, actor) -> DataRequest:
    """The organizer grants or refuses a request; a granted deletion erases the participant's personal data."""
    if status not in ("done", "refused"):
        raise Invalid("invalid", "Status permintaan tidak dikenal.")
    req.status, req.handled_at, req.handled_by_id = status, utcnow(), getattr(actor, "id", None)
    audit.record("registration.data_request_" + status, req.registration, actor=actor)
    if status == "done" and req.kind == "deletion":
        from bimtek.registration.privacy import erase_registration

        erase_registration(req.registration, actor=actor, reason="permintaan penghapusan peserta")
    db.session.flush()
    return req


def _actor_kind(row) -> str:
    if row.actor_label == "participant":
        return "peserta"
    if row.actor_user_id:
        return "panitia"
    return "sistem" if row.actor_label in ("system", "demo") else row.actor_label


def my_data(reg: Registration) -> dict:
    """Everything stored about a participant, with its processing history (UU PDP right of access)."""
    audit.record("registration.data_download", reg, actor="participant")
    data = {name: getattr(reg, name) for name in PARTICIPANT_FIELDS if name != "consent"}
    data.update(
        code=reg.code,
        status=reg.status,
        event={"title": reg.event.title, "code": reg.event.code},
        consent={"version": reg.consent_version, "at": _iso(reg.consent_at), "ip": reg.consent_ip},
        created_at=_iso(reg.created_at),
        confirmed_at=_iso(reg.confirmed_at),
        cancelled_at=_iso(reg.cancelled_at),
        source=reg.source,
    )
    data["history"] = [
        {"at": _iso(row.at), "action": row.action, "by": _actor_kind(row), "details": _public_details(row)}
        for row in audit.history("registration", reg.id)
    ]
    return data


def _public_details(row) -> dict:
    # Staff emails and internal notes stay internal; what was done and the seat outcome are the subject's.
    return {k: v for k, v in (row.details or {}).items() if k in ("status", "mode", "from", "to", "fields", "source")}


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def registration_json(reg: Registration, *, private: bool = True) -> dict:
    """A registration as the API shows it to staff (private) or to the registrant (not private)."""
    out = {
        "id": reg.id,
        "event_id": reg.event_id,
        "code": reg.code,
        "status": reg.status,
        "mode": reg.mode,
        "full_name": reg.full_name,
        "created_at": _iso(reg.created_at),
    }
    if private:
        out.update({name: getattr(reg, name) for name in STAFF_EDITABLE})
        out.update(source=reg.source, confirmed_at=_iso(reg.confirmed_at), cancelled_at=_iso(reg.cancelled_at),
                   consent_version=reg.consent_version)  # fmt: skip
    return out


# --- Search ----------------------------------------------------------------------------------------------

SEARCH_FIELDS = ("auto", "name", "email", "nip", "institution", "code")
_TOP = "\U0010ffff"


def _prefix(col, prefix: str, *, collate: bool = True):
    """`col` starts with `prefix`, as an index-friendly range in code-point order."""
    if collate and db.engine.dialect.name == "postgresql":
        col = col.collate("C")
    return and_(col >= prefix, col < prefix + _TOP)


def _name_order():
    col = Registration.name_key
    return col.collate("C") if db.engine.dialect.name == "postgresql" else col


def search_conditions(event_id: int, args: dict) -> list:
    """WHERE conditions for the participant list: free text (by field) and filters."""
    conds = [Registration.event_id == event_id]
    q = (args.get("q") or "").strip()
    field = args.get("field") or "auto"
    if field not in SEARCH_FIELDS:
        field = "auto"
    if q:
        digits = "".join(ch for ch in q if ch.isascii() and ch.isdigit())
        code = normalize_code(q)
        if field == "auto":
            if "@" in q:
                field = "email"
            elif digits and len(digits) >= 3 and all(ch.isdigit() or ch in " .-" for ch in q):
                field = "nip"
        if field == "email":
            conds.append(_prefix(Registration.email_key, q.lower()))
        elif field == "nip":
            # Digits sort the same in every collation: the unique (event, NIP) index serves this.
            conds.append(_prefix(Registration.nip, digits or q, collate=False))
        elif field == "code":
            conds.append(Registration.code == (code or q.upper()))
        elif field == "institution":
            conds.append(_prefix(func.lower(Registration.institution_name), q.lower()))
        else:
            cond = _prefix(Registration.name_key, name_search_key(q))
            if field == "auto" and code:
                cond = or_(cond, Registration.code == code)
            conds.append(cond)
    for name, col, allowed in (
        ("status", Registration.status, STATUSES),
        ("mode", Registration.mode, MODES),
        ("institution_type", Registration.institution_type, INSTITUTION_TYPES),
    ):
        value = args.get(name)
        if value in allowed:
            conds.append(col == value)
    province = args.get("province_code")
    if province:
        conds.append(Registration.province_code == str(province))
    return conds


COUNT_CAP = 1_000


def search(event_id: int, args: dict, *, page: int = 1, per_page: int = 50) -> tuple[list[Registration], int]:
    """One page of the participant list (sorted by name) and the number of matches.

    The count stops at COUNT_CAP + 1 so a broad search stays fast at 100,000 registrations; a total above
    COUNT_CAP means "more than COUNT_CAP".
    """
    conds = search_conditions(event_id, args)
    rows = list(db.session.scalars(
        select(Registration).where(*conds).order_by(_name_order(), Registration.id)
        .limit(per_page).offset((page - 1) * per_page)
    ))  # fmt: skip
    if len(rows) < per_page and (rows or page == 1):
        return rows, (page - 1) * per_page + len(rows)  # the last page: no count query needed
    capped = select(Registration.id).where(*conds).limit(COUNT_CAP + 1).subquery()
    return rows, db.session.scalar(select(func.count()).select_from(capped)) or 0


def counts(event_id: int) -> dict[str, dict[str, int]]:
    """Registrations per status and mode: {"confirmed": {"onsite": 40, "online": 380}, ...}."""
    out: dict[str, dict[str, int]] = {s: {m: 0 for m in MODES} for s in STATUSES}
    rows = db.session.execute(
        select(Registration.status, Registration.mode, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.status, Registration.mode)
    )
    for status, mode, n in rows:
        out.setdefault(status, {}).setdefault(mode, 0)
        out[status][mode] = n
    return out
