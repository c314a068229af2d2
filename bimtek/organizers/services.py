"""Organizer profiles: create, change, pick for an event. Flush, never commit; errors carry codes."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.core import audit
from bimtek.errors import Invalid, NotFound
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.organizers.logo import LogoError, check_logo
from bimtek.organizers.models import OrganizerProfile
from bimtek.registration.nip import STATUS_PPPK, NipError, normalize_nip

TEXT_FIELDS = ("name", "parent_line", "unit_line", "sub_unit_line", "address", "city", "phone", "website", "email",
               "head_title", "head_name", "chair_title", "chair_name")  # fmt: skip
NIP_FIELDS = ("head_nip", "chair_nip")


def _logo_message(code: str) -> str:
    return {
        "logo_size": _("Logo terlalu besar (maksimal 1 MB) atau kosong."),
        "logo_type": _("Logo harus berupa gambar PNG atau JPEG."),
        "logo_dimensions": _("Ukuran logo harus antara 16 dan 3.000 piksel per sisi."),
    }[code]


def _apply(profile: OrganizerProfile, values: dict, *, logo: bytes | None, remove_logo: bool, today: date) -> None:
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name in values:
            setattr(profile, name, (values[name] or "").strip())
    for name in NIP_FIELDS:
        raw = (values.get(name) or "").strip()
        if not raw:
            setattr(profile, name, "")
            continue
        try:
            # PPPK's rule is the looser one (year of appointment only): it accepts every real NIP.
            setattr(profile, name, normalize_nip(raw, STATUS_PPPK, today=today))
        except NipError:
            errors[name] = _("NIP harus 18 digit yang sah, misalnya 19660801 198803 1 001.")
    if not profile.name:
        errors["name"] = _("Wajib diisi.")
    if not profile.parent_line:
        errors["parent_line"] = _("Wajib diisi.")
    if remove_logo:
        profile.logo, profile.logo_type = None, ""
    elif logo:
        try:
            profile.logo_type = check_logo(logo)
            profile.logo = logo
        except LogoError as err:
            errors["logo"] = _logo_message(err.code)
    taken = db.session.scalar(
        select(OrganizerProfile.id).where(OrganizerProfile.name == profile.name, OrganizerProfile.id != profile.id)
    ) if profile.name else None  # fmt: skip
    if taken is not None:
        errors["name"] = _("Nama profil sudah dipakai.")
    if errors:
        raise Invalid("organizer_invalid", _("Periksa kembali isian yang ditandai."), fields=errors)


def create_profile(values: dict, *, logo: bytes | None = None, today: date, actor=None) -> OrganizerProfile:
    """A new organizer profile (admins and organizers)."""
    profile = OrganizerProfile(name="", parent_line="", chair_title="Ketua Panitia")
    _apply(profile, values, logo=logo, remove_logo=False, today=today)
    db.session.add(profile)
    db.session.flush()
    audit.record("organizer.created", profile, actor=actor, details={"name": profile.name})
    return profile


def update_profile(profile: OrganizerProfile, values: dict, *, logo: bytes | None = None, remove_logo: bool = False,
                   today: date, actor=None) -> OrganizerProfile:  # fmt: skip
    """Change a profile; every event that uses it prints the new kop from now on."""
    _apply(profile, values, logo=logo, remove_logo=remove_logo, today=today)
    db.session.flush()
    audit.record("organizer.updated", profile, actor=actor, details={"name": profile.name})
    return profile


def assign(event: Event, profile_id: int | None, *, actor=None) -> None:
    """Let an event print with this profile (None: no profile, the kop falls back to the event's unit)."""
    if profile_id is not None and db.session.get(OrganizerProfile, profile_id) is None:
        raise NotFound("organizer_not_found", _("Profil penyelenggara tidak ditemukan."))
    if event.organizer_profile_id != profile_id:
        event.organizer_profile_id = profile_id
        db.session.flush()
        audit.record("event.organizer_profile", event, event_id=event.id, actor=actor,
                     details={"organizer_profile_id": profile_id})  # fmt: skip
