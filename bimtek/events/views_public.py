"""Public event pages: the list of published events and one event's page (cached per version)."""

from __future__ import annotations

from flask import abort, current_app, render_template, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from bimtek.core.pagecache import VersionedCache
from bimtek.core.time import as_utc, utcnow
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.reference import regions


def public_list():
    """Published events: under way and upcoming first (soonest first), then past ones (latest first)."""
    now = utcnow()
    upcoming = case((Event.ends_at >= now, 0), else_=1)
    rows = db.session.scalars(
        select(Event).where(Event.status.in_(("published", "closed"))).order_by(upcoming, Event.starts_at)
    ).all()
    up = [e for e in rows if as_utc(e.ends_at) >= now]
    past = sorted((e for e in rows if as_utc(e.ends_at) < now), key=lambda e: as_utc(e.starts_at), reverse=True)
    live = {e.id for e in up if as_utc(e.starts_at) <= now}  # already under way: listed first, and said so
    return render_template("events/public_list.html", upcoming=up, past=past, live=live)


PUBLIC_PAGE_MAX_AGE = 2.0


def _public_pages() -> VersionedCache:
    """This app's cache of anonymous public event pages."""
    return current_app.extensions.setdefault("bimtek_public_pages", VersionedCache())


def public_detail(slug: str):
    """An event's public page: agenda, dates, seats left per mode, how to register."""
    anonymous = not current_user.is_authenticated and not session.get("_flashes")
    if anonymous:
        # A page confirmed within the last 2 seconds is served as is: seat counts may lag by that much.
        page = _public_pages().recent((slug, str(get_locale())), PUBLIC_PAGE_MAX_AGE)
        if page is not None:
            return page
    row = db.session.execute(
        select(Event.id, Event.status, Event.updated_at, Event.onsite_taken, Event.online_taken).where(
            Event.slug == slug
        )
    ).first()
    if row is None or row.status not in ("published", "closed"):
        abort(404)
    now = utcnow()
    if not anonymous:
        return _render_public_detail(row.id, now)
    # Anonymous visitors in one language see the same page until the event, its agenda or its seats
    # change, or registration opens or closes (the minute is part of the version for that).
    version = (row.status, row.updated_at, row.onsite_taken, row.online_taken, now.replace(second=0, microsecond=0))
    return _public_pages().get_or_build((slug, str(get_locale())), version, lambda: _render_public_detail(row.id, now))


def _render_public_detail(event_id: int, now) -> str:
    event = db.session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(selectinload(Event.sessions).selectinload(EventSession.speakers))
    )
    province = None
    if event.province_code:
        try:
            province = regions.province(event.province_code)
        except regions.RegionError:
            province = None
    opens = as_utc(event.registration_opens_at)
    return render_template(
        "events/public_detail.html",
        event=event,
        province=province,
        registration_open=event.registration_open(now),
        not_yet_open=event.status == "published" and opens is not None and now < opens,
        is_past=as_utc(event.ends_at) < now,
    )
