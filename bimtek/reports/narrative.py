"""The organizer's narrative of the laporan kegiatan: read and save (flush, never commit)."""

from __future__ import annotations

from sqlalchemy import select

from bimtek.core import audit
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.reports.models import NARRATIVE_SECTIONS, ReportNarrative

LIMIT = 20_000


def saved(event: Event) -> dict[str, str]:
    """The texts saved for this event (empty strings for sections not written)."""
    row = db.session.scalar(select(ReportNarrative).where(ReportNarrative.event_id == event.id))
    return {k: (getattr(row, k) if row else "") or "" for k in NARRATIVE_SECTIONS}


def save(event: Event, values: dict[str, str], *, actor=None) -> ReportNarrative:
    """Store the organizer's texts; an empty section goes back to the default generated from the data."""
    row = db.session.scalar(select(ReportNarrative).where(ReportNarrative.event_id == event.id))
    if row is None:
        row = ReportNarrative(event_id=event.id)
        db.session.add(row)
    for key in NARRATIVE_SECTIONS:
        text = (values.get(key) or "").replace("\r\n", "\n").strip()[:LIMIT]
        setattr(row, key, text)
    db.session.flush()
    audit.record("report.narrative_saved", event, event_id=event.id, actor=actor,
                 details={"sections": [k for k in NARRATIVE_SECTIONS if getattr(row, k)]})  # fmt: skip
    return row
