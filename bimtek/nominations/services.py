"""The organizer's side of nominations: intake settings, invited agencies and their quotas, private links,
invitations and reminders, and handing unused seats back to open registration at the deadline.

An agency's quota is held as seats of the event (registration's one seat allocator takes them when the
agency is invited), so open registration never sees them; see models.py. Services flush and never commit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.nominations.models import INTAKES, InvitedAgency, Nomination, NominationSettings
from bimtek.reference import regions
from bimtek.registration import services as registration
from bimtek.registration.phone import PhoneError, normalize_phone

MODES = ("onsite", "online")
MAX_QUOTA = 10_000
CHECK_FIELDS = "Periksa kembali isian yang ditandai."
NO_SEATS = "Kursi kegiatan tidak cukup untuk kuota ini. Tambah kapasitas kegiatan atau kurangi kuota."


# --- settings ---------------------------------------------------------------------------------------------


def settings_for(event_id: int) -> NominationSettings | None:
    return db.session.get(NominationSettings, event_id)


def configure(event: Event, intake: str, deadline: datetime | None, auto_release: bool, *, user) -> None:
    """Set who may take seats (open form, nominations, both) and the nominations' deadline."""
    if intake not in INTAKES:
        raise Invalid("invalid", CHECK_FIELDS, fields={"intake": "Pilih cara penerimaan peserta."})
    if intake != "open" and deadline is None:
        raise Invalid("invalid", CHECK_FIELDS, fields={"deadline": "Isi batas waktu nominasi."})
    if deadline is not None and as_utc(deadline) >= as_utc(event.ends_at):
        raise Invalid(
            "invalid", CHECK_FIELDS, fields={"deadline": "Batas waktu nominasi harus sebelum kegiatan selesai."}
        )
    settings = settings_for(event.id) or NominationSettings(event_id=event.id)
    settings.deadline, settings.auto_release = deadline, auto_release
    db.session.add(settings)
    event.intake = intake
    audit.record("nomination.settings", event, actor=user, event_id=event.id,
                 details={"intake": intake, "deadline": deadline.isoformat() if deadline else None})  # fmt: skip
    db.session.flush()


def deadline_passed(event_id: int, now: datetime) -> bool:
    settings = settings_for(event_id)
    if settings is None:
        return False
    if settings.released_at is not None:
        return True
    return settings.deadline is not None and now > as_utc(settings.deadline)


# --- the private link -------------------------------------------------------------------------------------


def _derive(agency: InvitedAgency) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"nomination:{agency.id}:{agency.token_nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(agency: InvitedAgency) -> str:
    """A fresh private token for the agency (the previous link stops working); only its hash is stored."""
    db.session.flush()
    agency.token_nonce = secrets.token_hex(16)
    token = _derive(agency)
    agency.token_hash = token_hash(token)
    db.session.flush()
    return token


def link_token(agency: InvitedAgency) -> str | None:
    """The agency's current token, re-derived from the app secret (None if none was issued or the key changed)."""
    if not agency.token_hash:
        return None
    token = _derive(agency)
    return token if hmac.compare_digest(token_hash(token), agency.token_hash) else None


def agency_by_token(token: str) -> InvitedAgency | None:
    if not token or len(token) > 64:
        return None
    query = select(InvitedAgency).where(InvitedAgency.token_hash == token_hash(token))
    return db.session.scalar(query.execution_options(populate_existing=True))


# --- agencies ---------------------------------------------------------------------------------------------


def _quota(value: object) -> int:
    text = str(value if value is not None else "").strip() or "0"
    number = float(text.replace(",", "."))
    if number != int(number) or not 0 <= number <= MAX_QUOTA:
        raise ValueError
    return int(number)


def clean_agency(raw: dict) -> dict:
    """Check an agency's fields (all errors at once): name, quotas per mode, PIC name, email and WhatsApp."""
    errors: dict[str, str] = {}
    out: dict = {"name": " ".join(str(raw.get("name") or "").split())[:300]}
    if not out["name"]:
        errors["name"] = "Wajib diisi."
    for mode in MODES:
        try:
            out[f"{mode}_quota"] = _quota(raw.get(f"{mode}_quota"))
        except (TypeError, ValueError):
            errors[f"{mode}_quota"] = "Isi dengan bilangan bulat 0 atau lebih."
    if not errors and out["onsite_quota"] + out["online_quota"] == 0:
        errors["onsite_quota"] = "Beri kuota sekurang-kurangnya satu orang."
    out["pic_name"] = " ".join(str(raw.get("pic_name") or "").split())[:150]
    email = str(raw.get("pic_email") or "").strip()
    out["pic_email"] = ""
    if email:
        try:
            out["pic_email"] = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["pic_email"] = "Alamat email tidak valid."
    phone = str(raw.get("pic_phone") or "").strip()
    out["pic_phone"] = ""
    if phone:
        try:
            out["pic_phone"] = normalize_phone(phone)
        except PhoneError as err:
            errors["pic_phone"] = err.message
    out["province_code"], out["regency_code"] = "", ""
    code = str(raw.get("region_code") or "").strip()
    if code:
        try:
            if "." in code:
                out["regency_code"], out["province_code"] = code, regions.regency(code).province_code
            else:
                out["province_code"] = regions.province(code).code
        except regions.RegionError:
            errors["region_code"] = "Kode wilayah tidak dikenal."
    if errors:
        raise Invalid("invalid", CHECK_FIELDS, fields=errors)
    return out


def _reserve(event: Event, mode: str, n: int) -> None:
    if n > 0 and registration.take_seats(event.id, mode, n) != n:
        raise Conflict("no_seats", NO_SEATS, fields={f"{mode}_quota": NO_SEATS})


def _give_back(event: Event, mode: str, n: int) -> None:
    registration.release_seat(event.id, mode, n)


def add_agency(event: Event, clean: dict, *, user) -> InvitedAgency:
    """Invite one agency: its row first (a twin name fails here), then its quota's seats; flushes."""
    agency = InvitedAgency(event_id=event.id, **clean)
    try:
        with db.session.begin_nested():
            db.session.add(agency)
            db.session.flush()
    except IntegrityError as err:
        raise Conflict(
            "duplicate", "Instansi ini sudah diundang.", fields={"name": "Instansi ini sudah diundang."}
        ) from err
    for mode in MODES:
        _reserve(event, mode, agency.quota(mode))
    audit.record("nomination.agency_add", agency, actor=user,
                 details={"onsite_quota": agency.onsite_quota, "online_quota": agency.online_quota})  # fmt: skip
    return agency


def region_agencies(province_code: str, *, province: bool, regencies: bool) -> list[dict]:
    """ "Dinas Kominfo <name>" for the province and/or each of its kabupaten/kota."""
    prov = regions.province(province_code)
    out = []
    if province:
        out.append({"name": f"Dinas Kominfo Provinsi {prov.name}", "region_code": prov.code})
    if regencies:
        for r in regions.regencies(prov.code):
            out.append({"name": f"Dinas Kominfo {r.name}", "region_code": r.code})
    return out


def add_many(event: Event, raws: list[dict], *, user) -> dict:
    """Invite many agencies (a region pick or an import); already invited names are skipped. All or nothing."""
    existing = set(db.session.scalars(select(func.lower(InvitedAgency.name)).where(InvitedAgency.event_id == event.id)))
    added = skipped = 0
    for raw in raws:
        clean = clean_agency(raw)
        if clean["name"].lower() in existing:
            skipped += 1
            continue
        existing.add(clean["name"].lower())
        add_agency(event, clean, user=user)
        added += 1
    db.session.flush()
    return {"added": added, "skipped": skipped}


def update_agency(agency: InvitedAgency, clean: dict, *, user) -> None:
    """Change an agency's name, PIC or quotas; a quota never drops below the people already nominated."""
    event = db.session.get(Event, agency.event_id)
    locked = _locked(agency)
    for mode in MODES:
        new, old = clean[f"{mode}_quota"], locked.quota(mode)
        if new == old:
            continue
        if locked.released_at is not None:
            msg = "Kursi yang tidak terpakai sudah dilepas; kuota tidak dapat diubah lagi."
            raise Conflict("released", msg, fields={f"{mode}_quota": msg})
        if new < locked.used(mode):
            msg = "Kuota tidak boleh kurang dari jumlah peserta yang sudah dinominasikan."
            raise Invalid("invalid", CHECK_FIELDS, fields={f"{mode}_quota": msg})
        if new > old:
            _reserve(event, mode, new - old)
        else:
            _give_back(event, mode, old - new)
    for key, value in clean.items():
        setattr(locked, key, value)
    audit.record("nomination.agency_update", locked, actor=user,
                 details={"onsite_quota": locked.onsite_quota, "online_quota": locked.online_quota})  # fmt: skip
    db.session.flush()


def _locked(agency: InvitedAgency) -> InvitedAgency:
    """The agency row, locked and re-read (its counters move by UPDATE statements of parallel nominations)."""
    query = select(InvitedAgency).where(InvitedAgency.id == agency.id).with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))


def remove_agency(agency: InvitedAgency, *, user) -> None:
    """Withdraw an invitation: its unused seats go back to the event; nominees keep their registrations."""
    event = db.session.get(Event, agency.event_id)
    agency = _locked(agency)
    if agency.released_at is None:
        for mode in MODES:
            _give_back(event, mode, agency.quota(mode) - agency.used(mode))
    audit.record("nomination.agency_remove", agency, actor=user, details={"name": agency.name})
    db.session.delete(agency)
    db.session.flush()


def agencies(event_id: int) -> list[InvitedAgency]:
    # Fresh rows: the counters change by UPDATE statements, not through these objects.
    query = select(InvitedAgency).where(InvitedAgency.event_id == event_id).order_by(InvitedAgency.name)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def get_agency(event_id: int, agency_id: int) -> InvitedAgency | None:
    agency = db.session.get(InvitedAgency, agency_id)
    return agency if agency is not None and agency.event_id == event_id else None


def laggards(event_id: int) -> list[InvitedAgency]:
    """Agencies with an email that have not filled their quota, while nominations are still open."""
    return [a for a in agencies(event_id) if a.pic_email and a.released_at is None and a.used_total < a.quota_total]


# --- the deadline -----------------------------------------------------------------------------------------


def release_unused(event: Event, *, now: datetime | None = None, actor=None) -> dict:
    """Hand every agency's unused seats back to the event, open the public form, and seat waiting people.

    Returns the seats released per mode and the ids of the people seated from the waitlist (the caller
    emails them after its commit).

    Each agency row is claimed by one guarded UPDATE (released_at IS NULL), so a nomination racing the
    release either lands before it (and counts as used) or is refused after it.
    """
    now = now or utcnow()
    released = {"onsite": 0, "online": 0, "promoted": 0}
    promoted_ids: list[int] = []
    ids = [a.id for a in agencies(event.id)]
    for agency_id in ids:
        claimed = db.session.execute(
            update(InvitedAgency).where(InvitedAgency.id == agency_id, InvitedAgency.released_at.is_(None))
            .values(released_at=now).execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        if claimed != 1:
            continue
        agency = db.session.scalar(select(InvitedAgency).where(InvitedAgency.id == agency_id)
                                   .execution_options(populate_existing=True))  # fmt: skip
        for mode in MODES:
            unused = agency.quota(mode) - agency.used(mode)
            _give_back(event, mode, unused)
            released[mode] += unused
    settings = settings_for(event.id) or NominationSettings(event_id=event.id, deadline=now)
    settings.released_at = now
    db.session.add(settings)
    if event.intake == "nomination":
        event.intake = "both"
    db.session.flush()
    for mode in MODES:
        for _ in range(released[mode]):
            promoted = registration.promote_waitlist(event, mode, now=now)
            if promoted is None:
                break
            promoted_ids.append(promoted.id)
    released["promoted"] = len(promoted_ids)
    audit.record("nomination.release", event, actor=actor or "system", event_id=event.id, details=released)
    db.session.flush()
    return {**released, "promoted_ids": promoted_ids}


def due_for_release(now: datetime) -> list[int]:
    """Events whose nomination deadline has passed, set to release by themselves, not released yet."""
    return list(db.session.scalars(select(NominationSettings.event_id).where(
        NominationSettings.auto_release.is_(True), NominationSettings.released_at.is_(None),
        NominationSettings.deadline.is_not(None), NominationSettings.deadline < now)))  # fmt: skip


def active_nominations(agency_id: int) -> list[Nomination]:
    return list(db.session.scalars(select(Nomination).where(Nomination.agency_id == agency_id,
                                                            Nomination.replaced_at.is_(None))
                                   .order_by(Nomination.created_at, Nomination.id)))  # fmt: skip


def refuse_if_closed(event: Event, agency: InvitedAgency, now: datetime) -> None:
    """Nominations end at the deadline, at the release of unused seats, and in any case when the event ends."""
    ended = now >= as_utc(event.ends_at)
    if ended or agency.released_at is not None or deadline_passed(event.id, now):
        raise DomainError("deadline_passed", "Batas waktu nominasi sudah lewat. Hubungi panitia bila masih perlu "
                          "mengubah nominasi.", status=409)  # fmt: skip
