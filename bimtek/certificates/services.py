"""Certificate rules: settings, eligibility, issuing (numbered, frozen, stored), revocation, delivery, TTE.

Services flush and never commit. The one place that commits per batch is the issuing runner in tasks.py,
because a bulk issue must survive a crash halfway with everything before the crash kept.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bimtek.attendance.models import EligibilityRule, EligibilityVerdict
from bimtek.certificates import numbering, pdf
from bimtek.certificates import signing as sig
from bimtek.certificates.models import (
    DEFAULT_NUMBER_PATTERN,
    ROLES,
    TEMPLATES,
    Certificate,
    CertificateSeries,
    CertificateSettings,
)
from bimtek.core import audit
from bimtek.core.codes import format_code, new_registration_code, normalize_code
from bimtek.core.spreadsheet import safe_cell
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid, NotFound
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import format_long_date, format_short_date, to_zone
from bimtek.registration.models import Registration

FONTS_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
VERIFY_CODE_LENGTH = 12  # 30**12 ~ 5e17 codes from the unambiguous alphabet; verification is rate-limited
ROLE_LABELS = {"peserta": "PESERTA", "narasumber": "NARASUMBER", "moderator": "MODERATOR", "panitia": "PANITIA"}
STATUS_LABELS = {"valid": "VALID", "revoked": "DICABUT", "replaced": "DIGANTI"}
ONLINE_PLACE = "secara daring melalui Zoom"

IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_KINDS = ("signature", "logo", "background")
ZIP_MAX_FILES = 5000
ZIP_MAX_TOTAL = 300 * 1024 * 1024
ZIP_MAX_ENTRY = 25 * 1024 * 1024  # a signed certificate is well under 1 MB

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
LAYOUT_KEYS = ("x_mm", "y_mm", "width_mm", "font", "size_pt", "align", "color", "max_lines")


# ------------------------------------------------------------------------------------------- storage


def instance_dir() -> Path:
    """Where uploads and issued PDFs live (the app's instance folder)."""
    return Path(current_app.instance_path)


def stored_path(relative: str) -> Path:
    """Absolute path of a file we stored under instance/ (names are ours, never user-chosen)."""
    root = instance_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise NotFound("not_found", "Berkas tidak ditemukan.")
    return path


def _write_atomic(relative: str, data: bytes) -> None:
    path = instance_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------------ settings


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


def layout_fields(layout: dict) -> dict[str, pdf.FieldSpec]:
    """FieldSpecs from a stored layout dict; raise Invalid when a field or value is not allowed."""
    if not isinstance(layout, dict):
        raise Invalid("invalid", "Tata letak harus berupa objek JSON.", fields={"layout": "Format tidak valid."})
    specs = {}
    try:
        for name, values in layout.items():
            if name not in pdf.TEMPLATE_FIELDS or not isinstance(values, dict):
                raise pdf.CertificateRenderError("template_unknown_field", detail=str(name))
            kwargs = {k: values[k] for k in LAYOUT_KEYS if k in values}
            for k in ("x_mm", "y_mm", "width_mm", "size_pt"):
                if k in kwargs and isinstance(kwargs[k], str):
                    kwargs[k] = float(kwargs[k].replace(",", "."))
            if "max_lines" in kwargs:
                kwargs["max_lines"] = int(kwargs["max_lines"])
            kwargs.setdefault("width_mm", 50.0)
            kwargs.setdefault("x_mm", 0.0)
            kwargs.setdefault("y_mm", 0.0)
            specs[name] = pdf.FieldSpec(**kwargs)
    except (pdf.CertificateRenderError, TypeError, ValueError) as err:
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


def save_image(event: Event, kind: str, data: bytes, *, user) -> CertificateSettings:
    """Store an uploaded PNG/JPEG (checked by content, size and pixels) under a generated name; flushes.

    Backgrounds are converted to JPEG once (a PNG background makes every PDF big and slow); signature
    and logo images are re-encoded as PNG so their transparency survives.
    """
    from PIL import Image, UnidentifiedImageError

    if kind not in IMAGE_KINDS:
        raise Invalid("invalid", "Jenis gambar tidak dikenal.")
    if not data:
        raise Invalid("invalid", "Pilih berkas gambar.", fields={kind: "Pilih berkas gambar."})
    if len(data) > IMAGE_MAX_BYTES:
        raise Invalid("too_large", "Gambar terlalu besar (maksimal 10 MB).", fields={kind: "Maksimal 10 MB."})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
        if fmt not in ("PNG", "JPEG"):
            raise Invalid("bad_image", "Gambar harus PNG atau JPEG.", fields={kind: "Harus PNG atau JPEG."})
        if width * height > IMAGE_MAX_PIXELS or width < 10 or height < 10:
            raise Invalid(
                "bad_image",
                "Ukuran piksel gambar tidak diterima (maksimal 40 megapiksel).",
                fields={kind: "Ukuran piksel tidak diterima."},
            )
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            out = io.BytesIO()
            if kind == "background":
                img.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
                ext = "jpg"
            else:
                img.convert("RGBA").save(out, "PNG", optimize=True)
                ext = "png"
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise Invalid(
            "bad_image", "Berkas bukan gambar PNG/JPEG yang valid.", fields={kind: "Bukan gambar yang valid."}
        ) from err
    settings = get_settings(event)
    relative = f"certificates/assets/{event.id}/{kind}-{new_registration_code(16).lower()}.{ext}"
    _write_atomic(relative, out.getvalue())
    setattr(settings, f"{kind}_image", relative)
    if kind == "background" and not settings.layout:
        settings.layout = DEFAULT_LAYOUT
    audit.record("certificates.upload", settings, event_id=event.id, actor=user, details={"kind": kind})
    db.session.flush()
    return settings


def remove_image(event: Event, kind: str, *, user) -> None:
    """Forget an uploaded image (the file stays for already-issued certificates' history)."""
    settings = get_settings(event)
    if kind not in IMAGE_KINDS:
        raise Invalid("invalid", "Jenis gambar tidak dikenal.")
    setattr(settings, f"{kind}_image", None)
    if kind == "background":
        settings.template = "default"
    audit.record("certificates.upload_remove", settings, event_id=event.id, actor=user, details={"kind": kind})
    db.session.flush()


# --------------------------------------------------------------------------------------- eligibility


def attendance_rules_applied(event: Event) -> bool:
    """Whether the organizer has set an attendance rule for the event (then stored verdicts decide)."""
    return db.session.scalar(select(EligibilityRule.id).where(EligibilityRule.event_id == event.id)) is not None


def eligible_registration_ids(event: Event) -> set[int]:
    """Registrations of the event that qualify for a participant certificate.

    With an attendance rule set, the stored verdicts decide (the organizer's override wins over the
    computed verdict); without one, every confirmed registration qualifies and the pages say so.
    """
    confirmed = select(Registration.id).where(Registration.event_id == event.id, Registration.status == "confirmed")
    if not attendance_rules_applied(event):
        return set(db.session.scalars(confirmed))
    final = func.coalesce(EligibilityVerdict.override, EligibilityVerdict.eligible)
    rows = db.session.scalars(
        select(EligibilityVerdict.registration_id).where(
            EligibilityVerdict.event_id == event.id,
            EligibilityVerdict.registration_id.in_(confirmed.scalar_subquery()),
            final.is_(True),
        )
    )
    return set(rows)


def ineligibility_reasons(registration: Registration) -> list[str]:
    """Why a participant does not (yet) qualify; empty when they do."""
    if registration.status != "confirmed":
        return ["pendaftaran tidak berstatus terkonfirmasi"]
    if not attendance_rules_applied(registration.event):
        return []
    verdict = db.session.scalar(select(EligibilityVerdict).where(EligibilityVerdict.registration_id == registration.id))
    if verdict is None:
        return ["kehadiran belum dinilai oleh panitia"]
    if verdict.final:
        return []
    if verdict.override is False and verdict.override_reason:
        return [verdict.override_reason]
    texts = [str(r) for r in (verdict.reasons or []) if str(r).strip()]
    return texts or ["syarat kehadiran tidak terpenuhi"]


# ------------------------------------------------------------------------------------------- holders


@dataclass(frozen=True)
class Holder:
    """Someone a certificate is for: a participant (by registration) or a speaker/panitia (by name)."""

    role: str
    key: str
    name: str
    registration_id: int | None = None
    place_text: str | None = None  # None: the event's venue


def name_key(name: str) -> str:
    """Identity of a speaker or panitia member by name (case- and width-insensitive)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "name:" + " ".join(text.split())[:200]


def participant_holders(event: Event, registration_ids: Iterable[int] | None = None) -> list[Holder]:
    """Eligible participants (optionally only some of them), in registration order."""
    eligible = eligible_registration_ids(event)
    if registration_ids is not None:
        eligible &= {int(i) for i in registration_ids}
    if not eligible:
        return []
    rows = db.session.execute(
        select(Registration.id, Registration.full_name, Registration.mode)
        .where(Registration.event_id == event.id, Registration.id.in_(eligible))
        .order_by(Registration.created_at, Registration.id)
    )
    return [
        Holder("peserta", f"reg:{rid}", name, rid, ONLINE_PLACE if mode == "online" else None)
        for rid, name, mode in rows
    ]


def speaker_holders(event: Event, roles: Iterable[str] = ("narasumber", "moderator")) -> list[Holder]:
    """One holder per distinct speaker name and role across the agenda (a moderator of two sessions once)."""
    out: dict[tuple[str, str], Holder] = {}
    for session in event.sessions:
        for sp in session.speakers:
            if sp.role in roles:
                out.setdefault((sp.role, name_key(sp.name)), Holder(sp.role, name_key(sp.name), sp.name.strip()))
    return list(out.values())


def panitia_holders(names: Iterable[str]) -> list[Holder]:
    """Holders for panitia names typed by the organizer (one per line); raise Invalid on bad names."""
    out: dict[str, Holder] = {}
    for raw in names:
        name = " ".join(unicodedata.normalize("NFC", str(raw)).split())
        if not name:
            continue
        if len(name) > 200 or not any(ch.isalpha() for ch in name):
            raise Invalid("invalid", "Nama panitia tidak valid.", fields={"names": f"Nama tidak valid: {name[:40]}"})
        out.setdefault(name_key(name), Holder("panitia", name_key(name), name))
    return list(out.values())


def holders_for(event: Event, scope: str, *, registration_ids=None, names=None) -> list[Holder]:
    """Who a job issues for: all eligible participants, some of them, the speakers, or panitia."""
    if scope == "eligible":
        return participant_holders(event)
    if scope == "selected":
        return participant_holders(event, registration_ids or [])
    if scope == "speakers":
        return speaker_holders(event)
    if scope == "panitia":
        return panitia_holders(names or [])
    raise Invalid("invalid", "Cakupan penerbitan tidak dikenal.", fields={"scope": "Tidak dikenal."})


def current_keys(event: Event, holders: list[Holder]) -> set[tuple[str, str]]:
    """(role, holder key) of the given holders that already have a current certificate."""
    if not holders:
        return set()
    keys = {h.key for h in holders}
    rows = db.session.execute(
        select(Certificate.role, Certificate.holder_key).where(
            Certificate.event_id == event.id, Certificate.current_flag.is_(True), Certificate.holder_key.in_(keys)
        )
    )
    return {(r, k) for r, k in rows}


def pending_holders(event: Event, holders: list[Holder]) -> list[Holder]:
    """The holders that still have no current certificate."""
    done = current_keys(event, holders)
    return [h for h in holders if (h.role, h.key) not in done]


# ------------------------------------------------------------------------------------------- issuing


@dataclass
class IssueContext:
    """What every certificate of one run shares, read once: event facts, settings, template and signer."""

    event: Event
    settings: CertificateSettings
    series_id: int
    pattern: str
    code: str
    issue_date: date
    issue_date_text: str
    issue_place: str
    date_text: str
    venue_text: str
    jp: float | None
    sessions: list
    template: pdf.TemplateSpec | None
    base_url: str
    signer: object | None = None
    user_id: int | None = None
    job_id: int | None = None
    render_hook: object | None = field(default=None, repr=False)
    renderer: object | None = field(default=None, repr=False)


def event_date_text(event: Event) -> str:
    """The event's date as printed: "Kamis, 25 Agustus 2022", or a range for several days."""
    start = to_zone(as_utc(event.starts_at), event.timezone)
    end = to_zone(as_utc(event.ends_at), event.timezone)
    if start.date() == end.date():
        return format_long_date(start, event.timezone, locale="id")
    return f"{format_short_date(start, event.timezone, locale='id')} s.d. {format_short_date(end, event.timezone, locale='id')}"


def venue_text(event: Event) -> str:
    """The venue as printed: "Swiss-Belhotel Harbour Bay, Batam"."""
    return ", ".join(p for p in (event.venue_name, event.city) if p)


def get_series(event: Event, code: str) -> CertificateSeries:
    """The event's counter for a series code, created on first use (safe under concurrent creation)."""
    q = select(CertificateSeries).where(CertificateSeries.event_id == event.id, CertificateSeries.code == code)
    series = db.session.scalar(q)
    if series is None:
        try:
            with db.session.begin_nested():
                series = CertificateSeries(event_id=event.id, code=code, next_seq=1)
                db.session.add(series)
        except IntegrityError:
            series = db.session.scalar(q)
    return series


def signer_from_config():
    """The operator's PAdES signer (BIMTEK_SIGNING_P12_PATH / _PASSWORD), or None when not configured."""
    path = current_app.config.get("SIGNING_P12_PATH")
    if not path:
        return None
    password = current_app.config.get("SIGNING_P12_PASSWORD") or ""
    return sig.load_signer(path, password)


def template_spec(settings: CertificateSettings) -> pdf.TemplateSpec | None:
    """The uploaded background and its field layout, or None for the default design."""
    if settings.template != "background" or not settings.background_image:
        return None
    return pdf.TemplateSpec(
        background_jpeg_path=stored_path(settings.background_image),
        fields=layout_fields(settings.layout or DEFAULT_LAYOUT),
    )


def issue_context(event: Event, *, user=None, job_id: int | None = None, settings=None) -> IssueContext:
    """Read the event and its settings once for a run of issuing."""
    settings = settings or get_settings(event)
    code = series_code(event, settings)
    when = issue_date(event, settings)
    sessions = [[s.title, s.jp, [sp.name for sp in s.speakers]] for s in event.sessions] if settings.back_page else []
    total_jp = sum(float(s.jp or 0) for s in event.sessions)
    return IssueContext(
        event=event,
        settings=settings,
        series_id=get_series(event, code).id,
        pattern=settings.number_pattern or DEFAULT_NUMBER_PATTERN,
        code=code,
        issue_date=when,
        issue_date_text=format_short_date(when, locale="id"),
        issue_place=issue_place(event, settings),
        date_text=event_date_text(event),
        venue_text=venue_text(event),
        jp=total_jp or None,
        sessions=sessions,
        template=template_spec(settings),
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        signer=signer_from_config(),
        user_id=getattr(user, "id", None),
        job_id=job_id,
    )


def verify_url(base_url: str, code: str) -> str:
    """The public verification address printed in the QR."""
    return f"{base_url}/verify/{format_code(code)}"


def certificate_data(cert: Certificate, settings: CertificateSettings, base_url: str) -> pdf.CertificateData:
    """What the PDF prints, from the frozen snapshot (plus the settings' images)."""
    return pdf.CertificateData(
        number=cert.number,
        name=cert.name,
        role=ROLE_LABELS[cert.role],
        event_title=cert.event_title,
        organizer=cert.organizer,
        date_text=cert.date_text,
        place_text=cert.place_text,
        jp=cert.jp if cert.role == "peserta" else None,
        issue_place=cert.issue_place,
        issue_date_text=cert.issue_date_text,
        signatory_title=cert.signatory_title,
        signatory_name=cert.signatory_name,
        signatory_nip=cert.signatory_nip,
        signature_image_path=stored_path(settings.signature_image) if settings.signature_image else None,
        logo_path=stored_path(settings.logo_image) if settings.logo_image else None,
        verify_url=verify_url(base_url, cert.verification_code),
        verification_code=format_code(cert.verification_code),
        sessions=[tuple(s) for s in (cert.sessions or [])] if cert.role == "peserta" else (),
    )


def allocate_seqs(series_id: int, count: int = 1) -> int:
    """Take ``count`` consecutive numbers of a series; returns the first.

    One atomic UPDATE ... RETURNING inside the caller's transaction: the numbers are only kept if the
    certificates that use them commit with it, so a failure gives them back and no gap appears.
    """
    stmt = (
        update(CertificateSeries)
        .where(CertificateSeries.id == series_id)
        .values(next_seq=CertificateSeries.next_seq + count)
        .returning(CertificateSeries.next_seq)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar_one() - count


def lock_series(series_id: int) -> None:
    """Hold the series row until commit (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises writers."""
    db.session.execute(select(CertificateSeries.id).where(CertificateSeries.id == series_id).with_for_update())


def _snapshot(ctx: IssueContext, holder: Holder, seq: int) -> Certificate:
    """A new certificate row with everything it prints, frozen now (its PDF comes next)."""
    event, settings = ctx.event, ctx.settings
    try:
        number = numbering.format_number(ctx.pattern, seq, ctx.code, ctx.issue_date)
    except numbering.NumberingError as err:
        raise Invalid("invalid", str(err)) from err
    return Certificate(
        event_id=event.id,
        series_id=ctx.series_id,
        seq=seq,
        number=number,
        role=holder.role,
        registration_id=holder.registration_id,
        holder_key=holder.key,
        current_flag=True,
        name=holder.name,
        event_title=event.title,
        organizer=event.organizer_unit,
        date_text=ctx.date_text,
        place_text=holder.place_text if holder.place_text is not None else ctx.venue_text,
        jp=ctx.jp if holder.role == "peserta" else None,
        sessions=ctx.sessions if holder.role == "peserta" else [],
        issue_place=ctx.issue_place,
        issue_date=ctx.issue_date,
        issue_date_text=ctx.issue_date_text,
        signatory_name=settings.signatory_name,
        signatory_nip=settings.signatory_nip,
        signatory_title=settings.signatory_title,
        verification_code=new_registration_code(VERIFY_CODE_LENGTH),
        status="valid",
        issued_at=utcnow(),
        issued_by_id=ctx.user_id,
        job_id=ctx.job_id,
    )


def render_inline(items: list[pdf.CertificateData], template: pdf.TemplateSpec | None) -> list[bytes]:
    """Render PDFs in this process (the job runner may pass a process pool's map instead)."""
    return [pdf.render_certificate(item, template, FONTS_DIR) for item in items]


def _store(ctx: IssueContext, cert: Certificate, data: bytes) -> None:
    if ctx.signer is not None:
        data = sig.pades_sign(data, ctx.signer, reason=f"Sertifikat {cert.number}", location=ctx.issue_place)
        cert.pades_signed = True
    cert.pdf_path = f"certificates/{cert.event_id}/{cert.verification_code}.pdf"
    cert.pdf_size = len(data)
    cert.sha256 = pdf.pdf_sha256(data)
    # The file is written before the row commits; a crash in between leaves only an orphan file under a
    # random name, never a row without its file.
    _write_atomic(cert.pdf_path, data)


def _issue(ctx: IssueContext, todo: list[Holder]) -> list[Certificate]:
    first = allocate_seqs(ctx.series_id, len(todo))
    certs = [_snapshot(ctx, holder, first + i) for i, holder in enumerate(todo)]
    items = [certificate_data(cert, ctx.settings, ctx.base_url) for cert in certs]
    renderer = ctx.renderer or render_inline
    for cert, data in zip(certs, renderer(items, ctx.template), strict=True):
        if ctx.render_hook is not None:
            ctx.render_hook(cert)
        _store(ctx, cert, data)
    db.session.add_all(certs)
    db.session.flush()
    return certs


def issue_batch(ctx: IssueContext, holders: list[Holder], *, actor=None) -> tuple[list[Certificate], int]:
    """Issue for holders that still lack a current certificate; returns (issued, already had one). Flushes.

    The series row is locked first, and only then is "who already has one" read, so two runs racing over
    the same people serialise here and the second sees the first's committed certificates.
    """
    lock_series(ctx.series_id)
    todo = pending_holders(ctx.event, holders)
    if not todo:
        return [], len(holders)
    issued = _issue(ctx, todo)
    for cert in issued:
        audit.record(
            "certificate.issue", cert, event_id=cert.event_id, actor=actor,
            details={"number": cert.number, "role": cert.role, "job_id": ctx.job_id},
        )  # fmt: skip
    db.session.flush()
    return issued, len(holders) - len(todo)


def revoke(cert: Certificate, reason: str, *, user) -> Certificate:
    """Revoke a valid certificate with a reason; verification then shows DICABUT. Flushes."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Invalid("invalid", "Alasan pencabutan wajib diisi.", fields={"reason": "Wajib diisi."})
    if len(reason) > 500:
        raise Invalid("invalid", "Alasan maksimal 500 karakter.", fields={"reason": "Maksimal 500 karakter."})
    if cert.status != "valid":
        raise Conflict("not_valid", "Hanya sertifikat yang berlaku yang dapat dicabut.")
    cert.status, cert.revoke_reason, cert.revoked_at = "revoked", reason, utcnow()
    audit.record(
        "certificate.revoke",
        cert,
        event_id=cert.event_id,
        actor=user,
        details={"number": cert.number, "reason": reason},
    )
    db.session.flush()
    return cert


def reissue(cert: Certificate, *, user, name: str | None = None) -> Certificate:
    """Replace a current certificate with a new one (new number, fresh snapshot); the old shows DIGANTI."""
    if not cert.current_flag:
        raise Conflict("not_current", "Sertifikat ini sudah diganti; terbitkan ulang dari sertifikat terbarunya.")
    event = db.session.get(Event, cert.event_id)
    ctx = issue_context(event, user=user)
    lock_series(ctx.series_id)
    new_name = " ".join((name or "").split())
    if not new_name and cert.registration_id:
        reg = db.session.get(Registration, cert.registration_id)
        new_name = reg.full_name if reg else cert.name
    new_name = new_name or cert.name
    if len(new_name) > 200:
        raise Invalid("invalid", "Nama maksimal 200 karakter.", fields={"name": "Maksimal 200 karakter."})
    place = cert.place_text if cert.place_text == ONLINE_PLACE else None
    holder = Holder(cert.role, cert.holder_key, new_name, cert.registration_id, place)
    old_status = cert.status
    cert.current_flag = None
    cert.status = "replaced"
    db.session.flush()
    (new,) = _issue(ctx, [holder])
    cert.replaced_by_id = new.id
    audit.record("certificate.reissue", cert, event_id=cert.event_id, actor=user,
                 details={"number": cert.number, "old_status": old_status, "new_number": new.number})  # fmt: skip
    audit.record("certificate.issue", new, event_id=new.event_id, actor=user,
                 details={"number": new.number, "role": new.role, "replaces": cert.number})  # fmt: skip
    db.session.flush()
    return new


# --------------------------------------------------------------------------------- jobs (start only)


ISSUE_SCOPES = ("eligible", "selected", "speakers", "panitia")


def _check_number_free(event: Event, settings: CertificateSettings) -> None:
    """Refuse to start when the next number is already another event's (same series code and pattern)."""
    code = series_code(event, settings)
    series = db.session.scalar(
        select(CertificateSeries).where(CertificateSeries.event_id == event.id, CertificateSeries.code == code)
    )
    seq = series.next_seq if series else 1
    try:
        number = numbering.format_number(settings.number_pattern, seq, code, issue_date(event, settings))
    except numbering.NumberingError as err:
        raise Invalid("invalid", str(err), fields={"number_pattern": str(err)}) from err
    clash = db.session.scalar(
        select(Certificate.id).where(Certificate.number == number, Certificate.event_id != event.id).limit(1)
    )
    if clash is not None:
        raise Conflict(
            "number_taken",
            f"Nomor {number} sudah dipakai sertifikat kegiatan lain. Ubah kode seri atau pola nomor di pengaturan.",
        )


def start_issue_job(event: Event, raw: dict, *, user):
    """Check an issue request and record its job (the caller commits, then enqueues the task)."""
    from bimtek.jobs import start_job

    scope = raw.get("scope") or "eligible"
    if scope not in ISSUE_SCOPES:
        raise Invalid("invalid", "Cakupan penerbitan tidak dikenal.", fields={"scope": "Tidak dikenal."})
    settings = get_settings(event)
    if not settings.signatory_name:
        raise Invalid(
            "no_signatory", "Isi nama pejabat penandatangan di pengaturan sertifikat terlebih dahulu.",
            fields={"signatory_name": "Wajib diisi sebelum menerbitkan."},
        )  # fmt: skip
    ids = raw.get("registration_ids") or []
    names = raw.get("names") or []
    if isinstance(names, str):
        names = names.splitlines()
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError) as err:
        raise Invalid("invalid", "Daftar peserta tidak valid.", fields={"registration_ids": "Harus angka."}) from err
    if scope == "selected" and not ids:
        raise Invalid("invalid", "Pilih minimal satu peserta.", fields={"registration_ids": "Pilih peserta."})
    if scope == "panitia" and not any(str(n).strip() for n in names):
        raise Invalid("invalid", "Tulis minimal satu nama panitia.", fields={"names": "Wajib diisi."})
    holders = holders_for(event, scope, registration_ids=ids, names=names)
    _check_number_free(event, settings)
    params = {
        "scope": scope,
        "registration_ids": ids,
        "names": [h.name for h in holders] if scope == "panitia" else [],
        "notify": raw.get("notify", True) in (True, "1", "on", "y", "true", 1),
    }
    job = start_job("certificates.issue", event_id=event.id, total=len(holders), params=params, user=user)
    audit.record(
        "certificates.issue_start", job, event_id=event.id, actor=user, details={"scope": scope, "total": len(holders)}
    )
    return job


# -------------------------------------------------------------------------------------- verification


def verify_rate() -> str:
    """Rate limit of the public verification endpoints (CERT_VERIFY_RATE_LIMIT / BIMTEK_CERT_VERIFY_RATE)."""
    return current_app.config.get("CERT_VERIFY_RATE_LIMIT") or "60 per minute"


def find_by_code(raw: str) -> Certificate | None:
    """The certificate with a verification code as typed (dashes, spaces and case tolerated)."""
    code = normalize_code(raw or "", VERIFY_CODE_LENGTH)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


def find_by_hash(sha256: str) -> Certificate | None:
    """The certificate whose issued or signed PDF has this SHA-256."""
    return db.session.scalar(
        select(Certificate).where((Certificate.sha256 == sha256) | (Certificate.signed_sha256 == sha256)).limit(1)
    )


def public_json(cert: Certificate) -> dict:
    """What anyone may see about a certificate: never NIP, email or phone."""
    replaced_by = db.session.get(Certificate, cert.replaced_by_id) if cert.replaced_by_id else None
    return {
        "number": cert.number,
        "name": cert.name,
        "role": ROLE_LABELS[cert.role],
        "event": cert.event_title,
        "dates": cert.date_text,
        "place": cert.place_text,
        "organizer": cert.organizer,
        "jp": cert.jp,
        "issue_date": cert.issue_date.isoformat(),
        "issue_date_text": cert.issue_date_text,
        "signatory": cert.signatory_name,
        "signatory_title": cert.signatory_title,
        "status": STATUS_LABELS[cert.status],
        "revoke_reason": cert.revoke_reason if cert.status == "revoked" else None,
        "replaced_by_number": replaced_by.number if replaced_by else None,
        "sha256": cert.served_sha256,
        "original_sha256": cert.sha256,
        "signed": cert.signed,
        "verification_code": format_code(cert.verification_code),
    }


# ------------------------------------------------------------------------------------------ delivery


def served_file(cert: Certificate) -> Path:
    """The file people download: the TTE-signed copy byte for byte when there is one, else the original."""
    return stored_path(cert.signed_pdf_path if cert.tte_signed and cert.signed_pdf_path else cert.pdf_path)


def pdf_response(cert: Certificate, *, attachment: bool = True):
    """The served file as a response, byte for byte (read whole: certificates are small)."""
    from flask import Response

    resp = Response(served_file(cert).read_bytes(), mimetype="application/pdf")
    disposition = "attachment" if attachment else "inline"
    resp.headers["Content-Disposition"] = f'{disposition}; filename="{file_name(cert)}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def file_name(cert: Certificate) -> str:
    """A download file name from the number ("/" is not allowed in file names)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", cert.number).strip("_") or str(cert.id)
    return f"{safe}.pdf"


def current_for_registration(registration: Registration) -> Certificate | None:
    """The participant's current certificate (valid or revoked), if any."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.registration_id == registration.id,
            Certificate.role == "peserta",
            Certificate.current_flag.is_(True),
        )
    )


def list_query(event: Event, *, role: str = "", status: str = "", q: str = ""):
    """The staff list of an event's certificates, filtered by role, status and name/number."""
    stmt = select(Certificate).where(Certificate.event_id == event.id)
    if role in ROLES:
        stmt = stmt.where(Certificate.role == role)
    if status in STATUS_LABELS:
        stmt = stmt.where(Certificate.status == status)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(Certificate.name).like(like) | func.lower(Certificate.number).like(like))
    return stmt


def counts(event: Event) -> dict:
    """How many certificates an event has per status, and valid ones per role."""
    rows = db.session.execute(
        select(Certificate.role, Certificate.status, func.count())
        .where(Certificate.event_id == event.id)
        .group_by(Certificate.role, Certificate.status)
    )
    out = {"total": 0, "valid": 0, "revoked": 0, "replaced": 0, "by_role": {r: 0 for r in ROLES}}
    for role, status, n in rows:
        out[status] += n
        out["total"] += n
        if status == "valid":
            out["by_role"][role] += n
    return out


def certificate_json(cert: Certificate) -> dict:
    """A certificate as staff see it in the API."""
    return {
        "id": cert.id,
        "number": cert.number,
        "seq": cert.seq,
        "role": cert.role,
        "registration_id": cert.registration_id,
        "name": cert.name,
        "status": cert.status,
        "jp": cert.jp,
        "issue_date": cert.issue_date.isoformat(),
        "issued_at": as_utc(cert.issued_at).isoformat(),
        "verification_code": format_code(cert.verification_code),
        "sha256": cert.sha256,
        "signed_sha256": cert.signed_sha256,
        "pades_signed": cert.pades_signed,
        "tte_signed": cert.tte_signed,
        "revoke_reason": cert.revoke_reason,
        "replaced_by_id": cert.replaced_by_id,
        "signatory_name": cert.signatory_name,
    }


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream that hands its bytes to a generator."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.chunks.append(bytes(b))
        return len(b)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_stream(entries: Iterable[tuple[str, Path]]) -> Iterator[bytes]:
    """Stream a ZIP (stored, not deflated: PDFs barely compress) of (name in zip, file path) pairs."""
    sink = _Sink()
    seen: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, path in entries:
            base, n = name, 2
            while name in seen:
                name, n = base.replace(".pdf", f"-{n}.pdf"), n + 1
            seen.add(name)
            with zf.open(name, "w") as dst, open(path, "rb") as src:
                while chunk := src.read(1 << 16):
                    dst.write(chunk)
            yield sink.take()
    yield sink.take()


def zip_entries(certs: Iterable[Certificate]) -> Iterator[tuple[str, Path]]:
    """(name in the ZIP, file) for certificates, the signed copies when there are."""
    for cert in certs:
        yield file_name(cert), served_file(cert)


def register_xlsx(event: Event) -> bytes:
    """The certificate register (all certificates, every status) as an XLSX workbook."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Register Sertifikat")
    ws.append(["No", "Nomor", "Nama", "Peran", "Status", "Tanggal terbit", "JP", "Kode verifikasi",
               "Penandatangan", "Alasan pencabutan", "Diganti dengan", "Ditandatangani", "SHA-256"])  # fmt: skip
    certs = db.session.scalars(
        select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.series_id, Certificate.seq)
    ).all()
    numbers = {c.id: c.number for c in certs}
    for i, c in enumerate(certs, start=1):
        signed = "TTE" if c.tte_signed else ("PAdES" if c.pades_signed else "")
        ws.append([safe_cell(v) for v in (
            i, c.number, c.name, ROLE_LABELS[c.role], STATUS_LABELS[c.status], c.issue_date.isoformat(),
            c.jp, format_code(c.verification_code), c.signatory_name, c.revoke_reason or "",
            numbers.get(c.replaced_by_id, ""), signed, c.served_sha256,
        )])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ TTE


def tte_signatories(event: Event) -> list[tuple[str, int]]:
    """Signatories of valid certificates not yet TTE-signed, with how many each has to sign."""
    rows = db.session.execute(
        select(Certificate.signatory_name, func.count())
        .where(Certificate.event_id == event.id, Certificate.status == "valid", Certificate.tte_signed.is_(False))
        .group_by(Certificate.signatory_name)
        .order_by(Certificate.signatory_name)
    )
    return [(name, n) for name, n in rows]


def tte_export_certs(event: Event, signatory: str) -> list[Certificate]:
    """A signatory's valid certificates that still wait for a TTE signature."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.event_id == event.id,
                Certificate.status == "valid",
                Certificate.tte_signed.is_(False),
                Certificate.signatory_name == signatory,
            )
            .order_by(Certificate.seq)
        )
    )


def expand_uploads(files: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """PDFs from uploaded files, unpacking ZIPs (bounded in count and size)."""
    out: list[tuple[str, bytes]] = []
    total = 0
    for name, data in files:
        if data[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    for info in zf.infolist():
                        if info.is_dir() or not info.filename.lower().endswith(".pdf"):
                            continue
                        total += info.file_size
                        if len(out) >= ZIP_MAX_FILES or total > ZIP_MAX_TOTAL or info.file_size > ZIP_MAX_ENTRY:
                            raise Invalid("too_large", "Arsip ZIP terlalu besar.")
                        out.append((info.filename.rsplit("/", 1)[-1], zf.read(info)))
            except zipfile.BadZipFile as err:
                raise Invalid("bad_zip", f"Berkas ZIP {name} rusak.") from err
        else:
            out.append((name, data))
    return out


@dataclass
class ImportLine:
    """One line of the TTE import report."""

    file: str
    ok: bool
    message: str
    number: str = ""


def _match_number(event: Event, filename: str, data: bytes) -> Certificate | None:
    title = sig.pdf_title(data)
    candidates = []
    if title:
        candidates.append(title)
    stem = filename.rsplit(".", 1)[0]
    for suffix in ("_signed", "-signed", "_ttd", "-ttd", " (signed)"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    candidates.append(stem)
    for text in candidates:
        cert = db.session.scalar(
            select(Certificate).where(Certificate.event_id == event.id, Certificate.number == text)
        )
        if cert is not None:
            return cert
    # Export names replace "/" (not allowed in file names) with "_"; compare in that form.
    wanted = {re.sub(r"[^A-Za-z0-9._-]+", "_", c).strip("_") for c in candidates}
    for cert in db.session.scalars(select(Certificate).where(Certificate.event_id == event.id)):
        if file_name(cert)[:-4] in wanted:
            return cert
    return None


CHECK_MESSAGES = {
    "not_pdf": "bukan PDF bertanda tangan yang dapat dibaca",
    "not_prefix": "isi tidak sama dengan sertifikat yang diterbitkan (berkas diubah atau bukan versi final)",
    "no_new_signature": "tidak ada tanda tangan elektronik baru",
    "broken_signature": "tanda tangan elektronik rusak",
}


def tte_import(event: Event, files: Iterable[tuple[str, bytes]], *, user) -> list[ImportLine]:
    """Pair signed PDFs with certificates by number, check the issued bytes are unchanged, keep the file."""
    report = []
    for filename, data in expand_uploads(files):
        cert = _match_number(event, filename, data)
        if cert is None:
            report.append(ImportLine(filename, False, "nomor sertifikat tidak ditemukan pada kegiatan ini"))
            continue
        if cert.status != "valid":
            report.append(ImportLine(filename, False, "sertifikat sudah dicabut atau diganti", cert.number))
            continue
        digest = pdf.pdf_sha256(data)
        if cert.tte_signed:
            same = digest == cert.signed_sha256
            report.append(
                ImportLine(
                    filename,
                    same,
                    "sudah diimpor sebelumnya" if same else "sertifikat sudah bertanda tangan TTE",
                    cert.number,
                )
            )
            continue
        check = sig.check_signed_copy(data, cert.pdf_size, cert.sha256)
        if not check.ok:
            report.append(ImportLine(filename, False, CHECK_MESSAGES[check.code], cert.number))
            continue
        cert.signed_pdf_path = f"certificates/{event.id}/{cert.verification_code}-tte.pdf"
        _write_atomic(cert.signed_pdf_path, data)
        cert.signed_sha256, cert.tte_signed, cert.signed_at = digest, True, utcnow()
        audit.record("certificate.tte_import", cert, event_id=event.id, actor=user,
                     details={"number": cert.number, "sha256": digest})  # fmt: skip
        report.append(ImportLine(filename, True, "tanda tangan diterima", cert.number))
    db.session.flush()
    return report


def sample_data(event: Event, settings: CertificateSettings) -> pdf.CertificateData:
    """A preview certificate with the current settings (nothing stored)."""
    when = issue_date(event, settings)
    try:
        number = numbering.format_number(settings.number_pattern, 1, series_code(event, settings), when)
    except numbering.NumberingError as err:
        raise Invalid("invalid", str(err), fields={"number_pattern": str(err)}) from err
    sessions = [(s.title, s.jp, [sp.name for sp in s.speakers]) for s in event.sessions] if settings.back_page else ()
    base = current_app.config["BASE_URL"].rstrip("/")
    return pdf.CertificateData(
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
        return pdf.render_certificate(sample_data(event, preview), template_spec(preview), FONTS_DIR)
    except pdf.CertificateRenderError as err:
        raise DomainError("render", str(err), status=422) from err
