"""The one door in: `register` (one person) and `register_many` (an import), for every channel.

The public form, the JSON API, the organizer's "add participant", a spreadsheet import and a walk-in at the
check-in desk all come here; what differs between them is stated once, in `bimtek.registration.channels`.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.codes import new_private_token, new_registration_code
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.channels import ChannelPolicy, policy
from bimtek.registration.models import Registration
from bimtek.registration.names import name_search_key
from bimtek.registration.services import search_index
from bimtek.registration.services.bulk import audit_many, bulk_insert
from bimtek.registration.services.seats import take_seats
from bimtek.registration.services.validation import RegistrationInput, validate_participant

CONSENT_VERSION = "2024-10-v1"
DUPLICATE = "Email atau NIP ini sudah terdaftar pada kegiatan ini."
MODE_FULL = "Kursi untuk cara mengikuti ini sudah penuh. Pilih cara lain, atau setujui masuk daftar tunggu."
WALKIN_FULL = "Kursi luring sudah penuh: peserta tidak dapat didaftarkan di tempat."


def new_ticket_id() -> str:
    """A fresh random ticket id (hex of 10 random bytes, as carried in the signed QR)."""
    return secrets.token_bytes(10).hex()


def check_open(event: Event, now: datetime) -> None:
    """Refuse registration outside the event's registration window."""
    if not event.registration_open(now):
        raise DomainError("registration_closed", "Pendaftaran untuk kegiatan ini tidak sedang dibuka.", status=409)


def register(
    event: Event,
    raw: dict,
    *,
    channel: str,
    now: datetime | None = None,
    ip: str | None = None,
    actor=None,
    accept_waitlist: bool = False,
    questions: list | None = None,
    trusted_files: frozenset[str] = frozenset(),
) -> Registration:
    """Register one person through a channel: window, validation, duplicates, approval, seat; flushes.

    `actor` defaults to "participant" for the self-service channels. `accept_waitlist` is the person's
    answer to "put me on the waitlist if the mode is full" (only asked where the policy says "ask").
    """
    rule = policy(channel)
    now = now or utcnow()
    if rule.window:
        check_open(event, now)
    clean = validate_participant(
        event,
        raw,
        now=now,
        require_consent=rule.consent,
        questions=questions if rule.questions else [],
        trusted_files=trusted_files,
    )
    return _insert_one(event, clean, rule, now=now, ip=ip, actor=actor or "participant",
                       accept_waitlist=accept_waitlist)  # fmt: skip


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
    """Insert already validated data through a channel's policy (seeders and tests); flushes, never commits."""
    rule = policy(source)
    return _insert_one(event, data, rule, now=now or utcnow(), ip=ip, actor=actor, accept_waitlist=allow_waitlist,
                       consent=consent)  # fmt: skip


def _values(event: Event, data: RegistrationInput, rule: ChannelPolicy, now: datetime, ip, consent: bool) -> dict:
    consent = consent and rule.consent
    return {
        "event_id": event.id, "code": new_registration_code(), "manage_token": new_private_token(),
        "ticket_id": new_ticket_id(), "ticket_issued_at": now, "mode": data.mode, "source": rule.source,
        "full_name": data.full_name, "name_key": name_search_key(data.full_name), "email": data.email,
        "email_key": data.email.lower(), "phone": data.phone, "employment_status": data.employment_status,
        "nip": data.nip, "rank": data.rank, "position": data.position, "institution_type": data.institution_type,
        "institution_name": data.institution_name, "work_unit": data.work_unit,
        "province_code": data.province_code, "regency_code": data.regency_code, "answers": data.answers,
        "consent_version": CONSENT_VERSION if consent else "", "consent_at": now if consent else None,
        "consent_ip": ip if consent else None, "created_at": now, "updated_at": now,
    }  # fmt: skip


def _created_details(rule: ChannelPolicy, reg_mode: str, status: str | None = None) -> dict:
    """What the audit log keeps of a new registration, the same for one person and for an import."""
    details = {"mode": reg_mode, "source": rule.source}
    if status is not None:
        details["status"] = status
    return details


def _insert_one(event, data, rule: ChannelPolicy, *, now, ip, actor, accept_waitlist: bool, consent: bool = True):
    """Insert, audit, then settle the seat: the INSERT (and its unique constraints) comes before the seat."""
    pending = rule.approval and event.approval_required
    # Written as it will most often end (confirmed), so the common case needs no second UPDATE of the row;
    # a full mode turns it to waitlisted (or refuses) below, inside the same transaction.
    reg = Registration(
        **_values(event, data, rule, now, ip, consent),
        status="pending" if pending else "confirmed",
        confirmed_at=None if pending else now,
    )
    db.session.add(reg)
    try:
        db.session.flush()
    except IntegrityError as err:
        # A parallel twin won the unique constraint; the caller rolls the whole transaction back.
        raise Conflict("duplicate", DUPLICATE) from err
    audit.record("registration.create", reg, actor=actor, details=_created_details(rule, reg.mode))
    search_index.index(reg.id, event.id, reg.full_name, reg.institution_name, new=True)
    if pending:
        db.session.flush()
        return reg
    # The seat comes last: the event row stays locked only from this statement to the commit.
    if rule.held or take_seats(event.id, reg.mode, 1):
        db.session.flush()
        return reg
    if rule.when_full == "refuse":
        raise Conflict("full", WALKIN_FULL)
    if rule.when_full == "ask" and not accept_waitlist:
        raise Invalid("mode_full", MODE_FULL, fields={"mode": MODE_FULL})
    reg.status, reg.confirmed_at = "waitlisted", None
    db.session.flush()
    return reg


def register_many(
    event: Event, rows: list[RegistrationInput], *, channel: str = "import", actor, now: datetime | None = None
) -> dict:
    """Insert many validated people through a channel (an import); seats first come, first served; flushes.

    The same policy as `register` (approval makes them pending and takes no seat), the same seat allocator
    (one conditional UPDATE per mode for the whole batch) and the same audit row per registration.
    Returns counts per status and the new ids in input order.
    """
    rule = policy(channel)
    now = now or utcnow()
    result = {"confirmed": 0, "waitlisted": 0, "pending": 0}
    pending = rule.approval and event.approval_required
    grants = {"onsite": 0, "online": 0}
    if not pending:
        for mode in grants:
            wanted = sum(1 for c in rows if c.mode == mode)
            grants[mode] = take_seats(event.id, mode, wanted) if wanted else 0
    values = []
    for c in rows:
        row = _values(event, c, rule, now, None, consent=False)
        if pending:
            row.update(status="pending", confirmed_at=None)
        elif grants[c.mode] > 0:
            grants[c.mode] -= 1
            row.update(status="confirmed", confirmed_at=now)
        else:
            row.update(status="waitlisted", confirmed_at=None)
        result[row["status"]] += 1
        values.append(row)
    result["registration_ids"] = []
    if not values:
        return result
    bulk_insert(Registration.__table__, values)
    ids: dict[str, int] = {}
    tokens = [v["manage_token"] for v in values]
    for start in range(0, len(tokens), 1000):
        chunk = tokens[start : start + 1000]
        query = select(Registration.manage_token, Registration.id).where(Registration.manage_token.in_(chunk))
        ids.update((token, rid) for token, rid in db.session.execute(query))
    audit_many(
        "registration.create", "registration", event_id=event.id, actor=actor,
        rows=[(ids[v["manage_token"]], _created_details(rule, v["mode"], v["status"])) for v in values],
    )  # fmt: skip
    search_index.index_many([(ids[v["manage_token"]], event.id, v["full_name"], v["institution_name"]) for v in values])
    db.session.flush()
    result["registration_ids"] = [ids[v["manage_token"]] for v in values]
    return result


def find_duplicate(event_id: int, email: str, nip: str | None, exclude_id: int | None = None) -> Registration | None:
    """An active registration of the same email or NIP in the event."""
    cond = Registration.email_key == email.lower()
    if nip:
        cond = cond | (Registration.nip == nip)
    q = select(Registration).where(Registration.event_id == event_id, cond)
    if exclude_id:
        q = q.where(Registration.id != exclude_id)
    return db.session.scalars(q.limit(1)).first()


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


def registrations_by_email(email: str) -> list[Registration]:
    """Every registration made with an email address (any event), newest event first, for "Lupa tautan?"."""
    email_key = (email or "").strip().lower()
    if not email_key:
        return []
    return list(
        db.session.scalars(
            select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.email_key == email_key)
            .order_by(Event.starts_at.desc(), Registration.id)
        )
    )
