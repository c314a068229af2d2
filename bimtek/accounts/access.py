"""Object-level authorization: who may see and change which event."""

from __future__ import annotations

import functools

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from bimtek.accounts.models import EventStaff, User
from bimtek.extensions import db

# What each permission allows: "manage" is organizer work on an event; "checkin" is scanning at its door.
PERMISSION_ROLES = {"manage": ("admin", "organizer"), "checkin": ("admin", "organizer", "checkin")}


def acting_user() -> User | None:
    """The API token's user on API requests, else the logged-in user."""
    user = g.get("api_user")
    if user is not None:
        return user
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def is_assigned(user: User, event_id: int) -> bool:
    """Whether a staff member is assigned to an event (asked once per request)."""
    cache = g.setdefault("_assigned", {}) if has_request_context() else {}
    key = (user.id, event_id)
    if key not in cache:
        cache[key] = (
            db.session.scalar(
                select(EventStaff.id).where(EventStaff.user_id == user.id, EventStaff.event_id == event_id)
            )
            is not None
        )
    return cache[key]


def can(user: User | None, perm: str, event_id: int) -> bool:
    """Whether a user holds a permission on an event."""
    if user is None or not user.is_active:
        return False
    if user.role not in PERMISSION_ROLES[perm]:
        return False
    return user.is_admin or is_assigned(user, event_id)


def check_event(user: User | None, perm: str, event_id: int) -> None:
    """Abort 404 when the user has nothing to do with the event, 403 when they lack the permission."""
    if user is None:
        abort(401)
    if user.is_admin:
        return
    if not is_assigned(user, event_id):
        abort(404)
    if user.role not in PERMISSION_ROLES[perm]:
        abort(403)


def visible_event_ids(user: User):
    """A select of the event ids a staff member may see (None for admins: all)."""
    if user.is_admin:
        return None
    return select(EventStaff.event_id).where(EventStaff.user_id == user.id)


def event_view(perm: str = "manage"):
    """Decorator for routes with an `event_id` argument: load the event and check access, or 401/403/404."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            from bimtek.events.models import Event

            user = acting_user()
            if user is None:
                abort(401)
            event = db.session.get(Event, kwargs.pop("event_id"))
            if event is None:
                abort(404)
            check_event(user, perm, event.id)
            g.event = event
            return view(*args, event=event, **kwargs)

        wrapped.event_permission = perm
        return wrapped

    return decorator


def event_object(model, object_id, event, **must):
    """The object of this event with this id (and these attribute values, e.g. kind=...), or 404.

    The one door for "an id in the URL names something of this event": another event's object is a 404,
    like a missing one, so an organizer of one event never learns what another holds.
    """
    obj = db.session.get(model, object_id)
    if obj is None or obj.event_id != event.id or any(getattr(obj, k) != v for k, v in must.items()):
        abort(404)
    return obj


def object_view(model, arg: str, perm: str = "manage"):
    """Decorator for routes addressing an event-scoped object by id (e.g. a registration)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = acting_user()
            if user is None:
                abort(401)
            obj = db.session.get(model, kwargs.pop(arg))
            if obj is None:
                abort(404)
            check_event(user, perm, obj.event_id)
            return view(*args, obj=obj, **kwargs)

        wrapped.event_permission = perm
        return wrapped

    return decorator


def require_role(*roles: str):
    """Decorator: only these roles (e.g. admin) may use the route."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = acting_user()
            if user is None:
                abort(401)
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def public(view):
    """Mark a route that takes an event or object id as deliberately public (e.g. self-registration)."""
    view.public_endpoint = True
    return view
