"""Who qualifies for a participant certificate: the attendance verdicts, read in one place.

Certificates never decide "override or computed" themselves. ``attendance_verdicts`` is the only code in
this feature that reads the attendance feature; it returns plain values, so pointing it at
``bimtek.attendance.queries.final_verdicts`` changes one function and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration


@dataclass(frozen=True)
class Verdict:
    """A participant's final attendance verdict as the attendance feature states it."""

    eligible: bool
    reasons: tuple[str, ...] = field(default=())


def attendance_verdicts(event: Event, registration_ids: list[int] | None = None) -> dict[int, Verdict] | None:
    """{registration_id: final verdict} of an event, or None when it has no attendance rule.

    The one read of the attendance feature, through its public read module.
    """
    from bimtek.attendance import queries as attendance

    if not attendance.rule_applied(event):
        return None
    finals = attendance.final_verdicts(event, registration_ids)
    out = {}
    for rid, final in finals.items():
        reasons: tuple[str, ...] = ()
        if not final:
            detail = attendance.final_verdict(rid)
            if detail is not None and detail.override is False and detail.override_reason:
                reasons = (detail.override_reason,)
            elif detail is not None:
                reasons = tuple(r for r in detail.reasons if r.strip())
        out[rid] = Verdict(final, reasons)
    return out


def attendance_rules_applied(event: Event) -> bool:
    """Whether the organizer has set an attendance rule for the event (then the verdicts decide)."""
    from bimtek.attendance import queries as attendance

    return attendance.rule_applied(event)


def eligible_registration_ids(event: Event) -> set[int]:
    """Registrations of the event that qualify for a participant certificate.

    With an attendance rule set, the final verdicts decide; without one, every confirmed registration
    qualifies and the pages say so.
    """
    confirmed = set(
        db.session.scalars(
            select(Registration.id).where(Registration.event_id == event.id, Registration.status == "confirmed")
        )
    )
    verdicts = attendance_verdicts(event)
    if verdicts is None:
        return confirmed
    return {rid for rid in confirmed if rid in verdicts and verdicts[rid].eligible}


def ineligibility_reasons(registration: Registration) -> list[str]:
    """Why a participant does not (yet) qualify; empty when they do."""
    if registration.status != "confirmed":
        return ["pendaftaran tidak berstatus terkonfirmasi"]
    verdicts = attendance_verdicts(registration.event, [registration.id])
    if verdicts is None:
        return []
    verdict = verdicts.get(registration.id)
    if verdict is None:
        return ["kehadiran belum dinilai oleh panitia"]
    if verdict.eligible:
        return []
    return list(verdict.reasons) or ["syarat kehadiran tidak terpenuhi"]
