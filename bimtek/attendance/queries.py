"""What other features may read from attendance: final verdicts, the rule's presence, online minutes.

Plain values out, never model rows. "Final verdict = the organizer's override, else the computed verdict"
is decided by ``eligibility.final_decision`` alone; every reader (certificates, reports, the matrix)
comes through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bimtek.attendance.eligibility import final_decision
from bimtek.attendance.intervals import merge_intervals
from bimtek.attendance.models import AttendanceInterval, EligibilityRule, EligibilityVerdict
from bimtek.attendance.reasons import reason_text
from bimtek.core.time import as_utc
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration

__all__ = [
    "presensi_times",
    "FinalVerdict",
    "final_verdict",
    "final_verdicts",
    "final_verdicts_for",
    "online_minutes",
    "reason_text",
    "rule_applied",
    "verdict_summary",
]


@dataclass(frozen=True, slots=True)
class FinalVerdict:
    """One registration's stored verdict: the decision that counts and why."""

    registration_id: int
    final: bool
    computed: bool
    override: bool | None = None
    override_reason: str | None = None
    reasons: list[str] = field(default_factory=list)


def rule_applied(event: Event) -> bool:
    """Whether the organizer has set an attendance rule for the event (then stored verdicts decide)."""
    return db.session.scalar(select(EligibilityRule.id).where(EligibilityRule.event_id == event.id)) is not None


def _rows(*conditions):
    return db.session.execute(
        select(EligibilityVerdict.registration_id, EligibilityVerdict.eligible, EligibilityVerdict.override).where(
            *conditions
        )
    ).all()


def final_verdicts(event: Event, registration_ids: Iterable[int] | None = None) -> dict[int, bool]:
    """Registration id -> final verdict, for every stored verdict of the event (or only the given ones)."""
    conditions = [EligibilityVerdict.event_id == event.id]
    if registration_ids is not None:
        conditions.append(EligibilityVerdict.registration_id.in_(list(registration_ids)))
    return {rid: final_decision(eligible, override) for rid, eligible, override in _rows(*conditions)}


def final_verdicts_for(registration_ids: Iterable[int]) -> dict[int, bool]:
    """Registration id -> final verdict for registrations of any events (a person's history)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    return {
        rid: final_decision(eligible, override)
        for rid, eligible, override in _rows(EligibilityVerdict.registration_id.in_(ids))
    }


def final_verdict(registration_id: int) -> FinalVerdict | None:
    """One registration's stored verdict with its reasons, or None while it has not been evaluated."""
    v = db.session.scalar(select(EligibilityVerdict).where(EligibilityVerdict.registration_id == registration_id))
    if v is None:
        return None
    return FinalVerdict(
        registration_id=v.registration_id,
        final=final_decision(v.eligible, v.override),
        computed=bool(v.eligible),
        override=v.override,
        override_reason=v.override_reason,
        reasons=[str(r) for r in (v.reasons or [])],
    )


def verdict_summary(event: Event) -> dict | None:
    """Eligible and not eligible participants from the stored verdicts; None while none are stored."""
    rows = _rows(EligibilityVerdict.event_id == event.id)
    if not rows:
        return None
    eligible = sum(1 for _rid, computed, override in rows if final_decision(computed, override))
    total = len(rows)
    return {
        "assessed": total,
        "eligible": eligible,
        "not_eligible": total - eligible,
        "overridden": sum(1 for _rid, _computed, override in rows if override is not None),
        "rate": round(100 * eligible / total, 1) if total else None,
    }


def online_minutes(event: Event) -> tuple[dict[int, float], list[int]] | None:
    """Minutes each confirmed online participant attended, and who those participants are.

    Rows from several sources (Zoom report, webhook, presensi) may overlap: per registration and session
    they are merged as a union and clipped to the session's time, so nobody is credited twice. Venue rows
    and still-open intervals are left out. None while no interval is recorded.
    """
    windows = {s.id: (as_utc(s.starts_at), as_utc(s.ends_at)) for s in event.sessions}
    population = db.session.scalars(
        select(Registration.id).where(
            Registration.event_id == event.id, Registration.status == "confirmed", Registration.mode == "online"
        )
    ).all()
    rows = db.session.execute(
        select(
            AttendanceInterval.registration_id,
            AttendanceInterval.session_id,
            AttendanceInterval.start,
            AttendanceInterval.end,
        ).where(
            AttendanceInterval.event_id == event.id,
            AttendanceInterval.end.is_not(None),
            AttendanceInterval.source != "venue",
        )
    ).all()
    if not rows:
        return None
    grouped: dict[tuple[int, int], list[tuple[datetime, datetime]]] = defaultdict(list)
    for rid, sid, start, end in rows:
        start, end = as_utc(start), as_utc(end)
        window = windows.get(sid)
        if window:
            start, end = max(start, window[0]), min(end, window[1])
        grouped[(rid, sid)].append((start, end))
    per: dict[int, float] = defaultdict(float)
    for (rid, _sid), spans in grouped.items():
        per[rid] += sum((e - s).total_seconds() for s, e in merge_intervals(spans)) / 60
    return dict(per), list(population)


def presensi_times(registration_id: int) -> list[tuple[datetime, int]]:
    """When one participant filled a presensi, with the session's id, oldest first."""
    from bimtek.attendance.models import PresensiRecord

    rows = db.session.execute(
        select(PresensiRecord.recorded_at, PresensiRecord.session_id)
        .where(PresensiRecord.registration_id == registration_id)
        .order_by(PresensiRecord.recorded_at)
    ).all()
    return [(as_utc(at), int(sid)) for at, sid in rows]
