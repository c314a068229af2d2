"""The check-in log as the organizer's pages and the scanner read it: slots, counts, who is missing,
the log, desk search and the offline scanner's sync data (their JSON shapes: bimtek.checkin.schemas)."""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from bimtek.checkin.models import CheckIn, slot_key
from bimtek.checkin.services.scanning import local_day
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.registration.queries import find_participants


def event_days(event: Event) -> list[date]:
    """Every calendar day the event spans, at the venue."""
    first, last = local_day(event.starts_at, event.timezone), local_day(event.ends_at, event.timezone)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class Slot:
    """A session or a whole day that people check in to."""

    key: str
    label: str
    session_id: int | None
    day: date
    starts_at: datetime | None = None


def slots(event: Event) -> list[Slot]:
    """The event's days (check-in per day) followed by its sessions (check-in per session)."""
    out = [Slot(slot_key(None, d), d.isoformat(), None, d) for d in event_days(event)]
    for s in event.sessions:
        out.append(Slot(slot_key(s.id, local_day(s.starts_at, event.timezone)), s.title, s.id,
                        local_day(s.starts_at, event.timezone), as_utc(s.starts_at)))  # fmt: skip
    return out


def parse_slot(event: Event, key: str | None) -> Slot:
    """The Slot for a key from a query string, defaulting to the first day."""
    all_slots = slots(event)
    for s in all_slots:
        if s.key == key:
            return s
    if key and key.startswith("d"):
        # A day outside the event's dates can still hold scans (a rehearsal, a device with a wrong date).
        try:
            day = date.fromisoformat(key[1:])
            return Slot(slot_key(None, day), day.isoformat(), None, day)
        except ValueError:
            pass
    if key:
        raise Invalid("invalid", "Sesi atau hari tidak dikenal.", fields={"slot": "Tidak dikenal."})
    return all_slots[0]


def _slot_filter(slot: Slot):
    if slot.session_id:
        return CheckIn.session_id == slot.session_id
    return and_(CheckIn.session_id.is_(None), CheckIn.day == slot.day)


def admitted_ids(event: Event, slot: Slot) -> dict[int, CheckIn]:
    """Registration id -> the admitting log row, for one session or day."""
    rows = db.session.scalars(
        select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.admit_key.is_not(None), _slot_filter(slot))
    ).all()
    return {r.registration_id: r for r in rows}


def stats(event: Event, *, bucket_minutes: int = 15) -> dict:
    """Counts for the live view and the API: admitted per session/day and mode, arrivals over time."""
    zone = ZoneInfo(event.timezone)
    expected = dict(
        db.session.execute(
            select(Registration.mode, func.count())
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .group_by(Registration.mode)
        ).all()
    )
    rows = db.session.execute(
        select(CheckIn.session_id, CheckIn.day, CheckIn.scanned_at, Registration.mode)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.event_id == event.id, CheckIn.admit_key.is_not(None))
    ).all()
    flagged = db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event.id, CheckIn.flagged.is_(True))
    )
    per_slot: dict[str, Counter] = {}
    arrivals: dict[str, Counter] = {}
    for session_id, day, scanned_at, mode in rows:
        key = slot_key(session_id, day)
        per_slot.setdefault(key, Counter())[mode] += 1
        local = as_utc(scanned_at).astimezone(zone)
        bucket = local.replace(minute=local.minute - local.minute % bucket_minutes, second=0, microsecond=0)
        arrivals.setdefault(key, Counter())[bucket] += 1
    out = []
    known = slots(event)
    # Scans on a day outside the event's dates (an early rehearsal, a wrong device clock) still show up.
    extra_days = sorted({k for k in per_slot if k.startswith("d")} - {s.key for s in known})
    known += [Slot(k, k[1:], None, date.fromisoformat(k[1:])) for k in extra_days]
    for s in known:
        counts = per_slot.get(s.key, Counter())
        out.append({
            "key": s.key,
            "label": s.label,
            "session_id": s.session_id,
            "day": s.day.isoformat(),
            "checked_in": {"onsite": counts["onsite"], "online": counts["online"], "total": sum(counts.values())},
            "arrivals": [{"at": b.isoformat(), "count": n} for b, n in sorted(arrivals.get(s.key, {}).items())],
        })  # fmt: skip
    return {
        "event_id": event.id,
        "expected": {"onsite": expected.get("onsite", 0), "online": expected.get("online", 0)},
        "slots": out,
        "flagged": flagged or 0,
    }


def missing(event: Event, slot: Slot) -> list[Registration]:
    """Confirmed on-site registrations not yet admitted to a session or day, by name."""
    admitted = select(CheckIn.registration_id).where(
        CheckIn.event_id == event.id, CheckIn.admit_key.is_not(None), _slot_filter(slot)
    )
    return db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == "confirmed",
            Registration.mode == "onsite",
            Registration.id.not_in(admitted),
        )
        .order_by(Registration.name_key)
    ).all()


def log_query(event: Event, *, slot: Slot | None = None, flagged: bool = False):
    """The event's check-in log, newest first."""
    q = select(CheckIn).where(CheckIn.event_id == event.id)
    if slot is not None:
        q = q.where(_slot_filter(slot))
    if flagged:
        q = q.where(CheckIn.flagged.is_(True))
    return q.order_by(CheckIn.scanned_at.desc(), CheckIn.id.desc())


def search(event: Event, text: str, limit: int = 20) -> list[Registration]:
    """Registrations by code, or by the start of any word of the name or instansi, for the desk when a QR
    won't read: the participant list's own search (registration.queries.find_participants)."""
    return find_participants(event.id, text, limit=limit)


def sync_data(event: Event, *, now: datetime | None = None) -> dict:
    """What an offline scanner needs: the public key, who holds a usable ticket, which tickets are refused,
    and who is already admitted (so another device's admits also show as "sudah check-in")."""
    now = now or utcnow()
    regs = db.session.execute(
        select(
            Registration.ticket_id,
            Registration.code,
            Registration.full_name,
            Registration.institution_name,
            Registration.mode,
            Registration.status,
        ).where(Registration.event_id == event.id)  # fmt: skip
    ).all()
    admitted = db.session.execute(
        select(Registration.ticket_id, CheckIn.session_id, CheckIn.day)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.event_id == event.id, CheckIn.admit_key.is_not(None))
    ).all()
    return {
        "event_id": event.id,
        "generated_at": now.isoformat(),
        "public_key": base64.b64encode(event.ticket_public_key or b"").decode("ascii"),
        "slots": [
            {"key": s.key, "label": s.label, "session_id": s.session_id, "day": s.day.isoformat()} for s in slots(event)
        ],  # fmt: skip
        # Names only for people expected at the door; an online registrant is known by ticket and code alone.
        "tickets": [
            {"ticket_id": t, "code": c, "name": n, "institution": i, "mode": m}
            if m == "onsite"
            else {"ticket_id": t, "code": c, "mode": m}
            for t, c, n, i, m, st in regs
            if st == "confirmed"
        ],
        "revoked": [{"ticket_id": t, "code": c, "status": st} for t, c, _n, _i, _m, st in regs if st != "confirmed"],
        "admitted": [{"ticket_id": t, "slot": slot_key(sid, d)} for t, sid, d in admitted],
    }
