"""Erasing the personal data attendance holds (UU PDP): registration erasure and retention call these.

The attendance intervals stay (they hold no personal data), so counts and verdicts stay true.
"""

from __future__ import annotations

from sqlalchemy import update

from bimtek.attendance.models import WebhookDelivery, ZoomImport, ZoomImportRow
from bimtek.extensions import db


def erase_registration_traces(registration_id: int, *, erased_name: str) -> None:
    """Blank the Zoom names and emails recorded for one registration (review rows, webhook deliveries)."""
    db.session.execute(
        update(ZoomImportRow)
        .where(ZoomImportRow.registration_id == registration_id)
        .values(display_name=erased_name, original_name=None, email=None)
    )
    db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.registration_id == registration_id).values(email=None)
    )


def purge_zoom_reports(event_id: int) -> None:
    """Empty the raw Zoom reports of an event: they hold every attendee's name and email."""
    db.session.execute(update(ZoomImport).where(ZoomImport.event_id == event_id).values(data=b""))
