"""Changes to one registration that are not about its status: name, ticket, staff corrections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.tickets import TicketMode, encode_ticket
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.registration.names import PersonNameError, name_search_key, normalize_person_name
from bimtek.registration.services import search_index
from bimtek.registration.services.register import DUPLICATE, find_duplicate, new_ticket_id
from bimtek.registration.services.validation import PARTICIPANT_FIELDS, validate_participant


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
        search_index.index(reg.id, reg.event_id, reg.full_name, reg.institution_name)
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
        search_index.index(reg.id, reg.event_id, reg.full_name, reg.institution_name)
    return reg
