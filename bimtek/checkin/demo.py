"""Demo check-ins: the Batam 2022 event's morning at the door, scanned through the real service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bimtek.checkin import services
from bimtek.core.tickets import encode_ticket
from bimtek.extensions import db
from bimtek.registration.models import Registration


def seed(ctx: dict) -> None:
    """Admit most confirmed on-site participants of the finished event between 08.15 and 09.10 WIB,
    for the day and its first session, at two gates; two stay missing, one second-phone offline admit
    is flagged for the organizer to look at."""
    event, staff = ctx["finished"], ctx["users"]["checkin"]
    regs = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed", Registration.mode == "onsite")
        .order_by(Registration.id)
    ).all()
    first_session = event.sessions[0] if event.sessions else None
    opening = datetime(2022, 8, 25, 1, 15, tzinfo=UTC)  # 08.15 WIB
    arrived = regs[:-2]
    for i, reg in enumerate(arrived):
        text = encode_ticket(event.ticket_private_key, event.id, bytes.fromhex(reg.ticket_id), 1)
        at = opening + timedelta(minutes=4 * i + (i % 3))
        gate = "Pintu Utama" if i % 3 else "Meja 2"
        for session_id in (None, first_session.id if first_session else None):
            services.check_in(
                event, text, staff=staff, session_id=session_id, gate=gate, scanned_at=at, now=at,
                nonce=f"demo-{uuid.uuid4().hex}", device="demo-hp-1",
            )  # fmt: skip
            if first_session is None:
                break
    if arrived:
        # A second phone at the side door admitted the first arrival again while the Wi-Fi was down.
        reg = arrived[0]
        text = encode_ticket(event.ticket_private_key, event.id, bytes.fromhex(reg.ticket_id), 1)
        at = opening + timedelta(minutes=3)
        try:
            services.check_in(
                event, text, staff=staff, gate="Pintu Samping", scanned_at=at, now=at + timedelta(minutes=25),
                source="offline", nonce=f"demo-{uuid.uuid4().hex}", device="demo-hp-2",
            )  # fmt: skip
        except services.CheckInError:
            pass  # expected: kept and flagged duplicate_offline
    db.session.flush()
