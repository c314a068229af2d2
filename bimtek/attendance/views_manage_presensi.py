"""Presensi pages for organizers: windows, scheduling, the projector and its rotating code."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts.access import event_object, event_view
from bimtek.attendance import presensi
from bimtek.attendance.blueprint import bp
from bimtek.attendance.forms import PresensiWindowForm
from bimtek.attendance.models import PresensiWindow
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError
from bimtek.events.models import EventSession
from bimtek.extensions import db


@bp.get("/manage/events/<int:event_id>/attendance/presensi")
@login_required
@event_view("manage")
def presensi_windows(event):
    """Presensi windows per session, with counts, and a form to open one."""
    now = utcnow()
    return render_template(
        "attendance/presensi.html",
        event=event,
        windows=presensi.windows(event.id),
        counts=presensi.record_counts(event.id),
        is_open=lambda w: presensi.is_open(w, now),
        not_yet=lambda w: now < as_utc(w.opens_at),
        errors={},
    )


def _local(value: str, tz: str) -> datetime | None:
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return parsed.replace(tzinfo=ZoneInfo(tz))


@bp.post("/manage/events/<int:event_id>/attendance/presensi")
@login_required
@event_view("manage")
def presensi_open(event):
    """Open a presensi window now (for N minutes) or at given times."""
    form = PresensiWindowForm()
    session = event_object(EventSession, form.session, event) if form.session is not None else None
    if session is None:
        abort(404)
    opens = _local(form.opens_at.data, event.timezone) if form.opens_at.data else None
    closes = _local(form.closes_at.data, event.timezone) if form.closes_at.data else None
    try:
        window = presensi.open_window(
            event,
            session,
            form.kind.data or "",
            opens_at=opens,
            closes_at=closes,
            minutes=form.minutes_value,
            user=current_user,
        )
        db.session.commit()
        flash(_("Presensi dibuka."), "success")
        return redirect(url_for("attendance.presensi_projector", event_id=event.id, window_id=window.id))
    except DomainError as err:
        db.session.rollback()
        flash("; ".join(_(m) for m in err.fields.values()) or _(err.message), "error")
        return redirect(url_for("attendance.presensi_windows", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/attendance/presensi/schedule")
@login_required
@event_view("manage")
def presensi_schedule(event):
    """Plan start and end windows (first and last 30 minutes) for every session that lacks them."""
    count = sum(len(presensi.schedule_session_windows(event, s, user=current_user)) for s in event.sessions)
    db.session.commit()
    flash(_("%(n)s jendela presensi dijadwalkan.", n=count), "success")
    return redirect(url_for("attendance.presensi_windows", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/attendance/presensi/<int:window_id>/close")
@login_required
@event_view("manage")
def presensi_close(event, window_id: int):
    """Close a window now."""
    presensi.close_window(event_object(PresensiWindow, window_id, event), user=current_user)
    db.session.commit()
    flash(_("Presensi ditutup."), "success")
    return redirect(url_for("attendance.presensi_windows", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/attendance/presensi/<int:window_id>/projector")
@login_required
@event_view("manage")
def presensi_projector(event, window_id: int):
    """Full-screen page to project or screen-share: the rotating QR and code, refreshed by a small script."""
    window = event_object(PresensiWindow, window_id, event)
    return render_template("attendance/projector.html", event=event, window=window, state=presensi.window_code(window))


@bp.get("/manage/events/<int:event_id>/attendance/presensi/<int:window_id>/code")
@login_required
@event_view("manage")
def presensi_code(event, window_id: int):
    """The projector's current code and QR as JSON."""
    return jsonify(presensi.window_code(event_object(PresensiWindow, window_id, event)))
