"""What other features may read from certificates: counts by status and a person's certificates.

Plain values out, never model rows (reports read these for the event summary and a participant's history).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from bimtek.certificates.models import Certificate
from bimtek.core.labels import label
from bimtek.core.time import as_utc
from bimtek.events.models import Event
from bimtek.extensions import db

__all__ = ["certificates_by_registration", "certificates_summary", "ready_certificates"]


def certificates_summary(event: Event) -> dict | None:
    """Certificates issued for the event, by status; None while none were issued."""
    rows = db.session.execute(
        select(Certificate.status, func.count()).where(Certificate.event_id == event.id).group_by(Certificate.status)
    ).all()
    by_status = {str(status): int(n) for status, n in rows}
    if not by_status:
        return None
    return {"total": sum(by_status.values()), "by_status": by_status}


def certificates_by_registration(registration_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Certificates per registration: number, status, JP, issue time and role (a person's history)."""
    ids = list(registration_ids)
    out: dict[int, list[dict]] = {}
    if not ids:
        return out
    rows = db.session.execute(
        select(
            Certificate.registration_id,
            Certificate.number,
            Certificate.status,
            Certificate.jp,
            Certificate.issued_at,
            Certificate.role,
        )
        .where(Certificate.registration_id.in_(ids))
        .order_by(Certificate.id)
    ).all()
    for rid, number, status, jp, issued_at, role in rows:
        out.setdefault(int(rid), []).append(
            {
                "number": number,
                "status": status,
                "jp": jp,
                "issued_at": issued_at.isoformat() if issued_at is not None else None,
                "role": role,
                "role_label": label("role", role, "id").upper(),
                "status_label": label("certificate_status", status, "id").upper(),
            }
        )
    return out


def ready_certificates(event: Event) -> dict[int, dict]:
    """{registration id: {"issued_at" (UTC), "emailed" (the certificate email reached them)}} of the event's
    participants holding a current valid certificate."""
    rows = db.session.execute(
        select(Certificate.registration_id, Certificate.issued_at, Certificate.emailed_at).where(
            Certificate.event_id == event.id,
            Certificate.status == "valid",
            Certificate.current_flag.is_(True),
            Certificate.registration_id.is_not(None),
        )
    ).all()
    return {int(rid): {"issued_at": as_utc(at), "emailed": emailed is not None} for rid, at, emailed in rows}
