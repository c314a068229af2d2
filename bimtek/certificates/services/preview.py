"""The settings preview: a specimen certificate (CONTOH / SPECIMEN, number XXX/...) never stored."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

from flask import current_app

from bimtek.certificates import numbering
from bimtek.certificates.models import TEMPLATES, CertificateSettings
from bimtek.certificates.pdf.errors import CertificateRenderError
from bimtek.certificates.pdf.kit import FONTS_DIR
from bimtek.certificates.pdf.model import CertificateData
from bimtek.certificates.pdf.render import render_certificate
from bimtek.certificates.services.issuing import event_date_text, venue_text, verify_url
from bimtek.certificates.services.settings import (
    get_settings,
    issue_date,
    issue_place,
    layout_fields,
    series_code,
    template_spec,
)
from bimtek.certificates.services.storage import stored_path
from bimtek.errors import DomainError, Invalid
from bimtek.events.models import Event
from bimtek.i18n import format_short_date


def sample_data(event: Event, settings: CertificateSettings) -> CertificateData:
    """A specimen certificate with the current settings: marked CONTOH / SPECIMEN, number XXX/..., never stored."""
    when = issue_date(event, settings)
    try:
        number = numbering.format_specimen(settings.number_pattern, series_code(event, settings), when)
    except numbering.NumberingError as err:
        raise Invalid("invalid", str(err), fields={"number_pattern": str(err)}) from err
    sessions = (
        [(s.title, s.jp, [sp.name for sp in s.speakers if sp.role == "narasumber"]) for s in event.sessions]
        if settings.back_page
        else ()
    )
    base = current_app.config["BASE_URL"].rstrip("/")
    return CertificateData(
        number=number,
        name="Dr. Nama Peserta Contoh, S.Kom., M.Si.",
        role="PESERTA",
        event_title=event.title,
        organizer=event.organizer_unit,
        date_text=event_date_text(event),
        place_text=venue_text(event),
        jp=sum(float(s.jp or 0) for s in event.sessions) or None,
        issue_place=issue_place(event, settings),
        issue_date_text=format_short_date(when, locale="id"),
        signatory_title=settings.signatory_title,
        signatory_name=settings.signatory_name or "Nama Pejabat Penandatangan",
        signatory_nip=settings.signatory_nip,
        signature_image_path=stored_path(settings.signature_image) if settings.signature_image else None,
        logo_path=stored_path(settings.logo_image) if settings.logo_image else None,
        verify_url=verify_url(base, "CONTOHKODE23"),
        verification_code="CONT-OHKO-DE23",
        specimen=True,
        sessions=sessions,
    )


def render_preview(event: Event, overrides: dict | None = None) -> bytes:
    """A live preview PDF with the saved settings, or with unsaved ones from the form (not stored)."""
    settings = get_settings(event)
    # A detached copy: the preview must never change the saved settings.
    preview = SimpleNamespace(**{c.key: getattr(settings, c.key) for c in CertificateSettings.__table__.columns})
    for key, value in (overrides or {}).items():
        if key == "layout":
            if isinstance(value, str):
                try:
                    value = json.loads(value or "{}")
                except ValueError as err:
                    raise Invalid(
                        "invalid", "Tata letak harus berupa JSON yang valid.", fields={"layout": "JSON tidak valid."}
                    ) from err
            layout_fields(value)
        if key == "number_pattern":
            try:
                numbering.validate_pattern(value)
            except numbering.NumberingError as err:
                raise Invalid("invalid", str(err), fields={"number_pattern": str(err)}) from err
        if key == "template" and value not in TEMPLATES:
            continue
        if key == "back_page":
            value = value in (True, "1", "on", "y", "true", 1)
        if key == "issue_date":
            try:
                value = date.fromisoformat(value) if value else None
            except ValueError:
                value = None
        setattr(preview, key, value)
    try:
        return render_certificate(sample_data(event, preview), template_spec(preview), FONTS_DIR)
    except CertificateRenderError as err:
        raise DomainError("render", str(err), status=422) from err
