"""Registration's public read API for other features: plain values out (and the shared Registration model).

Other features call these instead of reading registration tables themselves.
"""

from __future__ import annotations

from sqlalchemy import select

from bimtek.core.labels import label
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.registration.services.search import counts, find_participants

__all__ = ["contacts", "counts", "find_participants", "registrations_by_id", "status_label"]


def status_label(status: str) -> str:
    """The readable label of a registration status ("Dibatalkan"), in the current language."""
    return label("registration_status", status)


def registrations_by_id(ids: list[int]) -> dict[int, Registration]:
    """Registrations by id (missing ids are left out)."""
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(ids)))}


def contacts(event_id: int, *, mode: str | None = None, ids=None) -> list[dict]:
    """Confirmed participants of an event (not erased) as plain values for messages, in name order:
    {"id", "full_name", "email", "phone" (E.164 or ""), "mode", "manage_token"}.

    ``mode`` keeps one mode ("online"); ``ids`` keeps only those registrations.
    """
    cols = (Registration.id, Registration.full_name, Registration.email, Registration.phone, Registration.mode,
            Registration.manage_token)  # fmt: skip
    from bimtek.registration.privacy import ERASED_EMAIL_DOMAIN

    query = select(*cols).where(
        Registration.event_id == event_id,
        Registration.status == "confirmed",
        ~Registration.email_key.endswith("@" + ERASED_EMAIL_DOMAIN),  # erased on request: nobody to write to
    )
    if mode:
        query = query.where(Registration.mode == mode)
    if ids is not None:
        wanted = set(ids)
        if not wanted:
            return []
        rows = [r for r in db.session.execute(query.order_by(Registration.name_key, Registration.id)) if r.id in wanted]
    else:
        rows = db.session.execute(query.order_by(Registration.name_key, Registration.id)).all()
    return [dict(r._mapping) for r in rows]
