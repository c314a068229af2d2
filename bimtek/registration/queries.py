"""Registration's public read API for other features: plain values out (and the shared Registration model).

Other features call these instead of reading registration tables themselves.
"""

from __future__ import annotations

from sqlalchemy import select

from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.registration.services.search import counts, find_participants

__all__ = ["counts", "find_participants", "registrations_by_id", "status_label"]


def status_label(status: str) -> str:
    """The readable label of a registration status ("Dibatalkan"), in the current language."""
    from bimtek.registration.labels import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


def registrations_by_id(ids: list[int]) -> dict[int, Registration]:
    """Registrations by id (missing ids are left out)."""
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(ids)))}
