"""What other features (and the board) may read from nominations: counts by agency, plain values out.

Attendance and certificates are read only through their own queries modules.
"""

from __future__ import annotations

from sqlalchemy import select

from bimtek.attendance import queries as attendance
from bimtek.certificates import queries as certificates
from bimtek.checkin import queries as checkin
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.nominations.models import InvitedAgency, Nomination
from bimtek.registration.models import Registration

__all__ = ["agency_report", "report_totals"]


def agency_report(event: Event) -> list[dict]:
    """Per invited agency: quota (invited seats), nominated, attended and certified nominees."""
    agencies = list(db.session.scalars(select(InvitedAgency).where(InvitedAgency.event_id == event.id)
                                       .order_by(InvitedAgency.name)))  # fmt: skip
    rows = db.session.execute(
        select(Nomination.agency_id, Nomination.registration_id, Registration.status)
        .join(Registration, Registration.id == Nomination.registration_id)
        .where(Nomination.event_id == event.id, Nomination.replaced_at.is_(None))
    ).all()
    active = [(aid, rid) for aid, rid, status in rows if status == "confirmed"]
    ids = [rid for _aid, rid in active]
    verdicts = attendance.final_verdicts(event, ids) if ids else {}
    admitted = checkin.admitted_sessions(event) if ids else {}
    certs = certificates.certificates_by_registration(ids)
    by_agency: dict[int, dict] = {a.id: {"nominated": 0, "attended": 0, "certified": 0} for a in agencies}
    for aid, rid in active:
        counts = by_agency[aid]
        counts["nominated"] += 1
        if verdicts.get(rid) or admitted.get(rid):
            counts["attended"] += 1
        if any(c["status"] == "valid" for c in certs.get(rid, [])):
            counts["certified"] += 1
    return [
        {"agency_id": a.id, "name": a.name, "invited": a.quota_total, "onsite_quota": a.onsite_quota,
         "online_quota": a.online_quota, **by_agency[a.id]}
        for a in agencies
    ]  # fmt: skip


def report_totals(rows: list[dict]) -> dict:
    """The sums of agency_report's rows."""
    keys = ("invited", "nominated", "attended", "certified")
    return {k: sum(r[k] for r in rows) for k in keys}
