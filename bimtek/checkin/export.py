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
from bimtek.core.labels import label
from bimtek.core.pdfkit import Signatory, generated_footer, nip_text
from bimtek.core.tickets import encode_ticket
from bimtek.core.time import as_utc, utcnow
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import format_clock, format_long_date, format_short_date
from bimtek.organizers import queries as organizers
from bimtek.registration.models import Registration
from bimtek.registration.nip import format_nip

__all__ = ["ORDERS", "Badge", "attendance_pdf", "attendance_sheet_for", "badges_for", "badges_pdf", "font_dir",
           "recap_xlsx",
           "speaker_sheet_for"]  # fmt: skip

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
    rows = [SheetRow(r.full_name, nip_text(r.nip) if r.nip else "-", _rank_position(r), _institution(r)) for r in regs]
    return _sheet(event, "DAFTAR HADIR PESERTA", slot, time, session.title if session else "", rows)


def _sheet(event: Event, title: str, slot, time: str, session: str, rows: list[SheetRow], **extra) -> AttendanceSheet:
    # The kop and the signatory are the organizer's (its profile), never the venue's.
    org = organizers.for_event(event)
    tz = event.timezone
    return AttendanceSheet(
        letterhead=org.kop,
        title=title,
        activity=event.title,
        session=session,
        day_date=format_long_date(slot.day, tz, "id"),
        time=time,
        place=", ".join(x for x in (event.venue_name, event.city) if x),
        rows=rows,
        sign_place_date=f"{event.city or '....'}, {format_short_date(slot.day, tz, 'id')}",
        signatory=Signatory(org.chair.title, org.chair.name, org.chair.nip),
        footer=generated_footer(f"kegiatan {event.code}", utcnow(), tz),
        **extra,
    )


def speaker_sheet_for(event: Event, slot: services.Slot) -> AttendanceSheet:
    """Daftar hadir narasumber dan moderator of a day or session: role and session in place of the rank."""
    tz = event.timezone
    sessions = [s for s in event.sessions if s.id == slot.session_id] if slot.session_id else [
        s for s in event.sessions if services.local_day(s.starts_at, tz) == slot.day]  # fmt: skip
    rows = [SheetRow(sp.name, "-", f"{label('role', sp.role, 'id')} / {s.title}", sp.institution)
            for s in sessions for sp in s.speakers]  # fmt: skip
    start = sessions[0].starts_at if sessions else event.starts_at
    end = sessions[-1].ends_at if sessions else event.ends_at
    time = f"{format_clock(start, tz, 'id')[:5]} – {format_clock(end, tz, 'id')}"
    session = sessions[0].title if slot.session_id and sessions else ""
    return _sheet(event, "DAFTAR HADIR NARASUMBER DAN MODERATOR", slot, time, session, rows,
                  rank_header="PERAN/SESI", counts=False, people="narasumber dan moderator")  # fmt: skip


def onsite_confirmed(event: Event, ids: list[int] | None = None) -> list[Registration]:
    """Confirmed on-site participants (all, or the chosen ids), by name."""
    q = select(Registration).where(
        Registration.event_id == event.id, Registration.status == "confirmed", Registration.mode == "onsite"
    )
    if ids:
        q = q.where(Registration.id.in_(ids))
    return db.session.scalars(q.order_by(Registration.name_key)).all()


def badges_for(event: Event, ids: list[int] | None = None) -> list[Badge]:
    """Badges of confirmed on-site participants, with their ticket QR and role line."""
    regs = onsite_confirmed(event, ids)
    return [
        Badge(name=r.full_name, institution=r.institution_name, code=r.code, role="PESERTA",
              qr_text=encode_ticket(event.ticket_private_key, event.id, bytes.fromhex(r.ticket_id), 1))
        for r in regs
    ]  # fmt: skip


def speaker_badges(event: Event) -> list[Badge]:
    """Badges of the event's narasumber and moderators (no ticket, so no QR), one per person and role."""
    seen, out = set(), []
    for s in event.sessions:
        for sp in s.speakers:
            key = (sp.name.casefold(), sp.role)
            if key not in seen:
                seen.add(key)
                out.append(Badge(sp.name, sp.institution, "", "", label("role", sp.role, "id").upper()))
    return out


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
            r.work_unit, label("mode_short", r.mode, "id"), *[times.get(s.key, "") for s in slots], len(times),
        ])  # fmt: skip
    return recap_workbook(f"Rekap kehadiran: {event.title}", header, rows)
