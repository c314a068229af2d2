"""Demo data for registration: a cancelled seat, a mode switch and an open deletion request to look at."""

from __future__ import annotations

from sqlalchemy import select

from bimtek.extensions import db
from bimtek.registration import services
from bimtek.registration.models import Registration


def seed(ctx: dict) -> None:
    """On the upcoming event: one participant cancels, one moves to Zoom, one asks for deletion."""
    event = ctx["upcoming"]
    regs = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    if len(regs) < 3:
        return
    services.cancel_registration(regs[0], actor="demo", reason="Berhalangan hadir")
    onsite = next((r for r in regs[1:] if r.mode == "onsite" and r.status == "confirmed"), None)
    if onsite is not None and "online" in event.modes:
        services.switch_mode(onsite, "online", actor="demo")
    services.request_deletion(regs[-1], "Mohon hapus data saya setelah kegiatan.")
