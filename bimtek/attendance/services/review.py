"""The review queue: Zoom rows no one matched, linked by an organizer or dismissed; names remembered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import defer

from bimtek.attendance import verdicts
from bimtek.attendance.identities import Identity, group_rows
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
from bimtek.registration import queries as registration_queries
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


def identities(event_id: int) -> list[Identity]:
    """The review queue grouped by Zoom identity, by name: one entry per person with all their sessions."""
    rows = db.session.scalars(
        select(ZoomImportRow)
        .where(ZoomImportRow.event_id == event_id, ZoomImportRow.status == "pending")
        .options(defer(ZoomImportRow.intervals), defer(ZoomImportRow.line_nos))  # not needed to list them
    )
    return group_rows(rows)


def _related(row: ZoomImportRow) -> list[ZoomImportRow]:
    """Pending rows that may share an identity with ``row``: every row using one of the emails or names
    reached from it, so grouping them decides exactly as grouping the whole queue would."""
    emails = {row.email} if row.email else set()
    keys = {row.link_key} if row.link_key else set()
    found: dict[int, ZoomImportRow] = {row.id: row}
    if not emails and not keys:
        return [row]
    while True:
        wanted = [ZoomImportRow.email.in_(emails)] if emails else []
        wanted += [ZoomImportRow.link_key.in_(keys)] if keys else []
        rows = db.session.scalars(
            select(ZoomImportRow).where(
                ZoomImportRow.event_id == row.event_id, ZoomImportRow.status == "pending", or_(*wanted)
            )
        ).all()
        found.update((r.id, r) for r in rows)
        more_emails = {r.email for r in rows if r.email} - emails
        more_keys = {r.link_key for r in rows if r.link_key} - keys
        if not more_emails and not more_keys:
            return list(found.values())
        emails |= more_emails
        keys |= more_keys


def identity_of(row: ZoomImportRow) -> tuple[Identity, list[ZoomImportRow]]:
    """The identity a row belongs to, and its pending rows (the row itself always included)."""
    rows = _related(row)
    group = next(g for g in group_rows(rows) if row.id in g.row_ids)
    wanted = set(group.row_ids)
    return group, [r for r in rows if r.id in wanted]


def remembered(event_id: int, groups: list[Identity]) -> dict[str, int]:
    """Registration ids an organizer already linked to one of these identities' names (by identity key)."""
    keys = {k for g in groups for k in g.link_keys}
    if not keys:
        return {}
    links = dict(
        db.session.execute(
            select(NameLink.link_key, NameLink.registration_id).where(
                NameLink.event_id == event_id, NameLink.link_key.in_(keys)
            )
        ).all()
    )
    return {g.key: links[k] for g in groups for k in sorted(g.link_keys) if k in links}


def _remember_name(event_id: int, key: str, registration_id: int, user) -> None:
    link = db.session.scalar(select(NameLink).where(NameLink.event_id == event_id, NameLink.link_key == key))
    if link is None:
        db.session.add(
            NameLink(
                event_id=event_id,
                link_key=key,
                registration_id=registration_id,
                created_by_id=getattr(user, "id", None),
            )
        )
    else:
        link.registration_id = registration_id


def link_row(row: ZoomImportRow, registration_id: int, *, user=None, now: datetime | None = None) -> int:
    """Credit a review row's whole identity (all its sessions) to a registration, and remember its names.

    Returns how many rows were linked: this one and the identity's pending rows of the other sessions.
    """
    if row.status == "linked" and row.registration_id == registration_id:
        return 0
    return len(link_identity(row, registration_id, user=user, now=now).row_ids)


def link_identity(row: ZoomImportRow, registration_id: int, *, user=None, now: datetime | None = None) -> Identity:
    """``link_row`` for the pages: the identity that was credited (its sessions and minutes)."""
    now = now or utcnow()
    if row.status != "pending":
        raise Conflict("review_resolved", "Baris ini sudah diproses.")
    reg = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if reg is None or reg.event_id != row.event_id or reg.status not in MATCHABLE_STATUSES:
        raise Invalid(
            "registration_invalid",
            "Peserta tidak ditemukan pada kegiatan ini.",
            fields={"registration_id": "Pilih peserta kegiatan ini."},
        )
    group, rows = identity_of(row)
    for each in rows:
        _credit_row(each, reg.id, user, now)
    for key in sorted(group.link_keys):
        _remember_name(row.event_id, key, reg.id, user)
    audit.record(
        "attendance.zoom_row_linked",
        row,
        event_id=row.event_id,
        actor=user,
        details={
            "registration_id": reg.id,
            "display_name": group.display_name,
            "rows": len(rows),
            "sessions": sorted(group.minutes_by_session),
            "minutes": group.minutes,
        },
    )
    db.session.flush()
    verdicts.refresh(reg.event, [reg.id])
    return group


def dismiss_row(row: ZoomImportRow, *, user=None, now: datetime | None = None) -> int:
    """Take a row's whole identity out of the queue without crediting anyone (host, guest, live-stream
    helper...); returns how many rows were dismissed."""
    if row.status == "dismissed":
        return 0
    if row.status != "pending":
        raise Conflict("review_resolved", "Baris ini sudah diproses.")
    now = now or utcnow()
    group, rows = identity_of(row)
    for each in rows:
        each.status, each.resolved_by_id, each.resolved_at = "dismissed", getattr(user, "id", None), now
    audit.record(
        "attendance.zoom_row_dismissed",
        row,
        event_id=row.event_id,
        actor=user,
        details={"display_name": group.display_name, "rows": len(rows), "sessions": sorted(group.minutes_by_session)},
    )
    db.session.flush()
    return len(rows)


SEARCH_MAX = 100


def find_registrations(event_id: int, text: str, *, limit: int = 10) -> list[Registration]:
    """Registrations of this event a Zoom identity may be linked to, by the start of any word of the name or
    instansi (or a typed code): the participant list's own search, without cancelled people."""
    found = registration_queries.find_participants(event_id, text[:SEARCH_MAX], limit=limit * 2)
    return [r for r in found if r.status in MATCHABLE_STATUSES][:limit]
