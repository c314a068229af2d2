"""What other features may read from the check-in log: plain values out, never CheckIn rows.

The log keeps every scan, including undone ones (an organizer's undo clears the row's admit key and sets
``undone_at``) and exit scans. Every reader outside check-in goes through here, so an undone admit never
counts anywhere, and an exit scan ends a stay wherever minutes are counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select

from bimtek.checkin.models import CheckIn
from bimtek.core.time import as_utc
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration

__all__ = ["Stay", "admitted_sessions", "event_summary", "venue_stays"]


@dataclass(frozen=True, slots=True)
class Stay:
    """One registration's time at the venue for one session.

    ``left_at`` is the last exit scanned after the entry, or None when no exit was scanned (then the admit
    stands for the whole session: the venue has no other way of knowing when someone left).
    """

    entered_at: datetime
    left_at: datetime | None = None


def _sessions_by_day(event: Event) -> dict[date, set[int]]:
    zone = ZoneInfo(event.timezone or "Asia/Jakarta")
    by_day: dict[date, set[int]] = defaultdict(set)
    for s in event.sessions:
        by_day[as_utc(s.starts_at).astimezone(zone).date()].add(s.id)
    return by_day


def venue_stays(event: Event, registration_ids: Iterable[int] | None = None) -> dict[int, dict[int, Stay]]:
    """Registration id -> session id -> Stay, for every live admit of the event.

    Only admitting entry rows count (an undone admit has lost its admit key); a day-level admit counts for
    every session of that day. An exit that was not undone, scanned for the same session (or, for a day
    admit, the same day) at or after the entry, ends the stay; the last such exit wins. Give
    ``registration_ids`` to read only those people's rows (one participant's verdict after an undo).
    """
    by_day = _sessions_by_day(event)
    session_ids = {s.id for s in event.sessions}
    rows = db.session.execute(
        select(CheckIn.registration_id, CheckIn.session_id, CheckIn.day, CheckIn.kind, CheckIn.scanned_at).where(
            CheckIn.event_id == event.id,
            CheckIn.undone_at.is_(None),
            (CheckIn.admit_key.is_not(None)) | (CheckIn.kind == "exit"),
            *([CheckIn.registration_id.in_(list(registration_ids))] if registration_ids is not None else []),
        )
    ).all()
    entries: dict[tuple[int, int], datetime] = {}
    exits: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for rid, sid, day, kind, scanned_at in rows:
        targets = ({sid} & session_ids) if sid is not None else by_day.get(day, set())
        at = as_utc(scanned_at)
        for target in targets:
            if kind == "exit":
                exits[(rid, target)].append(at)
            elif (rid, target) not in entries or at < entries[(rid, target)]:
                entries[(rid, target)] = at
    stays: dict[int, dict[int, Stay]] = defaultdict(dict)
    for (rid, sid), entered_at in entries.items():
        later = [at for at in exits.get((rid, sid), ()) if at >= entered_at]
        stays[rid][sid] = Stay(entered_at, max(later) if later else None)
    return dict(stays)


def admitted_sessions(event: Event) -> dict[int, set[int]]:
    """Registration id -> the sessions it was admitted to at the venue (undone admits do not count)."""
    return {rid: set(by_session) for rid, by_session in venue_stays(event).items()}


def event_summary(event: Event) -> dict | None:
    """Confirmed on-site participants admitted at least once, as a share of all confirmed on site.

    None while nothing was scanned. Admissions of Zoom registrants (an organizer's override) are counted
    apart, so the rate never passes 100%; undone scans count nowhere.
    """
    live = (CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))
    scans = db.session.scalar(select(func.count()).select_from(CheckIn).where(*live))
    if not scans:
        return None
    expected = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id, Registration.status == "confirmed", Registration.mode == "onsite"
        )
    )
    by_mode = dict(
        db.session.execute(
            select(Registration.mode, func.count(distinct(CheckIn.registration_id)))
            .join(Registration, Registration.id == CheckIn.registration_id)
            .where(*live, CheckIn.kind == "entry", Registration.status == "confirmed")
            .group_by(Registration.mode)
        ).all()
    )
    expected, checked = int(expected or 0), int(by_mode.get("onsite", 0))
    return {
        "expected": expected,
        "checked_in": checked,
        "other_modes_admitted": int(sum(n for m, n in by_mode.items() if m != "onsite")),
        "scans": int(scans),
        "rate": round(100 * checked / expected, 1) if expected else None,
    }
