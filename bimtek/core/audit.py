"""Write audit rows: who did what to which object, when and from where."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from bimtek.core.models import AuditLog
from bimtek.extensions import db


def record(action: str, obj=None, *, event_id: int | None = None, actor=None, details: dict | None = None) -> AuditLog:
    """Add an audit row to the current transaction (the caller's commit keeps it)."""
    actor_id, label, ip = None, "system", None
    if actor is None and has_request_context():
        try:
            if current_user and current_user.is_authenticated:
                actor = current_user
        except Exception:  # no login manager on this request (e.g. the CLI)
            actor = None
    if isinstance(actor, str):
        label = actor
    elif actor is not None:
        actor_id, label = actor.id, actor.email
    if has_request_context():
        ip = request.remote_addr
    if event_id is None and obj is not None:
        event_id = getattr(obj, "event_id", None)
    row = AuditLog(
        actor_user_id=actor_id,
        actor_label=label,
        ip=ip,
        event_id=event_id,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=details or {},
    )
    db.session.add(row)
    return row


def history(object_type: str, object_id: int) -> list[AuditLog]:
    """The audit rows of one object, oldest first."""
    return (
        db.session.query(AuditLog)
        .filter_by(object_type=object_type, object_id=object_id)
        .order_by(AuditLog.at, AuditLog.id)
        .all()
    )
