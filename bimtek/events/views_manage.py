"""Organizer pages for events: the list, create and edit, status (publish/close/reopen/archive), sessions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts.access import event_object, event_view, visible_event_ids
from bimtek.errors import DomainError
from bimtek.events import services
from bimtek.events.copying import copy_event
from bimtek.events.forms import CopyEventForm, EventForm, SessionForm, StatusForm, pick_form
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.i18n import to_zone
from bimtek.organizers import queries as organizer_queries
from bimtek.organizers import services as organizer_services
from bimtek.reference import regions


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
    raw = EventForm(request.form).event_data()
    if not raw["timezone"]:
        raw.pop("timezone")
    return raw


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


@login_required
@event_view("checkin")
def manage_detail(event):
    """An event's dashboard for its staff."""
    return render_template("events/manage_detail.html", event=event, errors={}, values={})


@login_required
@event_view("manage")
def manage_edit(event):
    """Edit an event's details."""
    errors, values = {}, _form_values(event)
    picker = pick_form(request.form if request.method == "POST" else None, event.organizer_profile_id,
                       organizer_queries.choices())  # fmt: skip
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


@login_required
@event_view("manage")
def manage_status(event):
    """Publish, close, reopen or archive."""
    action = StatusForm(request.form).action.data or ""
    if action not in services.TRANSITIONS:
        abort(400)
    services.change_status(event, action, user=current_user)
    db.session.commit()
    flash(_("Status kegiatan diperbarui."), "success")
    return redirect(url_for("events.manage_detail", event_id=event.id))


@login_required
@event_view("manage")
def manage_copy(event):
    """Start a new draft event from this one: sessions, speakers, form, rule, evaluation, certificate design."""
    if current_user.role not in ("admin", "organizer"):
        abort(403)
    form = CopyEventForm(request.form)
    if not form.validate() or form.starts_on.data is None:
        flash(_("Isi tanggal mulai kegiatan baru untuk menyalin."), "error")
        return redirect(url_for("events.manage_detail", event_id=event.id) + "#copy"), 303
    try:
        copy = copy_event(event, starts_on=form.starts_on.data, title=form.title.data or "", user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(url_for("events.manage_detail", event_id=event.id) + "#copy"), 303
    flash(_("Salinan dibuat sebagai draf, tanpa peserta. Periksa detailnya lalu terbitkan."), "success")
    return redirect(url_for("events.manage_detail", event_id=copy.id), 303)


def _session_input() -> dict:
    return SessionForm(request.form).session_data()


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


@login_required
@event_view("manage")
def manage_edit_session(event, session_id: int):
    """Edit one session and its speakers."""
    session = event_object(EventSession, session_id, event)
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


@login_required
@event_view("manage")
def manage_delete_session(event, session_id: int):
    """Remove a session."""
    services.delete_session(event_object(EventSession, session_id, event), user=current_user)
    db.session.commit()
    flash(_("Sesi dihapus."), "success")
    return redirect(url_for("events.manage_detail", event_id=event.id) + "#agenda")
