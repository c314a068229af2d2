"""Emails to participants: what each one carries and how links in them are built."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from bimtek.core.codes import format_code
from bimtek.core.labels import label
from bimtek.core.mail import send_email
from bimtek.core.time import utcnow
from bimtek.i18n import format_clock, format_date_range, format_event_when
from bimtek.registration import services
from bimtek.registration.ics import event_ics
from bimtek.registration.models import Registration
from bimtek.registration.ticket_pdf import TicketInfo, ticket_pdf

SUBJECTS = {
    "confirmed": "Pendaftaran diterima: %(title)s",
    "approved": "Pendaftaran disetujui: %(title)s",
    "promoted": "Anda mendapat kursi: %(title)s",
    "mode_changed": "Cara mengikuti diubah: %(title)s",
    "reissued": "Tiket baru: %(title)s",
    "rejected": "Pendaftaran tidak disetujui: %(title)s",
    "cancelled": "Pendaftaran dibatalkan: %(title)s",
    "manage_link": "Tautan kelola pendaftaran: %(title)s",
}
TEMPLATES = {"rejected": "registration_rejected", "cancelled": "registration_cancelled",
             "manage_link": "registration_manage_link"}  # fmt: skip


def external_url(endpoint: str, **values) -> str:
    """An absolute link on BASE_URL (emails are also built by the job worker, outside any request)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def venue_text(event) -> str:
    return ", ".join(p for p in (event.venue_name, event.venue_address, event.city) if p)


def ticket_pdf_for(reg: Registration) -> bytes | None:
    """The printable ticket of an on-site confirmed registration."""
    text = services.ticket_text(reg)
    if text is None:
        return None
    event = reg.event
    info = TicketInfo(
        event_title=event.title,
        when=format_event_when(event.starts_at, event.ends_at, event.timezone, "id"),
        venue=venue_text(event),
        full_name=reg.full_name,
        institution=reg.institution_name,
        code=reg.code,
        qr_text=text,
    )
    return ticket_pdf(info, font_dir=Path(current_app.static_folder) / "fonts")


def ics_for(reg: Registration) -> str:
    """Calendar entry; the Zoom link goes in only for a confirmed online participant."""
    event = reg.event
    online_ok = reg.mode == "online" and reg.status == "confirmed"
    location = event.zoom_join_url if online_ok else venue_text(event)
    return event_ics(
        uid=f"{reg.code}@bimtek",
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=location if reg.mode == "onsite" or online_ok else "Zoom",
        description=f"Kode registrasi: {reg.code}\nKelola pendaftaran: {external_url('registration.manage', token=reg.manage_token)}",
        url=external_url("events.public_detail", slug=event.slug),
        now=utcnow(),
    )


def send_registration_email(reg: Registration, kind: str, *, extra: dict | None = None) -> bool:
    """Send one participant email now (text + HTML, Bahasa Indonesia) with the ticket and calendar attached."""
    event = reg.event
    with force_locale("id"):
        ctx = {
            "reg": reg,
            "event": event,
            "kind": kind,
            "manage_url": external_url("registration.manage", token=reg.manage_token),
            "event_url": external_url("events.public_detail", slug=event.slug),
            "when": format_event_when(event.starts_at, event.ends_at, event.timezone, "id"),
            "until": format_clock(event.ends_at, event.timezone, "id"),
            "date": format_date_range(event.starts_at, event.ends_at, event.timezone, "id"),
            "venue": venue_text(event),
            "status_label": label("registration_status", reg.status),
            "mode_label": label("mode", reg.mode),
            "show_zoom": reg.mode == "online" and reg.status == "confirmed",
            "show_ticket": services.ticket_text(reg) is not None,
            **(extra or {}),
        }
        attachments = []
        if kind not in ("rejected", "cancelled", "manage_link"):
            pdf = ticket_pdf_for(reg)
            if pdf:
                attachments.append((f"tiket-{reg.code}.pdf", pdf, "application/pdf"))
            attachments.append((f"{event.code.lower()}.ics", ics_for(reg).encode("utf-8"), "text/calendar"))
        subject = _(SUBJECTS[kind], title=event.title) if kind in SUBJECTS else kind
        template = TEMPLATES.get(kind, "registration_confirmed")
        return send_email(reg.email, subject, template, attachments, **ctx)


LINKS_SUBJECT = "Tautan kelola pendaftaran Anda di Bimtek"


def send_links_email(regs: list[Registration]) -> bool:
    """One email to the address of ``regs`` with every event's manage link ("Lupa tautan?")."""
    with force_locale("id"):
        items = [
            {
                "title": reg.event.title,
                "when": format_event_when(reg.event.starts_at, reg.event.ends_at, reg.event.timezone, "id"),
                "code": format_code(reg.code),
                "status_label": label("registration_status", reg.status),
                "manage_url": external_url("registration.manage", token=reg.manage_token),
            }
            for reg in regs
        ]
        return send_email(regs[0].email, _(LINKS_SUBJECT), "registration_links", name=regs[0].full_name, items=items)
