"""Certificate pages: public verification, the participant's download, and the organizer's tab."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from bimtek.accounts.access import event_view
from bimtek.certificates import services
from bimtek.certificates.models import ROLES, Certificate
from bimtek.core import audit
from bimtek.core.models import Job
from bimtek.core.urls import safe_next
from bimtek.errors import DomainError
from bimtek.extensions import db, limiter
from bimtek.nav import add_event_tab
from bimtek.registration.models import Registration

bp = Blueprint("certificates", __name__)
add_event_tab("certificates.manage", _l("Sertifikat"), "manage", 60)

PER_PAGE = 50


def _noindex(resp: Response) -> Response:
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    resp.headers["Cache-Control"] = "no-store"
    return resp


# -------------------------------------------------------------------------------------------- public


@bp.route("/verify", methods=["GET", "POST"])
@bp.route("/verify/", methods=["GET", "POST"])
@limiter.limit(services.verify_rate, methods=["POST"])
def verify_form():
    """Check a certificate by its code, or drop its PDF to compare the file's SHA-256 with the register."""
    result, digest, status = None, None, 200
    if request.method == "POST":
        upload = request.files.get("pdf")
        data = upload.read() if upload else b""
        if not data:
            flash(_("Pilih berkas PDF sertifikat."), "error")
            status = 422
        else:
            digest = services.pdf.pdf_sha256(data)
            result = services.find_by_hash(digest)
            status = 200 if result else 404
    elif request.args.get("code"):
        return redirect(url_for("certificates.verify", code=request.args["code"].strip()))
    cert_json = services.public_json(result) if result else None
    resp = render_template("certificates/verify_file.html", result=cert_json, digest=digest, checked=digest is not None)
    return _noindex(current_app.make_response((resp, status)))


@bp.get("/verify/<code>.json")
@limiter.limit(services.verify_rate)
def verify_json(code: str):
    """The verification answer as JSON (same data as the page)."""
    cert = services.find_by_code(code)
    if cert is None:
        resp = jsonify({"error": "not_found", "message": _("Sertifikat tidak ditemukan."), "fields": {}})
        resp.status_code = 404
        return _noindex(resp)
    return _noindex(jsonify(services.public_json(cert)))


@bp.get("/verify/<code>")
@limiter.limit(services.verify_rate)
def verify(code: str):
    """Public verification page: the register's answer for this code, never NIP, email or phone."""
    cert = services.find_by_code(code)
    data = services.public_json(cert) if cert else None
    html = render_template("certificates/verify.html", cert=data, code=code)
    return _noindex(current_app.make_response((html, 200 if cert else 404)))


@bp.get("/r/<manage_token>/sertifikat")
@limiter.limit(services.verify_rate)
def participant_download(manage_token: str):
    """The participant's certificate from their private link, or why it is not there yet."""
    reg = db.session.scalar(select(Registration).where(Registration.manage_token == manage_token))
    if reg is None:
        abort(404)
    cert = services.current_for_registration(reg)
    if cert is not None and cert.status == "valid" and request.args.get("view") != "1":
        return services.pdf_response(cert)
    reasons = [] if cert else services.ineligibility_reasons(reg)
    html = render_template(
        "certificates/participant.html", reg=reg, cert=cert, reasons=reasons, event=reg.event,
        rules_applied=services.attendance_rules_applied(reg.event),
    )  # fmt: skip
    resp = current_app.make_response(html)
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


# ------------------------------------------------------------------------------------------ organizer


def _event_cert(event, certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or cert.event_id != event.id:
        abort(404)
    return cert


def _event_job(event, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.event_id != event.id or job.kind != "certificates.issue":
        abort(404)
    return job


def job_json(job: Job) -> dict:
    """A job's progress as the progress bar and the API read it."""
    return {
        "id": job.id,
        "status": job.status,
        "status_label": job.status_label,
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "percent": job.percent,
        "error": job.error,
        "params": {k: v for k, v in (job.params or {}).items() if k in ("scope", "notify")},
    }


@bp.get("/manage/events/<int:event_id>/certificates")
@login_required
@event_view("manage")
def manage(event):
    """The certificates tab: who qualifies, issuing with progress, and the certificates issued."""
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    q = request.args.get("q", "")
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    stmt = services.list_query(event, role=role, status=status, q=q)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    certs = db.session.scalars(
        stmt.order_by(Certificate.series_id, Certificate.seq).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    # Participants may correct their name after issue (manage link): flag those whose certificate differs.
    reg_ids = [c.registration_id for c in certs if c.registration_id and c.current_flag]
    names = dict(
        db.session.execute(select(Registration.id, Registration.full_name).where(Registration.id.in_(reg_ids))).all()
    )
    name_changed = {c.id for c in certs if c.registration_id in names and names[c.registration_id] != c.name}
    eligible = services.participant_holders(event)
    pending = services.pending_holders(event, eligible)
    speakers = services.speaker_holders(event)
    pending_speakers = services.pending_holders(event, speakers)
    jobs = db.session.scalars(
        select(Job).where(Job.event_id == event.id, Job.kind == "certificates.issue").order_by(Job.id.desc()).limit(5)
    ).all()
    settings = services.get_settings(event)
    args = {k: v for k, v in request.args.items() if k != "page"}

    def page_url(n: int) -> str:
        return url_for("certificates.manage", event_id=event.id, page=n, **args) + "#list"

    return render_template(
        "certificates/manage.html", event=event, certs=certs, total=total, page=page, per_page=PER_PAGE,
        pages=max(1, (total + PER_PAGE - 1) // PER_PAGE), page_url=page_url,
        role=role, status=status, q=q, roles=ROLES, counts=services.counts(event), eligible=eligible,
        pending=pending, speakers=speakers, pending_speakers=pending_speakers, jobs=jobs, settings=settings,
        rules_applied=services.attendance_rules_applied(event), labels=services.STATUS_LABELS,
        role_labels=services.ROLE_LABELS, errors={}, name_changed=name_changed, reg_names=names,
    )  # fmt: skip


@bp.post("/manage/events/<int:event_id>/certificates/issue")
@login_required
@event_view("manage")
def manage_issue(event):
    """Start a bulk issue job (all eligible, selected participants, speakers or panitia)."""
    from bimtek.certificates.tasks import issue_certificates_task

    raw = {
        "scope": request.form.get("scope", "eligible"),
        "registration_ids": request.form.getlist("registration_id"),
        "names": request.form.get("names", ""),
        "notify": "notify" in request.form,
    }
    try:
        job = services.start_issue_job(event, raw, user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(url_for("certificates.manage", event_id=event.id))
    issue_certificates_task(job.id)
    flash(_("Penerbitan sertifikat dimulai."), "success")
    return redirect(url_for("certificates.manage", event_id=event.id, job=job.id) + "#jobs")


@bp.get("/manage/events/<int:event_id>/certificates/jobs/<int:job_id>.json")
@login_required
@event_view("manage")
def manage_job(event, job_id: int):
    """Progress of an issue job, for the progress bar."""
    job = _event_job(event, job_id)
    db.session.refresh(job)
    return jsonify(job_json(job))


@bp.post("/manage/events/<int:event_id>/certificates/jobs/<int:job_id>/resume")
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
    return redirect(url_for("certificates.manage", event_id=event.id) + "#jobs")


@bp.get("/manage/events/<int:event_id>/certificates/<int:certificate_id>.pdf")
@login_required
@event_view("manage")
def manage_download(event, certificate_id: int):
    """One certificate's PDF (the signed copy when there is one)."""
    cert = _event_cert(event, certificate_id)
    return services.pdf_response(cert, attachment=request.args.get("inline") != "1")


@bp.post("/manage/events/<int:event_id>/certificates/<int:certificate_id>/revoke")
@login_required
@event_view("manage")
def manage_revoke(event, certificate_id: int):
    """Revoke a certificate with a reason."""
    cert = _event_cert(event, certificate_id)
    try:
        services.revoke(cert, request.form.get("reason", ""), user=current_user)
        db.session.commit()
        flash(_("Sertifikat %(n)s dicabut.", n=cert.number), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(safe_next(request.form.get("next"), url_for("certificates.manage", event_id=event.id)))


@bp.post("/manage/events/<int:event_id>/certificates/<int:certificate_id>/reissue")
@login_required
@event_view("manage")
def manage_reissue(event, certificate_id: int):
    """Re-issue a certificate (a correction): new number, the old one shows as replaced."""
    cert = _event_cert(event, certificate_id)
    try:
        new = services.reissue(cert, user=current_user, name=request.form.get("name") or None)
        db.session.commit()
        flash(_("Sertifikat diterbitkan ulang dengan nomor %(n)s.", n=new.number), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("certificates.manage", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/certificates/all.zip")
@login_required
@event_view("manage")
def manage_zip(event):
    """All valid certificates as one ZIP, streamed as it is built."""
    certs = db.session.scalars(
        select(Certificate)
        .where(Certificate.event_id == event.id, Certificate.status == "valid")
        .order_by(Certificate.series_id, Certificate.seq)
    ).all()
    entries = list(services.zip_entries(certs))
    audit.record("certificates.export_zip", None, event_id=event.id, actor=current_user, details={"count": len(certs)})
    db.session.commit()
    resp = Response(stream_with_context(services.zip_stream(entries)), mimetype="application/zip")
    resp.headers["Content-Disposition"] = f'attachment; filename="sertifikat-{event.code}.zip"'
    return resp


@bp.get("/manage/events/<int:event_id>/certificates/register.xlsx")
@login_required
@event_view("manage")
def manage_register(event):
    """The certificate register as a spreadsheet."""
    data = services.register_xlsx(event)
    audit.record("certificates.export_register", None, event_id=event.id, actor=current_user)
    db.session.commit()
    resp = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = f'attachment; filename="register-sertifikat-{event.code}.xlsx"'
    return resp


SETTINGS_FORM_FIELDS = ("number_pattern", "series_code", "signatory_name", "signatory_nip", "signatory_title",
                        "issue_place", "issue_date", "template", "layout")  # fmt: skip


FIELD_LABELS = {
    "number": _l("Nomor saja"), "number_line": _l("Nomor: ..."), "name": _l("Nama"), "role": _l("Peran"),
    "role_line": _l("sebagai PERAN"), "event_title": _l("Judul kegiatan"), "organizer": _l("Penyelenggara"),
    "date_text": _l("Tanggal kegiatan"), "place_text": _l("Tempat kegiatan"), "date_place": _l("Tanggal dan tempat"),
    "jp": _l("JP (angka)"), "jp_text": _l("selama ... JP"), "issue_place": _l("Tempat terbit"),
    "issue_date_text": _l("Tanggal terbit"), "issue_line": _l("Tempat, tanggal terbit"),
    "signatory_title": _l("Jabatan penandatangan"), "signatory_name": _l("Nama penandatangan"),
    "signatory_nip": _l("NIP penandatangan"), "verification_code": _l("Kode verifikasi"), "qr": _l("QR verifikasi"),
    "signature": _l("Gambar tanda tangan"), "logo": _l("Logo"),
}  # fmt: skip
LAYOUT_INPUTS = ("x_mm", "y_mm", "width_mm", "size_pt", "font", "align", "color", "max_lines")


def _layout_from_table() -> dict | None:
    """The field table of the settings form (one row per field: on/off, position, size, font, colour)."""
    if "layout_table" not in request.form:
        return None
    layout = {}
    for name in sorted(services.pdf.TEMPLATE_FIELDS):
        if f"lf-{name}-on" not in request.form:
            continue
        values = {}
        for key in LAYOUT_INPUTS:
            value = request.form.get(f"lf-{name}-{key}", "").strip()
            if value:
                values[key] = value
        layout[name] = values
    return layout


def _settings_form() -> dict:
    raw = {k: request.form.get(k, "") for k in SETTINGS_FORM_FIELDS if k in request.form}
    table = _layout_from_table()
    if table is not None:
        raw["layout"] = table
    raw["back_page"] = "back_page" in request.form
    return raw


def _settings_values(settings) -> dict:
    import json

    values = {k: getattr(settings, k) for k in SETTINGS_FORM_FIELDS}
    values["issue_date"] = settings.issue_date.isoformat() if settings.issue_date else ""
    values["layout"] = json.dumps(settings.layout or services.DEFAULT_LAYOUT, indent=1, ensure_ascii=False)
    values["layout_rows"] = settings.layout or services.DEFAULT_LAYOUT
    values["back_page"] = settings.back_page
    return values


@bp.route("/manage/events/<int:event_id>/certificates/settings", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_settings(event):
    """Numbering, signatory, issue place and date, template and field layout."""
    settings = services.get_settings(event)
    errors, values = {}, _settings_values(settings)
    if request.method == "POST":
        values = {**values, **_settings_form()}
        if isinstance(values.get("layout"), dict):
            values["layout_rows"] = values["layout"]
        try:
            services.update_settings(event, _settings_form(), user=current_user)
            db.session.commit()
            flash(_("Pengaturan sertifikat disimpan."), "success")
            return redirect(url_for("certificates.manage_settings", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields or {"form": err.message}
            settings = services.get_settings(event)
    db.session.commit()
    return render_template(
        "certificates/settings.html", event=event, settings=settings, values=values, errors=errors,
        layout_fields=sorted(services.pdf.TEMPLATE_FIELDS), field_labels=FIELD_LABELS, default_pattern=services.DEFAULT_NUMBER_PATTERN,
        issue_date_default=services.issue_date(event, settings), issue_place_default=services.issue_place(event, settings),
    ), (422 if errors else 200)  # fmt: skip


@bp.post("/manage/events/<int:event_id>/certificates/settings/image/<kind>")
@login_required
@event_view("manage")
def manage_image(event, kind: str):
    """Upload (or remove) the signature image, logo or background."""
    if kind not in services.IMAGE_KINDS:
        abort(404)
    try:
        if request.form.get("remove"):
            services.remove_image(event, kind, user=current_user)
            flash(_("Gambar dihapus."), "success")
        else:
            upload = request.files.get("image")
            services.save_image(event, kind, upload.read() if upload else b"", user=current_user)
            flash(_("Gambar diunggah."), "success")
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("certificates.manage_settings", event_id=event.id) + "#images")


@bp.route("/manage/events/<int:event_id>/certificates/preview.pdf", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_preview(event):
    """A live PDF preview with the saved settings, or with the form's unsaved ones (POST)."""
    overrides = _settings_form() if request.method == "POST" else None
    data = services.render_preview(event, overrides)
    db.session.rollback()
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = 'inline; filename="pratinjau-sertifikat.pdf"'
    return resp


@bp.route("/manage/events/<int:event_id>/certificates/tte", methods=["GET", "POST"])
@login_required
@event_view("manage")
def manage_tte(event):
    """Official TTE: export final PDFs per signatory, import the signed files back."""
    report = None
    if request.method == "POST":
        files = [(f.filename or "berkas.pdf", f.read()) for f in request.files.getlist("files") if f]
        if not files:
            flash(_("Pilih berkas PDF atau ZIP yang sudah ditandatangani."), "error")
        else:
            try:
                report = services.tte_import(event, files, user=current_user)
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                flash(_(err.message), "error")
    signed = db.session.scalar(
        select(func.count()).where(Certificate.event_id == event.id, Certificate.tte_signed.is_(True))
    )
    return render_template(
        "certificates/tte.html", event=event, signatories=services.tte_signatories(event), report=report, signed=signed
    )


@bp.get("/manage/events/<int:event_id>/certificates/tte/export.zip")
@login_required
@event_view("manage")
def manage_tte_export(event):
    """The final, unsigned PDFs of one signatory as a ZIP for the TTE application."""
    signatory = request.args.get("signatory", "")
    certs = services.tte_export_certs(event, signatory)
    if not certs:
        abort(404)
    entries = list(services.zip_entries(certs))
    audit.record("certificates.tte_export", None, event_id=event.id, actor=current_user,
                 details={"signatory": signatory, "count": len(certs)})  # fmt: skip
    db.session.commit()
    resp = Response(stream_with_context(services.zip_stream(entries)), mimetype="application/zip")
    resp.headers["Content-Disposition"] = f'attachment; filename="tte-{event.code}.zip"'
    return resp
