"""The attendance blueprint and the loaders its page modules share."""

from __future__ import annotations

from flask import Blueprint, abort

from bimtek.attendance.reasons import reason_text
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db

bp = Blueprint("attendance", __name__)
bp.add_app_template_filter(reason_text, "reason")


def event_session(event: Event, session_id: int) -> EventSession:
    """A session of this event, or 404."""
    session = db.session.get(EventSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    return session


def scoped(model, event: Event, object_id: int):
    """An object of this event by id, or 404 (never another event's)."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.event_id != event.id:
        abort(404)
    return obj
