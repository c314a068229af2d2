"""The review queue: Zoom rows no one matched, linked by an organizer or dismissed; names remembered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bimtek.attendance import verdicts
from bimtek.attendance.models import (
    AttendanceInterval,
    NameLink,
    ZoomImportRow,
)
from bimtek.attendance.services.zoom_reports import MATCHABLE_STATUSES, from_iso
from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, Invalid
from bimtek.extensions import db
from bimtek.registration.models import Registration


def pending_count(event_id: int, *, import_id: int | None = None) -> int:
    """Rows waiting for an organizer in the review queue (of one import, if given)."""
    query = select(func.count(ZoomImportRow.id)).where(
        ZoomImportRow.event_id == event_id, ZoomImportRow.status == "pending"
    )
    if import_id is not None:
        query = query.where(ZoomImportRow.import_id == import_id)
    return db.session.scalar(query)


def review_queue(event_id: int, status: str = "pending") -> list[ZoomImportRow]:
    """Review rows of an event, by session then name."""
    return list(
        db.session.scalars(
            select(ZoomImportRow)
            .where(ZoomImportRow.event_id == event_id, ZoomImportRow.status == status)
            .order_by(ZoomImportRow.session_id, ZoomImportRow.display_name, ZoomImportRow.id)
        )
    )


def _credit_row(row: ZoomImportRow, registration_id: int, user, now: datetime) -> None:
    row.status, row.registration_id = "linked", registration_id
    row.resolved_by_id, row.resolved_at = getattr(user, "id", None), now
    for s, e in from_iso(row.intervals):
        db.session.add(
            AttendanceInterval(
                event_id=row.event_id,
                registration_id=registration_id,
                session_id=row.session_id,
                start=s,
                end=e,
                source="zoom_report",
                source_ref=f"zoom_row:{row.id}",
                created_at=now,
            )
        )


def link_row(row: ZoomImportRow, registration_id: int, *, user=None, now: datetime | None = None) -> int:
    """Credit a review row to a registration and remember the name for the event's other sessions.

    Returns how many rows were linked (this one plus pending rows with the same name in other sessions).
    """
    now = now or utcnow()
    if row.status == "linked" and row.registration_id == registration_id:
        return 0
    if row.status != "pending":
        raise Conflict("review_resolved", "Baris ini sudah diproses.")
    reg = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if reg is None or reg.event_id != row.event_id or reg.status not in MATCHABLE_STATUSES:
        raise Invalid(
            "registration_invalid",
            "Peserta tidak ditemukan pada kegiatan ini.",
            fields={"registration_id": "Pilih peserta kegiatan ini."},
        )
    _credit_row(row, reg.id, user, now)
    linked = 1
    if row.link_key:
        link = db.session.scalar(
            select(NameLink).where(NameLink.event_id == row.event_id, NameLink.link_key == row.link_key)
        )
        if link is None:
            db.session.add(
                NameLink(
                    event_id=row.event_id,
                    link_key=row.link_key,
                    registration_id=reg.id,
                    created_by_id=getattr(user, "id", None),
                )
            )
        else:
            link.registration_id = reg.id
        same_name = db.session.scalars(
            select(ZoomImportRow).where(
                ZoomImportRow.event_id == row.event_id,
                ZoomImportRow.status == "pending",
                ZoomImportRow.link_key == row.link_key,
                ZoomImportRow.id != row.id,
            )
        ).all()
        for other in same_name:
            _credit_row(other, reg.id, user, now)
            linked += 1
    audit.record(
        "attendance.zoom_row_linked",
        row,
        event_id=row.event_id,
        actor=user,
        details={"registration_id": reg.id, "display_name": row.display_name, "rows": linked},
    )
    db.session.flush()
    verdicts.refresh(reg.event, [reg.id])
    return linked


def dismiss_row(row: ZoomImportRow, *, user=None, now: datetime | None = None) -> None:
    """Take a row out of the queue without crediting anyone (host, guest, live-stream helper...)."""
    if row.status == "dismissed":
        return
    if row.status != "pending":
        raise Conflict("review_resolved", "Baris ini sudah diproses.")
    row.status, row.resolved_by_id, row.resolved_at = "dismissed", getattr(user, "id", None), now or utcnow()
    audit.record("attendance.zoom_row_dismissed", row, event_id=row.event_id, actor=user)
    db.session.flush()
