"""The one status door: every change of a registration's status goes through `transition`.

The organizer's buttons, the PATCH API, the participant's cancel link and `flask registration status`
all call it. TRANSITIONS states which action may leave which status; the seat follows the status
(taken by the one allocator in seats.py, released here), and a freed seat goes to the first person
waiting in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.channels import CHANNELS
from bimtek.registration.models import Registration
from bimtek.registration.services.register import new_ticket_id
from bimtek.registration.services.seats import release_seat, take_seat

ACTIVE_STATUSES = ("confirmed", "waitlisted", "pending")

# action -> statuses it may start from. The status it ends in is decided by the seat (see _apply).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "approve": ("pending",),  # -> confirmed, or waitlisted when the mode is full
    "promote": ("waitlisted",),  # -> confirmed (the organizer's choice, not queue order)
    "reject": ("pending", "waitlisted"),  # -> rejected (a confirmed registration is cancelled instead)
    "cancel": ("confirmed", "waitlisted", "pending"),  # -> cancelled; a held seat goes to the next in line
}
# The email each action sends to the participant, and to whoever got a freed seat.
EMAILS = {"approve": "approved", "promote": "promoted", "reject": "rejected", "cancel": "cancelled"}
REFUSALS = {
    "approve": ("not_pending", "Hanya pendaftaran yang menunggu persetujuan yang dapat disetujui."),
    "promote": ("not_waitlisted", "Pendaftaran ini tidak berada di daftar tunggu."),
    "reject": ("not_rejectable", "Hanya pendaftaran yang menunggu atau di daftar tunggu yang dapat ditolak."),
    "cancel": ("already_cancelled", "Pendaftaran ini sudah dibatalkan."),
}
# Target statuses the PATCH API accepts, mapped to an action by the current status.
TARGETS = {("pending", "confirmed"): "approve", ("waitlisted", "confirmed"): "promote",
           ("pending", "rejected"): "reject", ("waitlisted", "rejected"): "reject"}  # fmt: skip


@dataclass
class Outcome:
    """What a transition did: the registration, who got a freed seat, and the emails to send after commit."""

    registration: Registration
    promoted: Registration | None = None
    emails: list[tuple[int, str]] = field(default_factory=list)


def lock(reg: Registration) -> Registration:
    """Reload a registration with a row lock (PostgreSQL) so two clicks cannot both change its seat."""
    if reg.id is not None and db.engine.dialect.name == "postgresql":
        db.session.refresh(reg, with_for_update=True)
    return reg


def action_for_target(current: str, target: str) -> str:
    """The action that moves `current` to the requested `target` status (the PATCH API speaks in statuses)."""
    if target == "cancelled":
        return "cancel"
    action = TARGETS.get((current, target))
    if action is None:
        raise Invalid("invalid", "Perubahan status tidak diizinkan.", status=409,
                      fields={"status": "Perubahan status tidak diizinkan."})  # fmt: skip
    return action


def transition(
    reg: Registration, action: str, *, now: datetime | None = None, actor=None, reason: str = "", hand_on: bool = True
) -> Outcome:
    """Apply one status action (approve, promote, reject, cancel) if TRANSITIONS allows it; audited; flushes.

    `hand_on=False` keeps a cancelled seat free instead of giving it to the first person waiting (an agency
    replacing its nominee takes the seat back in the same transaction).
    """
    if action not in TRANSITIONS:
        raise Invalid("invalid", "Tindakan tidak dikenal.", fields={"action": "Tindakan tidak dikenal."})
    now = now or utcnow()
    lock(reg)
    if reg.status not in TRANSITIONS[action]:
        code, message = REFUSALS[action]
        raise DomainError(code, message, status=409)
    out = Outcome(reg)
    reason = (reason or "")[:500]
    if action == "approve":
        if take_seat(reg.event_id, reg.mode):
            reg.status, reg.confirmed_at = "confirmed", now
        else:
            reg.status = "waitlisted"
        audit.record("registration.approve", reg, actor=actor, details={"status": reg.status})
    elif action == "promote":
        if not take_seat(reg.event_id, reg.mode):
            raise Conflict("mode_full", "Kursi untuk cara mengikuti ini sudah penuh.")
        reg.status, reg.confirmed_at = "confirmed", now
        audit.record("registration.promote", reg, actor=actor, details={"mode": reg.mode, "manual": True})
    elif action == "reject":
        reg.status, reg.cancelled_at = "rejected", now
        audit.record("registration.reject", reg, actor=actor, details={"reason": reason} if reason else {})
    else:  # cancel
        held_seat = reg.status == "confirmed"
        reg.status, reg.cancelled_at = "cancelled", now
        audit.record("registration.cancel", reg, actor=actor, details={"reason": reason} if reason else {})
        db.session.flush()
        if held_seat:
            release_seat(reg.event_id, reg.mode)
            if hand_on:
                out.promoted = promote_waitlist(reg.event, reg.mode, now=now)
    db.session.flush()
    out.emails.append((reg.id, EMAILS[action]))
    if out.promoted is not None:
        out.emails.append((out.promoted.id, "promoted"))
    return out


def promote_waitlist(event: Event, mode: str, *, now: datetime | None = None) -> Registration | None:
    """Give a free seat of a mode to the first waitlisted registration, if any; flushes."""
    now = now or utcnow()
    q = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.mode == mode, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    nxt = db.session.scalars(q).first()
    if nxt is None or not take_seat(event.id, mode):
        return None
    nxt.status, nxt.confirmed_at = "confirmed", now
    audit.record("registration.promote", nxt, actor="system", details={"mode": mode})
    db.session.flush()
    return nxt


# Named doors kept for callers that speak in one action (the seeders, other features' tests).


def approve(reg: Registration, *, now: datetime | None = None, actor=None) -> Registration:
    """Approve a pending registration: a seat if one is free, else the waitlist."""
    return transition(reg, "approve", now=now, actor=actor).registration


def reject(reg: Registration, *, now: datetime | None = None, actor=None, reason: str = "") -> Registration:
    """Reject a pending or waitlisted registration."""
    return transition(reg, "reject", now=now, actor=actor, reason=reason).registration


def promote(reg: Registration, *, now: datetime | None = None, actor=None) -> Registration:
    """Give a seat to this waitlisted registration."""
    return transition(reg, "promote", now=now, actor=actor).registration


def cancel_registration(
    reg: Registration, *, now: datetime | None = None, actor=None, reason: str = ""
) -> Registration | None:
    """Cancel a registration; returns whoever got the freed seat, if anyone."""
    return transition(reg, "cancel", now=now, actor=actor, reason=reason).promoted


HELD_MODE = "Cara mengikuti peserta yang dinominasikan instansi diatur oleh PIC instansi tersebut."


def seat_is_held(reg: Registration) -> bool:
    """Whether the seat belongs to someone else's quota (an agency's nominee): its mode is not the person's to change."""
    rule = CHANNELS.get(reg.source)
    return rule is not None and rule.held


def switch_mode(reg: Registration, mode: str, *, now: datetime | None = None, actor=None) -> Registration | None:
    """Move a registration to the other mode, seat first; returns whoever got the freed seat.

    A confirmed participant keeps their seat unless the other mode has one free: the new seat is taken
    before the old one is released, all in one transaction.
    """
    now = now or utcnow()
    lock(reg)
    event = reg.event
    if reg.status not in ACTIVE_STATUSES:
        raise DomainError("inactive", "Pendaftaran ini sudah tidak aktif.", status=409)
    if seat_is_held(reg):
        raise DomainError("held_seat", HELD_MODE, status=409)
    if mode not in event.modes or mode == reg.mode:
        raise Invalid("invalid", "Pilih cara mengikuti yang lain.", fields={"mode": "Pilih cara mengikuti yang lain."})
    old, promoted = reg.mode, None
    if reg.status == "confirmed":
        if not take_seat(event.id, mode):
            msg = "Kursi untuk cara mengikuti ini sudah penuh."
            raise Conflict("mode_full", msg, fields={"mode": msg})
        release_seat(event.id, old)
        reg.mode = mode
        db.session.flush()
        promoted = promote_waitlist(event, old, now=now)
    elif reg.status == "waitlisted":
        reg.mode = mode
        if take_seat(event.id, mode):
            reg.status, reg.confirmed_at = "confirmed", now
    else:
        reg.mode = mode
    reg.ticket_id, reg.ticket_issued_at = new_ticket_id(), now  # the mode is inside the QR
    audit.record("registration.mode_change", reg, actor=actor, details={"from": old, "to": mode, "status": reg.status})
    db.session.flush()
    return promoted
