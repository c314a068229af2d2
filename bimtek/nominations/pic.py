"""The PIC's side: nominate a person against the agency's quota, replace a nominee, upload the surat tugas.

A nomination is one transaction: the guarded UPDATE on the agency's counter (`used + 1 <= quota`) claims a
quota place, and registration's one door (`register`, channel "nomination") registers the nominee on the
seat the agency has held since it was invited, with the same validation, audit and emails as every door.
Only the agency's own row is locked, so agencies nominate in parallel; the event's seat counter is not
touched.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from werkzeug.utils import secure_filename

from bimtek.core import audit, outbox
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid, NotFound
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.nominations.models import InvitedAgency, Nomination
from bimtek.nominations.services import MODES, refuse_if_closed
from bimtek.registration import services as registration
from bimtek.registration.models import Registration

QUOTA_FULL = "Kuota instansi Anda untuk cara mengikuti ini sudah terpakai semua."
NO_QUOTA = "Instansi Anda tidak mendapat kuota untuk cara mengikuti ini."
DEFAULT_LETTER_MAX = 5 * 1024 * 1024


def _columns(mode: str):
    if mode == "onsite":
        return InvitedAgency.onsite_used, InvitedAgency.onsite_quota
    return InvitedAgency.online_used, InvitedAgency.online_quota


def _claim(agency_id: int, mode: str) -> bool:
    used, quota = _columns(mode)
    result = db.session.execute(
        update(InvitedAgency)
        .where(InvitedAgency.id == agency_id, InvitedAgency.released_at.is_(None), used + 1 <= quota)
        .values({used: used + 1})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _unclaim(agency_id: int, mode: str) -> None:
    used, _quota = _columns(mode)
    db.session.execute(
        update(InvitedAgency).where(InvitedAgency.id == agency_id, used > 0).values({used: used - 1})
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def person_data(agency: InvitedAgency, raw: dict) -> dict:
    """What the PIC typed, with the agency as the institution and its region when it has one."""
    data = dict(raw)
    # A nominee comes from the agency that nominates them, whatever else was posted.
    data["institution_name"] = agency.name
    data["institution_type"] = "diskominfo" if "kominfo" in agency.name.lower() else "lainnya"
    if agency.regency_code:
        data["province_code"], data["regency_code"] = agency.province_code, agency.regency_code
    elif agency.province_code and not data.get("province_code"):
        data["province_code"] = agency.province_code
    data["consent"] = False
    data["answers"] = {}
    return data


def nominate(agency: InvitedAgency, raw: dict, *, now: datetime | None = None, ip: str | None = None) -> Registration:
    """Nominate one person; Conflict when the quota is used up, 409 after the deadline; flushes."""
    now = now or utcnow()
    event = db.session.get(Event, agency.event_id)
    refuse_if_closed(event, agency, now)
    mode = str(raw.get("mode") or "")
    if not mode:
        raise Invalid("invalid", "Pilih cara mengikuti.", fields={"mode": "Pilih cara mengikuti."})
    if mode not in MODES or agency.quota(mode) == 0:
        raise Invalid("invalid", NO_QUOTA, fields={"mode": NO_QUOTA})
    if not _claim(agency.id, mode):
        raise Conflict("quota_full", QUOTA_FULL, fields={"mode": QUOTA_FULL})
    # The agency's seat was taken when it was invited: the "nomination" channel confirms on that held seat.
    reg = registration.register(event, person_data(agency, {**raw, "mode": mode}), channel="nomination", now=now,
                                ip=ip, actor=f"PIC {agency.name}"[:200])  # fmt: skip
    db.session.add(Nomination(event_id=event.id, agency_id=agency.id, registration_id=reg.id, mode=mode,
                              created_at=now))  # fmt: skip
    db.session.flush()
    return reg


def nomination_of(agency: InvitedAgency, registration_id: int) -> Nomination:
    """An active nomination of this agency; NotFound (404) for anyone else's."""
    nom = db.session.scalar(select(Nomination).where(Nomination.registration_id == registration_id,
                                                     Nomination.agency_id == agency.id,
                                                     Nomination.replaced_at.is_(None)))  # fmt: skip
    if nom is None:
        raise NotFound("not_found", "Nominasi tidak ditemukan.")
    return nom


def replace(agency: InvitedAgency, registration_id: int, raw: dict, *, now: datetime | None = None,
            ip: str | None = None) -> tuple[Registration, Registration]:  # fmt: skip
    """Cancel a nominee and nominate someone else in their place (any mode within quota); flushes.

    Returns (the cancelled registration, the new one). The old seat returns to the agency, not to the
    event's waitlist, before the new person takes a place.
    """
    now = now or utcnow()
    event = db.session.get(Event, agency.event_id)
    refuse_if_closed(event, agency, now)
    nom = nomination_of(agency, registration_id)
    old = db.session.get(Registration, nom.registration_id)
    if old.status in registration.ACTIVE_STATUSES:
        registration.transition(old, "cancel", now=now, actor=f"PIC {agency.name}"[:200],
                                reason="Diganti oleh PIC instansi", hand_on=False)  # fmt: skip
    # The agency holds its seat again: the one just freed, or (when the nominee had already cancelled and
    # their seat went back to the event) a free one, if there is one.
    if not registration.take_seat(event.id, nom.mode):
        msg = "Kursi kegiatan sudah penuh sehingga peserta ini tidak dapat diganti. Hubungi panitia."
        raise Conflict("full", msg)
    _unclaim(agency.id, nom.mode)
    nom.replaced_at = now
    db.session.flush()
    db.session.refresh(agency)
    new = nominate(agency, raw, now=now, ip=ip)
    audit.record("nomination.replace", new, actor=f"PIC {agency.name}"[:200], details={"replaced": old.id})
    return old, new


def letter_max_bytes() -> int:
    return int(current_app.config.get("NOMINATION_LETTER_MAX_BYTES", DEFAULT_LETTER_MAX))


def letter_dir(event_id: int) -> Path:
    return Path(current_app.instance_path) / "uploads" / "nominations" / str(event_id)


def letter_path(agency: InvitedAgency) -> Path | None:
    return letter_dir(agency.event_id) / agency.letter_stored if agency.letter_stored else None


def save_letter(agency: InvitedAgency, content: bytes, filename: str, *, now: datetime | None = None) -> None:
    """Keep the agency's surat tugas (one PDF for all its nominees; a new upload replaces it); flushes."""
    now = now or utcnow()
    event = db.session.get(Event, agency.event_id)
    if now >= as_utc(event.ends_at):  # a letter may still come after the nomination deadline
        raise DomainError("ended", "Kegiatan sudah selesai.", status=409)
    limit = letter_max_bytes()
    if not content:
        raise Invalid("empty", "Berkas kosong.", fields={"letter": "Berkas kosong."})
    if len(content) > limit:
        msg = "Berkas terlalu besar."
        raise DomainError("too_large", msg, status=413, fields={"letter": msg})
    if not content.startswith(b"%PDF-"):
        msg = "Surat tugas harus berupa berkas PDF."
        raise Invalid("type", msg, fields={"letter": msg})
    folder = letter_dir(agency.event_id)
    folder.mkdir(parents=True, exist_ok=True)
    old = letter_path(agency)
    name = f"{secrets.token_hex(16)}.pdf"
    (folder / name).write_bytes(content)
    agency.letter_stored, agency.letter_size, agency.letter_at = name, len(content), now
    agency.letter_name = secure_filename(filename or "")[:150] or "surat-tugas.pdf"
    audit.record("nomination.letter", agency, actor=f"PIC {agency.name}"[:200], details={"size": len(content)})
    db.session.flush()
    if old is not None:
        outbox.later(lambda: old.unlink(missing_ok=True), what="remove replaced surat tugas")
