"""How a Zoom preview reads its dates, and the organizer's answer when that is unclear.

The decision itself is pure (zoom_dates); this module stores it in the preview, refuses to confirm a
preview whose date order is still a question, and re-reads a preview with the order the organizer chose.
Services flush and never commit.
"""

from __future__ import annotations

from datetime import datetime

from bimtek.attendance.models import ZoomImport
from bimtek.attendance.zoom_dates import ORDERS, readings
from bimtek.core import audit
from bimtek.core.time import as_utc
from bimtek.errors import Conflict, Invalid
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db

# A preview with more than this share of its rows outside the session says so loudly.
OUTSIDE_ALARM_SHARE = 0.5


def windows(event: Event) -> list[tuple[datetime, datetime]]:
    """The event's sessions as UTC windows, for a report imported for the whole event."""
    return [(as_utc(s.starts_at), as_utc(s.ends_at)) for s in event.sessions]


def preview_facts(analysis) -> dict:
    """Facts for the preview page: the date decision, and how many rows fall outside the session."""
    total = outside = 0
    for group in analysis.groups:
        for start, end in group.raw:
            total += 1
            if not any(start < e and end > s for s, e in group.intervals):
                outside += 1
    sample = (analysis.dates or {}).get("sample")
    return {
        "dates": analysis.dates,
        "date_readings": {k: v.isoformat() if v else None for k, v in readings(sample).items()} if sample else {},
        "rows_total": total,
        "rows_outside": outside,
        "outside_alarm": total > 0 and outside > total * OUTSIDE_ALARM_SHARE,
    }


def other_reading_fits(event: Event, session: EventSession, data: bytes, analysis) -> bool:
    """For an ambiguous preview with nobody in the session: would the other day/month order fit it?"""
    from bimtek.attendance import services

    dates = analysis.dates or {}
    if not dates.get("ambiguous"):
        return False
    other = "dmy" if dates.get("order") == "mdy" else "mdy"
    alternative = services.analyse_report(event, session, data, date_order=other)
    return any(g.minutes > 0 for g in alternative.groups)


def needs_date_choice(imp: ZoomImport) -> bool:
    """True while the preview's day/month order is a question for the organizer."""
    dates = (imp.summary or {}).get("dates") or {}
    return bool(dates.get("ambiguous"))


def order_for_confirm(imp: ZoomImport) -> str | None:
    """The order the preview used, to re-read the file with when confirming; refuses while it is a question."""
    if needs_date_choice(imp) and imp.status == "preview":
        raise Conflict(
            "zoom_date_order_unresolved",
            "Tanggal dalam laporan ini bisa dibaca dua cara. Pilih dulu cara membaca tanggal pada pratinjau.",
        )
    # Confirm reads the file exactly as the preview showed it (an all-sessions preview was decided
    # against every session; re-deciding against one session could read it the other way).
    dates = (imp.summary or {}).get("dates") or {}
    return dates.get("order")


def choose_date_order(imp: ZoomImport, order: str, *, user=None) -> None:
    """Re-read a preview with the day/month order the organizer chose; the preview's figures change."""
    from bimtek.attendance.services import zoom_reports as services

    if order not in ORDERS:
        raise Invalid("zoom_date_order_invalid", "Pilihan cara membaca tanggal tidak dikenal.")
    if imp.status != "preview":
        raise Conflict("zoom_import_confirmed", "Laporan ini sudah disimpan; cara membaca tanggal tidak bisa diubah.")
    event = db.session.get(Event, imp.event_id)
    session = db.session.get(EventSession, imp.session_id)
    analysis = services.analyse_report(event, session, imp.data, date_order=order)
    imp.rows_read = analysis.rows_read
    imp.rows_matched = analysis.rows_matched
    imp.people = len(analysis.groups)
    imp.people_matched = analysis.people_matched
    imp.problems = analysis.problems[: services.PROBLEMS_SHOWN]
    imp.summary = {**services._summary(analysis, event), "problem_count": len(analysis.problems)}
    audit.record(
        "attendance.zoom_date_order_chosen",
        imp,
        event_id=event.id,
        actor=user,
        details={"session_id": session.id, "order": order},
    )
    db.session.flush()
