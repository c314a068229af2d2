"""From the database to the printed and exported check-in documents (badges, daftar hadir, recap)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import or_, select

from bimtek.checkin import services
from bimtek.checkin.models import CheckIn, slot_key
from bimtek.checkin.pdf import AttendanceSheet, Badge, SheetRow, attendance_pdf, badges_pdf
from bimtek.checkin.recap import recap_workbook
from bimtek.core.time import as_utc
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import format_clock, format_long_date, format_short_date
from bimtek.registration.models import Registration
from bimtek.registration.nip import format_nip

__all__ = ["ORDERS", "Badge", "attendance_pdf", "attendance_sheet_for", "badges_pdf", "font_dir", "recap_xlsx"]

# The orders an organizer can pick for the daftar hadir (labels are translated in the template).
ORDERS = ("name", "institution", "registered", "arrival")


def font_dir(app: Flask) -> Path:
    """The bundled TTF fonts."""
    return Path(app.static_folder) / "fonts"


def _people(event: Event, admitted_ids: set[int]) -> list[Registration]:
    """Confirmed on-site participants, plus anyone admitted (an online registrant let in by an organizer)."""
    onsite = (Registration.status == "confirmed") & (Registration.mode == "onsite")
    cond = or_(onsite, Registration.id.in_(admitted_ids)) if admitted_ids else onsite
    return db.session.scalars(select(Registration).where(Registration.event_id == event.id, cond)).all()


def _rank_position(r: Registration) -> str:
    return " / ".join(x for x in (r.rank, r.position) if x)


def _institution(r: Registration) -> str:
    return " / ".join(x for x in (r.institution_name, r.work_unit) if x)


def attendance_sheet_for(event: Event, slot: services.Slot, *, order: str = "name", only_present: bool = False):
    """The daftar hadir's content for one day or session, in Indonesian, in the chosen order."""
    admitted = services.admitted_ids(event, slot)
    regs = _people(event, set(admitted))
    if only_present:
        regs = [r for r in regs if r.id in admitted]
    far_future = "9999"
    keys = {
        "name": lambda r: (r.name_key, r.id),
        "institution": lambda r: (r.institution_name.casefold(), r.name_key, r.id),
        "registered": lambda r: (as_utc(r.created_at), r.id),
        "arrival": lambda r: (
            as_utc(admitted[r.id].scanned_at).isoformat() if r.id in admitted else far_future,
            r.name_key,
        ),  # fmt: skip
    }
    regs = sorted(regs, key=keys.get(order, keys["name"]))
    tz = event.timezone
    session = next((s for s in event.sessions if s.id == slot.session_id), None)
    if session is not None:
        time = f"{format_clock(session.starts_at, tz, 'id')[:5]} – {format_clock(session.ends_at, tz, 'id')}"
    else:
        first = next((s for s in event.sessions if services.local_day(s.starts_at, tz) == slot.day), None)
        start = first.starts_at if first else event.starts_at
        time = f"{format_clock(start, tz, 'id')} – selesai"
    rows = [
        SheetRow(r.full_name, format_nip(r.nip) if r.nip else "-", _rank_position(r), _institution(r)) for r in regs
    ]
    return AttendanceSheet(
        letterhead=[x for x in ((event.organizer_unit or event.title).upper(), event.venue_address) if x],
        title="DAFTAR HADIR PESERTA",
        activity=event.title,
        session=session.title if session else "",
        day_date=format_long_date(slot.day, tz, "id"),
        time=time,
        place=", ".join(x for x in (event.venue_name, event.city) if x),
        rows=rows,
        sign_place_date=f"{event.city or '....'}, {format_short_date(slot.day, tz, 'id')}",
    )


def recap_xlsx(event: Event) -> bytes:
    """One row per participant, one column per day and session with the arrival time ("09.03")."""
    zone = ZoneInfo(event.timezone)
    admits = db.session.scalars(
        select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.admit_key.is_not(None))
    ).all()
    by_reg: dict[int, dict[str, str]] = {}
    for row in admits:
        local = as_utc(row.scanned_at).astimezone(zone)
        by_reg.setdefault(row.registration_id, {})[slot_key(row.session_id, row.day)] = f"{local:%H.%M}"
    slots = services.slots(event)
    regs = sorted(_people(event, set(by_reg)), key=lambda r: (r.name_key, r.id))
    header = ["No", "Nama", "Kode", "NIP", "Gol/Jabatan", "Instansi", "Unit kerja", "Mode"]
    header += [f"Hadir: {s.label}" for s in slots] + ["Jumlah hadir"]
    rows = []
    for i, r in enumerate(regs, start=1):
        times = by_reg.get(r.id, {})
        rows.append([
            i, r.full_name, r.code, format_nip(r.nip) if r.nip else "", _rank_position(r), r.institution_name,
            r.work_unit, r.mode, *[times.get(s.key, "") for s in slots], len(times),
        ])  # fmt: skip
    return recap_workbook(f"Rekap kehadiran: {event.title}", header, rows)
