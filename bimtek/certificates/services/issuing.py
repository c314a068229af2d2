"""Issuing: a numbered, frozen snapshot per holder, rendered, hashed and stored; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bimtek.certificates import numbering
from bimtek.certificates import signing as sig
from bimtek.certificates.models import DEFAULT_NUMBER_PATTERN, Certificate, CertificateSeries, CertificateSettings
from bimtek.certificates.pdf.kit import FONTS_DIR
from bimtek.certificates.pdf.model import CertificateData, TemplateSpec
from bimtek.certificates.pdf.render import pdf_sha256, render_certificate
from bimtek.certificates.services.holders import ONLINE_PLACE, Holder, outcome_lines, pending_holders
from bimtek.certificates.services.settings import get_settings, issue_date, issue_place, series_code, template_spec
from bimtek.certificates.services.storage import stored_path, write_atomic
from bimtek.core import audit
from bimtek.core.codes import format_code, new_registration_code
from bimtek.core.labels import label
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import format_long_date, format_short_date, to_zone
from bimtek.registration.models import Registration

VERIFY_CODE_LENGTH = 12  # 30**12 ~ 5e17 codes from the unambiguous alphabet; verification is rate-limited


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
    template: TemplateSpec | None
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


def issue_context(event: Event, *, user=None, job_id: int | None = None, settings=None) -> IssueContext:
    """Read the event and its settings once for a run of issuing."""
    settings = settings or get_settings(event)
    code = series_code(event, settings)
    when = issue_date(event, settings)
    sessions = (
        [[s.title, s.jp, [sp.name for sp in s.speakers if sp.role == "narasumber"]] for s in event.sessions]
        if settings.back_page
        else []
    )
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


def certificate_data(cert: Certificate, settings: CertificateSettings, base_url: str) -> CertificateData:
    """What the PDF prints, from the frozen snapshot (plus the settings' images)."""
    return CertificateData(
        number=cert.number,
        name=cert.name,
        role=label("role", cert.role, "id").upper(),
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
        outcome_line=cert.outcome_line or "",
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
        outcome_line=holder.outcome_line if holder.role == "peserta" else "",
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


def render_inline(items: list[CertificateData], template: TemplateSpec | None) -> list[bytes]:
    """Render PDFs in this process (the job runner may pass a process pool's map instead)."""
    return [render_certificate(item, template, FONTS_DIR) for item in items]


def _store(ctx: IssueContext, cert: Certificate, data: bytes) -> None:
    if ctx.signer is not None:
        data = sig.pades_sign(data, ctx.signer, reason=f"Sertifikat {cert.number}", location=ctx.issue_place)
        cert.pades_signed = True
    cert.pdf_path = f"certificates/{cert.event_id}/{cert.verification_code}.pdf"
    cert.pdf_size = len(data)
    cert.sha256 = pdf_sha256(data)
    # The file is written before the row commits; a crash in between leaves only an orphan file under a
    # random name, never a row without its file.
    write_atomic(cert.pdf_path, data)


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
    # A fresh snapshot: the post-test line follows the current settings and score.
    outcome = outcome_lines(event, [cert.registration_id]).get(cert.registration_id, "") if cert.registration_id else ""
    holder = Holder(cert.role, cert.holder_key, new_name, cert.registration_id, place, outcome)
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
