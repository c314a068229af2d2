"""Checking what a participant typed: every field at once, the same for every door."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.reference import regions
from bimtek.registration.models import EMPLOYMENT_STATUSES, INSTITUTION_TYPES
from bimtek.registration.names import PersonNameError, normalize_person_name
from bimtek.registration.nip import NipError, normalize_nip
from bimtek.registration.phone import PhoneError, normalize_phone
from bimtek.registration.services.questions import event_questions

REQUIRED = "Wajib diisi."

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
    required = REQUIRED

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

    phone = _text(raw, "phone")
    if not phone:
        errors["phone"] = required
    else:
        try:
            phone = normalize_phone(phone)
        except PhoneError as err:
            errors["phone"] = err.message

    # Required, never guessed: a PNS left on an empty choice would silently lose their NIP.
    status = _text(raw, "employment_status")
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
    for name in ("position", "institution_name", "work_unit"):
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
