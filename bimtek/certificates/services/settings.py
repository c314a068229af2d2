"""An event's certificate settings: numbering, signatory, issue place/date, design and field layout."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

from sqlalchemy import select

from bimtek.certificates import numbering
from bimtek.certificates.models import DEFAULT_NUMBER_PATTERN, TEMPLATES, CertificateSettings
from bimtek.certificates.pdf.errors import CertificateRenderError
from bimtek.certificates.pdf.model import TEMPLATE_FIELDS, FieldSpec, TemplateSpec
from bimtek.certificates.services.storage import stored_path
from bimtek.core import audit
from bimtek.core.time import as_utc
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import to_zone

# A starting layout for an uploaded background (A4 landscape, millimetres from the top-left corner).
DEFAULT_LAYOUT: dict[str, dict] = {
    "number_line": {"x_mm": 20, "y_mm": 62, "width_mm": 257, "size_pt": 12},
    "name": {"x_mm": 20, "y_mm": 92, "width_mm": 257, "size_pt": 28, "font": "serif-bold", "color": "#1F3A5F"},
    "role_line": {"x_mm": 20, "y_mm": 106, "width_mm": 257, "size_pt": 14, "font": "sans-bold"},
    "event_title": {"x_mm": 30, "y_mm": 120, "width_mm": 237, "size_pt": 15, "font": "serif-bold"},
    "date_place": {"x_mm": 30, "y_mm": 137, "width_mm": 237, "size_pt": 11},
    "jp_text": {"x_mm": 30, "y_mm": 144, "width_mm": 237, "size_pt": 11},
    "issue_line": {"x_mm": 180, "y_mm": 156, "width_mm": 90, "size_pt": 11},
    "signatory_title": {"x_mm": 180, "y_mm": 162, "width_mm": 90, "size_pt": 10},
    "signature": {"x_mm": 200, "y_mm": 168, "width_mm": 50},
    "signatory_name": {"x_mm": 180, "y_mm": 192, "width_mm": 90, "size_pt": 11, "font": "sans-bold"},
    "signatory_nip": {"x_mm": 180, "y_mm": 197, "width_mm": 90, "size_pt": 10},
    "qr": {"x_mm": 27, "y_mm": 160, "width_mm": 28},
    "verification_code": {"x_mm": 16, "y_mm": 196, "width_mm": 50, "size_pt": 8, "font": "sans-bold"},
}


# What a participant's certificate may print under the name (the organizer's choice).
OUTCOME_LINES = ("none", "score", "predikat")

LAYOUT_KEYS = ("x_mm", "y_mm", "width_mm", "font", "size_pt", "align", "color", "max_lines")


def get_settings(event: Event) -> CertificateSettings:
    """The event's certificate settings, created with defaults on first use; flushes."""
    settings = db.session.scalar(select(CertificateSettings).where(CertificateSettings.event_id == event.id))
    if settings is None:
        settings = CertificateSettings(event_id=event.id, number_pattern=DEFAULT_NUMBER_PATTERN, layout={})
        db.session.add(settings)
        db.session.flush()
    return settings


def series_code(event: Event, settings: CertificateSettings) -> str:
    """The {code} of the numbers and the key of the counter: the setting, else the event's code."""
    return settings.series_code or event.code


def issue_date(event: Event, settings: CertificateSettings) -> date:
    """The date printed and numbered: the setting, else the last day of the event in its zone."""
    return settings.issue_date or to_zone(as_utc(event.ends_at), event.timezone).date()


def issue_place(event: Event, settings: CertificateSettings) -> str:
    """The place printed before the issue date: the setting, else the event's city."""
    return settings.issue_place or event.city


def _digits(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def layout_fields(layout: dict) -> dict[str, FieldSpec]:
    """FieldSpecs from a stored layout dict; raise Invalid when a field or value is not allowed."""
    if not isinstance(layout, dict):
        raise Invalid("invalid", "Tata letak harus berupa objek JSON.", fields={"layout": "Format tidak valid."})
    specs = {}
    try:
        for name, values in layout.items():
            if name not in TEMPLATE_FIELDS or not isinstance(values, dict):
                raise CertificateRenderError("template_unknown_field", detail=str(name))
            kwargs = {k: values[k] for k in LAYOUT_KEYS if k in values}
            for k in ("x_mm", "y_mm", "width_mm", "size_pt"):
                if k in kwargs and isinstance(kwargs[k], str):
                    kwargs[k] = float(kwargs[k].replace(",", "."))
            if "max_lines" in kwargs:
                kwargs["max_lines"] = int(kwargs["max_lines"])
            kwargs.setdefault("width_mm", 50.0)
            kwargs.setdefault("x_mm", 0.0)
            kwargs.setdefault("y_mm", 0.0)
            specs[name] = FieldSpec(**kwargs)
    except (CertificateRenderError, TypeError, ValueError) as err:
        raise Invalid("invalid", "Tata letak tidak valid.", fields={"layout": str(err)}) from err
    return specs


def update_settings(event: Event, raw: dict, *, user) -> CertificateSettings:
    """Change the numbering, signatory, issue place/date, template choice and layout; flushes."""
    settings = get_settings(event)
    errors: dict[str, str] = {}
    values: dict = {}

    def text(name: str, limit: int) -> str | None:
        if name not in raw:
            return None
        value = " ".join(str(raw.get(name) or "").split())
        if len(value) > limit:
            errors[name] = f"Maksimal {limit} karakter."
        values[name] = value
        return value

    pattern = text("number_pattern", 200)
    if pattern is not None:
        try:
            numbering.validate_pattern(pattern)
        except numbering.NumberingError as err:
            errors["number_pattern"] = str(err)
    code = text("series_code", 60)
    if code and any(ch in code for ch in "{}"):
        errors["series_code"] = "Kode seri tidak boleh memuat kurung kurawal."
    text("signatory_name", 200)
    text("signatory_title", 300)
    text("issue_place", 120)
    if "signatory_nip" in raw:
        nip = _digits(str(raw.get("signatory_nip") or ""))
        if nip and not (len(nip) == 18 and nip.isascii() and nip.isdigit()):
            errors["signatory_nip"] = "NIP harus 18 angka."
        values["signatory_nip"] = nip
    if "issue_date" in raw:
        value = raw.get("issue_date")
        if value in (None, ""):
            values["issue_date"] = None
        else:
            try:
                values["issue_date"] = value if isinstance(value, date) else date.fromisoformat(str(value))
            except ValueError:
                errors["issue_date"] = "Tanggal tidak valid (format TTTT-BB-HH)."
    if "template" in raw:
        if raw["template"] not in TEMPLATES:
            errors["template"] = "Pilihan templat tidak dikenal."
        else:
            values["template"] = raw["template"]
    if "print_outcome" in raw:
        if raw["print_outcome"] not in OUTCOME_LINES:
            errors["print_outcome"] = "Pilihan hasil post-test tidak dikenal."
        else:
            values["print_outcome"] = raw["print_outcome"]
    if "back_page" in raw:
        values["back_page"] = raw["back_page"] in (True, "1", "on", "y", "true", 1)
    if "layout" in raw:
        layout = raw["layout"]
        if isinstance(layout, str):
            try:
                layout = json.loads(layout or "{}")
            except ValueError:
                layout = None
                errors["layout"] = "Tata letak harus berupa JSON yang valid."
        if layout is not None:
            try:
                values["layout"] = {n: dataclasses.asdict(spec) for n, spec in layout_fields(layout).items()}
            except Invalid as err:
                errors.update(err.fields)
    if values.get("template", settings.template) == "background" and not settings.background_image:
        errors["template"] = "Unggah gambar latar terlebih dahulu."
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    changed = sorted(k for k, v in values.items() if getattr(settings, k) != v)
    for name in changed:
        setattr(settings, name, values[name])
    if changed:
        audit.record("certificates.settings", settings, event_id=event.id, actor=user, details={"fields": changed})
    db.session.flush()
    return settings


def template_spec(settings: CertificateSettings) -> TemplateSpec | None:
    """The uploaded background and its field layout, or None for the default design."""
    if settings.template != "background" or not settings.background_image:
        return None
    return TemplateSpec(
        background_jpeg_path=stored_path(settings.background_image),
        fields=layout_fields(settings.layout or DEFAULT_LAYOUT),
    )


def copy_settings(source_event_id: int, target: Event) -> bool:
    """Give ``target`` another event's certificate design: numbering pattern, signatory, template, layout and
    images (the stored files are shared read-only; an upload replaces the path, never the file). The issue
    date is left blank (the last day of the new event) and numbering starts again: no certificates copied."""
    old = db.session.scalar(select(CertificateSettings).where(CertificateSettings.event_id == source_event_id))
    if old is None:
        return False
    db.session.add(CertificateSettings(
        event_id=target.id, number_pattern=old.number_pattern, series_code=old.series_code,
        signatory_name=old.signatory_name, signatory_nip=old.signatory_nip, signatory_title=old.signatory_title,
        issue_place=old.issue_place, issue_date=None, signature_image=old.signature_image,
        logo_image=old.logo_image, template=old.template, background_image=old.background_image,
        layout=dict(old.layout or {}), back_page=old.back_page,
    ))  # fmt: skip
    db.session.flush()
    return True
