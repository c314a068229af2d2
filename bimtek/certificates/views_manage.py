"""Certificate pages for organizers: the event's certificates tab, issuing, settings, the editor, TTE."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask import stream_with_context as streamed
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from bimtek.accounts.access import event_object, event_view
from bimtek.certificates.forms import ImageForm, IssueForm, ReissueForm, RevokeForm, SettingsForm, TteImportForm
from bimtek.certificates.models import DEFAULT_NUMBER_PATTERN, ROLES, Certificate
from bimtek.certificates.pdf.model import TEMPLATE_FIELDS, TEMPLATE_GRAPHIC_FIELDS
from bimtek.certificates.services import delivery, images, register, tte
from bimtek.certificates.services.eligibility import attendance_rules_applied
from bimtek.certificates.services.holders import participant_holders, pending_holders, speaker_holders
from bimtek.certificates.services.issuing import reissue, revoke
from bimtek.certificates.services.jobs import event_ended, job_json, start_issue_job
from bimtek.certificates.services.preview import render_preview
from bimtek.certificates.services.settings import (
    DEFAULT_LAYOUT,
    get_settings,
    issue_date,
    issue_place,
    update_settings,
)
from bimtek.certificates.services.storage import stored_path
from bimtek.certificates.views_public import file_lost_page
from bimtek.core import audit
from bimtek.core.models import Job
from bimtek.core.urls import safe_next
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.nav import add_event_tab
from bimtek.registration.models import Registration

bp = Blueprint("certificates_manage", __name__, url_prefix="/manage/events/<int:event_id>/certificates")
add_event_tab("certificates_manage.manage", _l("Sertifikat"), "manage", 60)

PER_PAGE = 50


def _event_cert(event, certificate_id: int) -> Certificate:
    return event_object(Certificate, certificate_id, event)


def _event_job(event, job_id: int) -> Job:
    return event_object(Job, job_id, event, kind="certificates.issue")


def _home(event) -> str:
    return url_for("certificates_manage.manage", event_id=event.id)


@bp.get("")
@login_required
@event_view("manage")
def manage(event):
    """The certificates tab: who qualifies, issuing with progress, and the certificates issued."""
    role, status, q = request.args.get("role", ""), request.args.get("status", ""), request.args.get("q", "")
    stmt = register.list_query(event, role=role, status=status, q=q)
    found = db.paginate(
        stmt.order_by(Certificate.series_id, Certificate.seq),
        page=max(1, request.args.get("page", 1, type=int) or 1), per_page=PER_PAGE, max_per_page=None, error_out=False,
    )  # fmt: skip
    certs = found.items
    # Participants may correct their name after issue (manage link): flag those whose certificate differs.
    reg_ids = [c.registration_id for c in certs if c.registration_id and c.current_flag]
    names = dict(
        db.session.execute(select(Registration.id, Registration.full_name).where(Registration.id.in_(reg_ids))).all()
    )
    name_changed = {c.id for c in certs if c.registration_id in names and names[c.registration_id] != c.name}
    eligible = participant_holders(event)
    speakers = speaker_holders(event)
    jobs = db.session.scalars(
        select(Job).where(Job.event_id == event.id, Job.kind == "certificates.issue").order_by(Job.id.desc()).limit(5)
    ).all()
    return render_template(
        "certificates/manage.html", event=event, certs=certs, total=found.total, found=found,
        role=role, status=status, q=q, roles=ROLES, counts=register.counts(event), eligible=eligible,
        pending=pending_holders(event, eligible), speakers=speakers, pending_speakers=pending_holders(event, speakers),
        jobs=jobs, settings=get_settings(event), rules_applied=attendance_rules_applied(event),
        errors={},
        name_changed=name_changed, reg_names=names, ended=event_ended(event),
    )  # fmt: skip


@bp.post("/issue")
@login_required
@event_view("manage")
def manage_issue(event):
    """Start a bulk issue job (all eligible, selected participants, speakers or panitia)."""
    from bimtek.certificates.tasks import issue_certificates_task

    form = IssueForm()
    if not form.validate():
        flash(_("Periksa kembali isian penerbitan."), "error")
        return redirect(_home(event))
    try:
        job = start_issue_job(event, form.service_input(), user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(_home(event) + ("#early" if err.code == "event_not_ended" else ""))
    issue_certificates_task(job.id)
    flash(_("Penerbitan sertifikat dimulai."), "success")
    return redirect(url_for("certificates_manage.manage", event_id=event.id, job=job.id) + "#jobs")


@bp.get("/jobs/<int:job_id>.json")
@login_required
@event_view("manage")
def manage_job(event, job_id: int):
    """Progress of an issue job, for the progress bar."""
    job = _event_job(event, job_id)
    db.session.refresh(job)
    return jsonify(job_json(job))


@bp.post("/jobs/<int:job_id>/resume")
@login_required
@event_view("manage")
def manage_job_resume(event, job_id: int):
    """Run an interrupted or failed job again; it continues where it stopped."""
    from bimtek import jobs

    job = _event_job(event, job_id)
    try:
        jobs.resume(job, actor=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "info")
    else:
        flash(_("Penerbitan dilanjutkan."), "success")
    return redirect(_home(event) + "#jobs")


@bp.get("/<int:certificate_id>.pdf")
@login_required
@event_view("manage")
def manage_download(event, certificate_id: int):
    """One certificate's PDF (the signed copy when there is one)."""
    cert = _event_cert(event, certificate_id)
    try:
        resp = delivery.pdf_response(cert, attachment=request.args.get("inline") != "1", actor=current_user)
    except delivery.CertificateFileLost as err:
        db.session.commit()  # keeps the audit record of the mismatch
        return file_lost_page(err), err.status
    db.session.commit()  # keeps the audit record of a repaired file
    return resp


@bp.post("/<int:certificate_id>/revoke")
@login_required
@event_view("manage")
def manage_revoke(event, certificate_id: int):
    """Revoke a certificate with a reason."""
    cert = _event_cert(event, certificate_id)
    form = RevokeForm()
    try:
        revoke(cert, form.reason.data or "", user=current_user)
        db.session.commit()
        flash(_("Sertifikat %(n)s dicabut.", n=cert.number), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(safe_next(form.next.data, _home(event)))


@bp.post("/<int:certificate_id>/reissue")
@login_required
@event_view("manage")
def manage_reissue(event, certificate_id: int):
    """Re-issue a certificate (a correction): new number, the old one shows as replaced."""
    cert = _event_cert(event, certificate_id)
    form = ReissueForm()
    try:
        new = reissue(cert, user=current_user, name=form.name.data or None)
        db.session.commit()
        flash(_("Sertifikat diterbitkan ulang dengan nomor %(n)s.", n=new.number), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(_home(event))


def _zip_response(entries, name: str) -> Response:
    resp = Response(streamed(delivery.zip_stream(entries)), mimetype="application/zip")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@bp.get("/all.zip")
@login_required
@event_view("manage")
def manage_zip(event):
    """All valid certificates as one ZIP, streamed as it is built."""
    certs = db.session.scalars(
        select(Certificate)
        .where(Certificate.event_id == event.id, Certificate.status == "valid")
        .order_by(Certificate.series_id, Certificate.seq)
    ).all()
    entries = list(delivery.zip_entries(certs))
    audit.record("certificates.export_zip", None, event_id=event.id, actor=current_user, details={"count": len(certs)})
    db.session.commit()
    return _zip_response(entries, f"sertifikat-{event.code}.zip")


@bp.get("/register.xlsx")
@login_required
@event_view("manage")
def manage_register(event):
    """The certificate register as a spreadsheet."""
    data = register.register_xlsx(event)
    audit.record("certificates.export_register", None, event_id=event.id, actor=current_user)
    db.session.commit()
    resp = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = f'attachment; filename="register-sertifikat-{event.code}.xlsx"'
    return resp


def _settings_values(settings) -> dict:
    values = {k: getattr(settings, k) for k in ("number_pattern", "series_code", "signatory_name", "signatory_nip",
                                                "signatory_title", "issue_place", "template", "back_page",
                                                "print_outcome")}  # fmt: skip
    values["issue_date"] = settings.issue_date.isoformat() if settings.issue_date else ""
    values["layout_rows"] = settings.layout or DEFAULT_LAYOUT
    values["layout"] = json.dumps(values["layout_rows"], indent=1, ensure_ascii=False)
    return values


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_settings(event):
    """Numbering, signatory, issue place and date, template and field layout (visual editor and mm table)."""
    settings = get_settings(event)
    errors, values = {}, _settings_values(settings)
    if request.method == "POST":
        form = SettingsForm()
        raw = form.service_input()
        values = {**values, **raw}
        if isinstance(values.get("layout"), dict):
            values["layout_rows"] = values["layout"]
        try:
            if not form.validate():
                raise DomainError("invalid", _("Sesi formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."))
            update_settings(event, raw, user=current_user)
            db.session.commit()
            flash(_("Pengaturan sertifikat disimpan."), "success")
            return redirect(url_for("certificates_manage.manage_settings", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields or {"form": err.message}
            settings = get_settings(event)
    db.session.commit()
    return render_template(
        "certificates/settings.html", event=event, settings=settings, values=values, errors=errors,
        layout_fields=sorted(TEMPLATE_FIELDS), graphic_fields=TEMPLATE_GRAPHIC_FIELDS,
        default_pattern=DEFAULT_NUMBER_PATTERN, issue_date_default=issue_date(event, settings),
        issue_place_default=issue_place(event, settings),
    ), (422 if errors else 200)  # fmt: skip


@bp.get("/settings/background")
@login_required
@event_view("manage")
def manage_background(event):
    """The uploaded background image, for the visual field editor."""
    settings = get_settings(event)
    db.session.rollback()
    if not settings.background_image:
        abort(404)
    resp = send_file(stored_path(settings.background_image), mimetype="image/jpeg", max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.post("/settings/image/<kind>")
@login_required
@event_view("manage")
def manage_image(event, kind: str):
    """Upload (or remove) the signature image, logo or background."""
    if kind not in images.IMAGE_KINDS:
        abort(404)
    form = ImageForm()
    upload = form.image.data
    try:
        if form.remove.data:
            images.remove_image(event, kind, user=current_user)
            flash(_("Gambar dihapus."), "success")
        else:
            images.save_image(event, kind, upload.read() if upload else b"", user=current_user)
            flash(_("Gambar diunggah."), "success")
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("certificates_manage.manage_settings", event_id=event.id) + "#images")


@bp.route("/preview.pdf", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_preview(event):
    """A live specimen PDF with the saved settings, or with the form's unsaved ones (POST)."""
    overrides = SettingsForm().service_input() if request.method == "POST" else None
    data = render_preview(event, overrides)
    db.session.rollback()
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = 'inline; filename="pratinjau-sertifikat.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    # The settings page shows the live preview in a frame: this response (only) may be framed by our pages.
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    return resp


@bp.route("/tte", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_tte(event):
    """Official TTE: export final PDFs per signatory, import the signed files back."""
    report = None
    if request.method == "POST":
        files = [(f.filename or "berkas.pdf", f.read()) for f in TteImportForm().files.data or [] if f]
        if not files:
            flash(_("Pilih berkas PDF atau ZIP yang sudah ditandatangani."), "error")
        else:
            try:
                report = tte.tte_import(event, files, user=current_user)
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                flash(_(err.message), "error")
    signed = db.session.scalar(
        select(func.count()).where(Certificate.event_id == event.id, Certificate.tte_signed.is_(True))
    )
    return render_template(
        "certificates/tte.html", event=event, signatories=tte.tte_signatories(event), report=report, signed=signed
    )


@bp.get("/tte/export.zip")
@login_required
@event_view("manage")
def manage_tte_export(event):
    """The final, unsigned PDFs of one signatory as a ZIP for the TTE application."""
    signatory = request.args.get("signatory", "")
    certs = tte.tte_export_certs(event, signatory)
    if not certs:
        abort(404)
    entries = list(delivery.zip_entries(certs))
    audit.record("certificates.tte_export", None, event_id=event.id, actor=current_user,
                 details={"signatory": signatory, "count": len(certs)})  # fmt: skip
    db.session.commit()
    return _zip_response(entries, f"tte-{event.code}.zip")
