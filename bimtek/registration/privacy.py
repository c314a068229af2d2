"""UU PDP duties carried out: erase a participant's personal data on request and when retention ends.

What is erased: contact and profile data of the registration (name, email, phone, NIP, position, unit,
answers and uploaded files, consent IP), and the personal fields Zoom imports and webhooks recorded for it.
Retention also empties the raw Zoom reports of expired events. What is kept, as DOMAIN.md allows: the row itself with its event, mode, status, instansi type and region
(so counts and attendance summaries stay true), check-ins and attendance intervals (no personal data),
and the certificate register (a public record the participant was issued).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.registration.services import search_index

ERASED_NAME = "(data dihapus)"
ERASED_EMAIL_DOMAIN = "dihapus.invalid"


def is_erased(reg: Registration) -> bool:
    """Whether a registration's personal data was already erased."""
    return reg.email_key.endswith("@" + ERASED_EMAIL_DOMAIN)


def _upload_paths(reg: Registration) -> list[Path]:
    folder = Path(current_app.instance_path) / "uploads" / "registration" / str(reg.event_id)
    names = [a.get("file") for a in (reg.answers or {}).values() if isinstance(a, dict) and a.get("file")]
    return [folder / Path(name).name for name in names]


def erase_registration(reg: Registration, *, actor, reason: str) -> bool:
    """Erase the personal data of one registration (idempotent); flushes. False if already erased."""
    if is_erased(reg):
        return False
    for path in _upload_paths(reg):
        path.unlink(missing_ok=True)
    erased_address = f"r{reg.id}@{ERASED_EMAIL_DOMAIN}"  # unique per event, so the constraint still holds
    reg.full_name, reg.name_key = ERASED_NAME, ""
    reg.email, reg.email_key = erased_address, erased_address
    reg.phone, reg.nip, reg.rank, reg.position, reg.work_unit = "", None, "", "", ""
    reg.answers, reg.zoom_registrant_id, reg.consent_ip = {}, None, None
    from bimtek.attendance import services as attendance  # attendance builds on registration: import late

    attendance.erase_registration_traces(reg.id, erased_name=ERASED_NAME)
    search_index.forget([reg.id])  # an erased name must not be found by its old words
    audit.record("registration.erase", reg, actor=actor, details={"reason": reason})
    db.session.flush()
    return True


def purge_expired(*, months: int, now: datetime | None = None, actor="retention") -> dict:
    """Erase personal data of every event that ended more than `months` ago; flushes. Returns counts."""
    now = now or utcnow()
    cutoff = now - timedelta(days=round(months * 30.44))
    events = db.session.scalars(select(Event).where(Event.ends_at < cutoff)).all()
    erased = 0
    for event in events:
        regs = db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, ~Registration.email_key.endswith("@" + ERASED_EMAIL_DOMAIN)
            )
        ).all()
        for reg in regs:
            erased += erase_registration(reg, actor=actor, reason=f"retensi {months} bulan berakhir")
        # The raw Zoom reports hold every attendee's name and email; the intervals drawn from them stay.
        from bimtek.attendance import services as attendance

        attendance.purge_zoom_reports(event.id)
    return {"events": len(events), "registrations": erased, "import_files": purge_stale_imports()}


def purge_stale_imports(max_age_hours: float = 24) -> int:
    """Delete import previews (participant lists) that were never confirmed; returns how many."""
    folder = Path(current_app.instance_path) / "imports"
    if not folder.is_dir():
        return 0
    limit = time.time() - max_age_hours * 3600
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
