"""The participant's rights under UU PDP: a copy of their data with its history, and deletion requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.extensions import db
from bimtek.registration.models import DataRequest, Registration
from bimtek.registration.services.validation import PARTICIPANT_FIELDS


def request_deletion(reg: Registration, note: str = "", *, ip: str | None = None) -> DataRequest:
    """Record a participant's deletion request (UU PDP) for the organizer; one open request at a time."""
    open_request = db.session.scalar(
        select(DataRequest).where(DataRequest.registration_id == reg.id, DataRequest.status == "open")
    )
    if open_request is not None:
        return open_request
    req = DataRequest(registration_id=reg.id, event_id=reg.event_id, kind="deletion", note=(note or "")[:2000], ip=ip)
    db.session.add(req)
    audit.record("registration.deletion_request", reg, actor="participant")
    db.session.flush()
    return req


def close_data_request(req: DataRequest, *, status: str, actor) -> DataRequest:
    """The organizer grants or refuses a request; a granted deletion erases the participant's personal data."""
    if status not in ("done", "refused"):
        raise Invalid("invalid", "Status permintaan tidak dikenal.")
    req.status, req.handled_at, req.handled_by_id = status, utcnow(), getattr(actor, "id", None)
    audit.record("registration.data_request_" + status, req.registration, actor=actor)
    if status == "done" and req.kind == "deletion":
        from bimtek.registration.privacy import erase_registration

        erase_registration(req.registration, actor=actor, reason="permintaan penghapusan peserta")
    db.session.flush()
    return req


def _actor_kind(row) -> str:
    if row.actor_label == "participant":
        return "peserta"
    if row.actor_user_id:
        return "panitia"
    return "sistem" if row.actor_label in ("system", "demo") else row.actor_label


def my_data(reg: Registration) -> dict:
    """Everything stored about a participant, with its processing history (UU PDP right of access)."""
    audit.record("registration.data_download", reg, actor="participant")
    data = {name: getattr(reg, name) for name in PARTICIPANT_FIELDS if name != "consent"}
    data.update(
        code=reg.code,
        status=reg.status,
        event={"title": reg.event.title, "code": reg.event.code},
        consent={"version": reg.consent_version, "at": _iso(reg.consent_at), "ip": reg.consent_ip},
        created_at=_iso(reg.created_at),
        confirmed_at=_iso(reg.confirmed_at),
        cancelled_at=_iso(reg.cancelled_at),
        source=reg.source,
    )
    data["history"] = [
        {"at": _iso(row.at), "action": row.action, "by": _actor_kind(row), "details": _public_details(row)}
        for row in audit.history("registration", reg.id)
    ]
    return data


def _public_details(row) -> dict:
    # Staff emails and internal notes stay internal; what was done and the seat outcome are the subject's.
    return {k: v for k, v in (row.details or {}).items() if k in ("status", "mode", "from", "to", "fields", "source")}


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None
