"""Public event pages and the organizer's event management pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from bimtek.accounts.access import event_view, visible_event_ids
from bimtek.core.pagecache import VersionedCache
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError
from bimtek.events import services
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.i18n import to_zone
from bimtek.organizers import forms as organizer_forms
from bimtek.organizers import queries as organizer_queries
from bimtek.organizers import services as organizer_services
from bimtek.reference import regions

bp = Blueprint("events", __name__)


@bp.get("/")
def public_list():
    """Published events: upcoming first (soonest first), then past ones (latest first)."""
    now = utcnow()
    upcoming = case((Event.ends_at >= now, 0), else_=1)
    rows = db.session.scalars(
        select(Event).where(Event.status.in_(("published", "closed"))).order_by(upcoming, Event.starts_at)
    ).all()
    up = [e for e in rows if as_utc(e.ends_at) >= now]
    past = sorted((e for e in rows if as_utc(e.ends_at) < now), key=lambda e: as_utc(e.starts_at), reverse=True)
    return render_template("events/public_list.html", upcoming=up, past=past)


PUBLIC_PAGE_MAX_AGE = 2.0


def _public_pages() -> VersionedCache:
    """This app's cache of anonymous public event pages."""
    return current_app.extensions.setdefault("bimtek_public_pages", VersionedCache())


@bp.get("/e/<slug>")
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
    )


@bp.get("/manage")
@bp.get("/manage/events")
@login_required
def manage_list():
    """Events the staff member works on."""
    q = select(Event).order_by(Event.starts_at.desc())
    ids = visible_event_ids(current_user)
    if ids is not None:
        q = q.where(Event.id.in_(ids))
    return render_template("events/manage_list.html", events=db.session.scalars(q).all())


def _form_values(event: Event | None) -> dict:
    """Current values for the edit form, times in the event's zone for datetime-local inputs."""
    if event is None:
        return {"timezone": "", "onsite_capacity": 0, "online_capacity": 0}
    values = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if values[name]:
            values[name] = to_zone(values[name], event.timezone).strftime("%Y-%m-%dT%H:%M")
    return values


def _form_input() -> dict:
    raw = {name: request.form.get(name, "") for name in services.EVENT_FIELDS}
    raw["approval_required"] = "approval_required" in request.form
    if not raw["timezone"]:
        raw.pop("timezone")
    return raw


@bp.route("/manage/events/new", methods=["GET", "POST"])
@login_required
def manage_new():
    """Create an event (organizers and admins)."""
    if current_user.role not in ("admin", "organizer"):
        abort(403)
    errors, values = {}, _form_values(None)
    if request.method == "POST":
        values = _form_input()
        try:
            event = services.create_event(values, user=current_user)
            db.session.commit()
            flash(_("Kegiatan dibuat sebagai draf. Tambahkan sesi lalu terbitkan."), "success")
            return redirect(url_for("events.manage_detail", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields
    return render_template(
        "events/manage_form.html", event=None, values=values, errors=errors, provinces=regions.provinces()
    ), (422 if errors else 200)


@bp.get("/manage/events/<int:event_id>")
@login_required
@event_view("checkin")
def manage_detail(event):
    """An event's dashboard for its staff."""
    return render_template("events/manage_detail.html", event=event, errors={}, values={})


@bp.route("/manage/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_edit(event):
    """Edit an event's details."""
    errors, values = {}, _form_values(event)
    picker = organizer_forms.pick_form(request.form if request.method == "POST" else None,
                                       event.organizer_profile_id, organizer_queries.choices())  # fmt: skip
    if request.method == "POST":
        values = _form_input()
        try:
            services.update_event(event, values, user=current_user)
            organizer_services.assign(event, picker.organizer_profile_id.data, actor=current_user)
            db.session.commit()
            flash(_("Perubahan disimpan."), "success")
            return redirect(url_for("events.manage_detail", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields
            if not errors:
                flash(_(err.message), "error")
    return render_template(
        "events/manage_form.html",
        event=event,
        values=values,
        errors=errors,
        provinces=regions.provinces(),
        organizer_picker=picker,
    ), (422 if errors else 200)


@bp.post("/manage/events/<int:event_id>/status")
@login_required
@event_view("manage")
def manage_status(event):
    """Publish, close, reopen or archive."""
    action = request.form.get("action", "")
    if action not in services.TRANSITIONS:
        abort(400)
    try:
        services.change_status(event, action, user=current_user)
        db.session.commit()
        flash(_("Status kegiatan diperbarui."), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("events.manage_detail", event_id=event.id))


def _session_input() -> dict:
    names = request.form.getlist("speaker_name")
    insts = request.form.getlist("speaker_institution")
    roles = request.form.getlist("speaker_role")
    speakers = [
        {"name": n, "institution": insts[i] if i < len(insts) else "", "role": roles[i] if i < len(roles) else ""}
        for i, n in enumerate(names)
        if n.strip()
    ]
    return {
        "title": request.form.get("title", ""),
        "starts_at": request.form.get("starts_at", ""),
        "ends_at": request.form.get("ends_at", ""),
        "jp": request.form.get("jp", "0") or "0",
        "speakers": speakers,
    }


@bp.post("/manage/events/<int:event_id>/sessions")
@login_required
@event_view("manage")
def manage_add_session(event):
    """Add a session to the agenda."""
    raw = _session_input()
    try:
        services.add_session(event, raw, user=current_user)
        db.session.commit()
        flash(_("Sesi ditambahkan."), "success")
        return redirect(url_for("events.manage_detail", event_id=event.id) + "#agenda")
    except DomainError as err:
        db.session.rollback()
        return render_template("events/manage_detail.html", event=event, errors=err.fields, values=raw), 422


def _event_session(event: Event, session_id: int) -> EventSession:
    session = db.session.get(EventSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    return session


@bp.route("/manage/events/<int:event_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_edit_session(event, session_id: int):
    """Edit one session and its speakers."""
    session = _event_session(event, session_id)
    errors = {}
    if request.method == "POST":
        raw = _session_input()
        try:
            services.update_session(session, raw, user=current_user)
            db.session.commit()
            flash(_("Sesi diperbarui."), "success")
            return redirect(url_for("events.manage_detail", event_id=event.id) + "#agenda")
        except DomainError as err:
            db.session.rollback()
            errors = err.fields
    return render_template("events/session_form.html", event=event, session=session, errors=errors), (
        422 if errors else 200
    )


@bp.post("/manage/events/<int:event_id>/sessions/<int:session_id>/delete")
@login_required
@event_view("manage")
def manage_delete_session(event, session_id: int):
    """Remove a session."""
    services.delete_session(_event_session(event, session_id), user=current_user)
    db.session.commit()
    flash(_("Sesi dihapus."), "success")
    return redirect(url_for("events.manage_detail", event_id=event.id) + "#agenda")
