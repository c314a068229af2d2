"""Test helpers for check-in: the QR text of a registration's ticket, and an assigned scanner user."""

from __future__ import annotations

from bimtek.accounts import services as accounts
from bimtek.core.tickets import encode_ticket
from bimtek.extensions import db
from tests.factories import make_user


def ticket_text(reg, event=None) -> str:
    """The signed QR text of a registration's current ticket."""
    event = event or reg.event
    mode = 1 if reg.mode == "onsite" else 2
    return encode_ticket(event.ticket_private_key, event.id, bytes.fromhex(reg.ticket_id), mode)


def make_scanner(event, role: str = "checkin"):
    """A staff user assigned to the event (committed)."""
    user = make_user(role)
    accounts.assign(user, event.id)
    db.session.commit()
    return user
