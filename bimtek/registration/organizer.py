"""Organizer pages: the participant list of an event, one participant's detail and actions."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts.access import check_event, event_view, object_view
from bimtek.core import audit
from bimtek.core.models import Job
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.jobs import start_job
from bimtek.nav import add_event_tab
from bimtek.reference import regions
from bimtek.registration import services, tasks, transfer
from bimtek.registration.blueprint import bp
from bimtek.registration.labels import EMPLOYMENT_LABELS, INSTITUTION_LABELS, MODE_LABELS, STATUS_LABELS
from bimtek.registration.models import DataRequest, Registration, RegistrationQuestion
from bimtek.registration.nip import format_nip
from bimtek.registration.public import form_context, form_input, register_from_form, upload_dir
from bimtek.registration.spreadsheet import write_csv, write_xlsx

add_event_tab("registration.participants", _l("Peserta"), "manage", 20)
add_event_tab("registration.questions", _l("Formulir"), "manage", 21)

PER_PAGE = 50
FILTER_ARGS = ("q", "field", "status", "mode", "institution_type", "province_code")


def filter_args() -> dict:
    return {k: request.args.get(k, "") for k in FILTER_ARGS if request.args.get(k)}


@bp.get("/manage/events/<int:event_id>/participants")
@login_required
@event_view("manage")
def participants(event):
    """Participants of an event: search, filters, counts, pages."""
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    args = filter_args()
    rows, total = services.search(event.id, args, page=page, per_page=PER_PAGE)
    requests_open = db.session.scalar(
        select(db.func.count()).select_from(DataRequest).where(DataRequest.event_id == event.id,
                                                               DataRequest.status == "open")
    )  # fmt: skip
    return render_template(
        "registration/participants.html",
        event=event,
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        args=args,
        counts=services.counts(event.id),
        requests_open=requests_open,
        provinces=regions.provinces(),
        status_labels=STATUS_LABELS,
        mode_labels=MODE_LABELS,
        institution_labels=INSTITUTION_LABELS,
        search_fields=services.SEARCH_FIELDS,
        count_cap=services.COUNT_CAP,
    )


@bp.route("/manage/events/<int:event_id>/participants/new", methods=["GET", "POST"])
@login_required
@event_view("manage")
def add_participant(event):
    """Add a participant by hand (e.g. an invited official); the same rules as the public form."""
    values: dict = {"mode": event.modes[0] if event.modes else ""}
    errors: dict = {}
    duplicate, status = False, 200
    if request.method == "POST":
        values = form_input(request.form)
        values["accept_waitlist"] = request.form.get("accept_waitlist") in ("y", "on", "1")
        try:
            reg = register_from_form(event, values, now=utcnow(), source="manual", ip=request.remote_addr,
                                     actor=current_user._get_current_object())  # fmt: skip
        except DomainError as err:
            duplicate = err.code == "duplicate"
            errors, status = err.fields or {"_form": err.message}, err.status
        else:
            tasks.email_registration(reg.id, "confirmed")
            flash(_("Peserta ditambahkan."), "success")
            return redirect(url_for("registration.detail", registration_id=reg.id), 303)
    ctx = form_context(event, staff=True, action=url_for("registration.add_participant", event_id=event.id))
    return render_template("registration/form.html", values=values, errors=errors, duplicate=duplicate, **ctx), status


@bp.get("/manage/registrations/<int:registration_id>")
@login_required
@object_view(Registration, "registration_id", "manage")
def detail(obj: Registration):
    """One participant: data, seat, history and the organizer's actions."""
    reg = obj
    audit.record("registration.view", reg)
    db.session.commit()
    try:
        province, regency = regions.province(reg.province_code).name, regions.regency(reg.regency_code).name
    except regions.RegionError:
        province, regency = reg.province_code, reg.regency_code
    requests_ = db.session.scalars(
        select(DataRequest).where(DataRequest.registration_id == reg.id).order_by(DataRequest.created_at)
    ).all()
    return render_template(
        "registration/detail.html",
        event=reg.event,
        reg=reg,
        history=audit.history("registration", reg.id),
        questions=services.event_questions(reg.event_id),
        data_requests=requests_,
        province=province,
        regency=regency,
        nip_display=format_nip(reg.nip) if reg.nip else "",
        status_labels=STATUS_LABELS,
        mode_labels=MODE_LABELS,
        employment_labels=EMPLOYMENT_LABELS,
        institution_labels=INSTITUTION_LABELS,
    )


ACTIONS = {
    "approve": (lambda reg, now, user: services.approve(reg, now=now, actor=user), "approved", _l("Disetujui.")),
    "reject": (lambda reg, now, user: services.reject(reg, now=now, actor=user, reason=request.form.get("reason", "")),
               "rejected", _l("Ditolak.")),
    "cancel": (lambda reg, now, user: services.cancel_registration(reg, now=now, actor=user,
                                                                   reason=request.form.get("reason", "")),
               "cancelled", _l("Pendaftaran dibatalkan.")),
    "move": (lambda reg, now, user: services.switch_mode(reg, request.form.get("mode", ""), now=now, actor=user),
             "mode_changed", _l("Cara mengikuti diubah.")),
    "promote": (lambda reg, now, user: services.promote(reg, now=now, actor=user), "promoted", _l("Diberi kursi.")),
    "reissue": (lambda reg, now, user: services.reissue_ticket(reg, now=now, actor=user), "reissued",
                _l("Tiket baru diterbitkan.")),
    "resend": (lambda reg, now, user: audit.record("registration.resend", reg, actor=user), "confirmed",
               _l("Konfirmasi dikirim ulang.")),
}  # fmt: skip


@bp.post("/manage/registrations/<int:registration_id>/action")
@login_required
@object_view(Registration, "registration_id", "manage")
def action(obj: Registration):
    """Approve, reject, cancel, move, promote, re-issue or re-send; audited, the participant is emailed."""
    reg = obj
    name = request.form.get("action", "")
    if name not in ACTIONS:
        abort(400)
    fn, email_kind, message = ACTIONS[name]
    try:
        result = fn(reg, utcnow(), current_user._get_current_object())
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(url_for("registration.detail", registration_id=reg.id), 303)
    if request.form.get("notify", "y") == "y" or name == "resend":
        tasks.email_registration(reg.id, email_kind)
    if isinstance(result, Registration) and result.id != reg.id:
        tasks.email_registration(result.id, "promoted")
    flash(str(message), "success")
    return redirect(url_for("registration.detail", registration_id=reg.id), 303)


@bp.post("/manage/registrations/<int:registration_id>/edit")
@login_required
@object_view(Registration, "registration_id", "manage")
def edit(obj: Registration):
    """Correct a participant's data on their behalf (same checks as the form)."""
    raw = {k: v for k, v in form_input(request.form).items() if k in services.STAFF_EDITABLE and k in request.form}
    try:
        services.staff_update(obj, raw, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("Data peserta diperbarui."), "success")
    except DomainError as err:
        db.session.rollback()
        msgs = "; ".join(f"{k}: {_(v)}" for k, v in err.fields.items()) or _(err.message)
        flash(msgs, "error")
    return redirect(url_for("registration.detail", registration_id=obj.id), 303)


@bp.post("/manage/data-requests/<int:request_id>")
@login_required
def close_request(request_id: int):
    """Mark a participant's data request done or refused."""
    req = db.session.get(DataRequest, request_id)
    if req is None:
        abort(404)
    check_event(current_user, "manage", req.event_id)
    try:
        services.close_data_request(req, status=request.form.get("status", ""), actor=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("registration.detail", registration_id=req.registration_id), 303)


# --- Export, import, bulk email ----------------------------------------------------------------------------


@bp.get("/manage/events/<int:event_id>/participants/export")
@login_required
@event_view("manage")
def export(event):
    """Choose columns (no `format`), or download the filtered list as CSV or XLSX."""
    fmt = request.args.get("format")
    args = filter_args()
    if fmt not in ("csv", "xlsx"):
        return render_template("registration/export.html", event=event, args=args, columns=transfer.EXPORT_COLUMNS,
                               default=transfer.DEFAULT_EXPORT)  # fmt: skip
    headers, rows = transfer.export_rows(event, args, request.args.getlist("columns"), actor=current_user)
    db.session.commit()
    name = f"peserta-{event.code.lower()}"
    if fmt == "csv":
        body, mimetype = write_csv(headers, rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = write_xlsx(headers, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _upload_path(event, token: str, create: bool = False) -> Path:
    folder = Path(current_app.instance_path) / "imports"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{event.id}-{token}.bin"


@bp.route("/manage/events/<int:event_id>/participants/import", methods=["GET", "POST"])
@login_required
@event_view("manage")
def import_participants(event):
    """Upload a CSV/XLSX of invited participants and see a preview; nothing is saved yet."""
    ctx = {"event": event, "aliases": transfer.ALIASES, "errors": {}, "preview": None}
    if request.method == "GET":
        return render_template("registration/import.html", **ctx)
    upload = request.files.get("file")
    default_mode = request.form.get("default_mode") or (event.modes[0] if event.modes else "onsite")
    if upload is None or not upload.filename:
        ctx["errors"] = {"file": _("Pilih berkas CSV atau XLSX.")}
        return render_template("registration/import.html", **ctx), 422
    content = upload.read()
    try:
        preview = transfer.preview_import(event, content, upload.filename, default_mode=default_mode, now=utcnow())
    except DomainError as err:
        ctx["errors"] = {"file": _(err.message)}
        return render_template("registration/import.html", **ctx), 422
    token = secrets.token_hex(16)
    _upload_path(event, token, create=True).write_bytes(content)
    ctx.update(preview=preview, token=token, filename=upload.filename, default_mode=default_mode)
    return render_template("registration/import.html", **ctx)


@bp.post("/manage/events/<int:event_id>/participants/import/confirm")
@login_required
@event_view("manage")
def import_confirm(event):
    """Save the valid rows of a previewed file (checked again: the list may have changed meanwhile)."""
    token = request.form.get("token", "")
    if not _TOKEN.match(token) or not _upload_path(event, token).exists():
        flash(_("Pratinjau impor sudah kedaluwarsa. Unggah ulang berkasnya."), "error")
        return redirect(url_for("registration.import_participants", event_id=event.id), 303)
    path = _upload_path(event, token)
    preview = transfer.preview_import(event, path.read_bytes(), request.form.get("filename", "data.csv"),
                                      default_mode=request.form.get("default_mode", "onsite"), now=utcnow())  # fmt: skip
    result = transfer.commit_import(event, preview, actor=current_user._get_current_object())
    job = None
    if request.form.get("notify") == "y" and result.get("registration_ids"):
        job = start_job("registration.confirm_many", event_id=event.id, total=len(result["registration_ids"]),
                        user=current_user, params={"registration_ids": result["registration_ids"]})  # fmt: skip
    db.session.commit()
    path.unlink(missing_ok=True)
    if job is not None:
        tasks.confirm_many(job.id)
    flash(_("Impor selesai: %(c)s terkonfirmasi, %(w)s daftar tunggu, %(s)s baris dilewati.",
            c=result["confirmed"], w=result["waitlisted"], s=result["skipped"]), "success")  # fmt: skip
    if job is not None:
        return redirect(url_for("registration.job_progress", event_id=event.id, job_id=job.id), 303)
    return redirect(url_for("registration.participants", event_id=event.id), 303)


@bp.route("/manage/events/<int:event_id>/participants/email", methods=["GET", "POST"])
@login_required
@event_view("manage")
def bulk_email(event):
    """Write to the filtered participants through the job queue."""
    args = filter_args() if request.method == "GET" else {k: request.form.get(k, "") for k in FILTER_ARGS}
    args = {k: v for k, v in args.items() if v}
    conds = services.search_conditions(event.id, args)
    if not args.get("status"):
        conds.append(Registration.status.in_(services.ACTIVE_STATUSES))
    ids = db.session.scalars(select(Registration.id).where(*conds).order_by(Registration.id)).all()
    errors = {}
    if request.method == "POST":
        subject = request.form.get("subject", "").strip()
        body = request.form.get("body", "").strip()
        if not subject or len(subject) > 200:
            errors["subject"] = _("Subjek wajib diisi (maksimal 200 karakter).")
        if not body:
            errors["body"] = _("Isi pesan wajib diisi.")
        if not ids:
            errors["_form"] = _("Tidak ada penerima yang cocok dengan filter.")
        if not errors:
            job = start_job("registration.bulk_email", event_id=event.id, total=len(ids), user=current_user,
                            params={"subject": subject, "body": body, "registration_ids": list(ids), "filters": args})  # fmt: skip
            audit.record("registration.bulk_email", event_id=event.id, details={"count": len(ids), "filters": args})
            db.session.commit()
            tasks.bulk_email(job.id)
            return redirect(url_for("registration.job_progress", event_id=event.id, job_id=job.id), 303)
    return render_template("registration/bulk_email.html", event=event, args=args, count=len(ids), errors=errors,
                           values=request.form), (422 if errors else 200)  # fmt: skip


@bp.get("/manage/events/<int:event_id>/jobs/<int:job_id>")
@login_required
@event_view("manage")
def job_progress(event, job_id: int):
    """Progress of a bulk email job; the page refreshes itself while the job runs."""
    job = db.session.get(Job, job_id)
    if job is None or job.event_id != event.id:
        abort(404)
    return render_template("registration/job.html", event=event, job=job)


# --- Extra questions ---------------------------------------------------------------------------------------

QUESTION_KIND_LABELS = {
    "short": _l("Jawaban singkat"),
    "long": _l("Jawaban panjang"),
    "single": _l("Pilihan ganda (satu)"),
    "multiple": _l("Kotak centang (beberapa)"),
    "yesno": _l("Ya/tidak"),
    "file": _l("Unggah berkas (PDF/JPG/PNG, maks. 5 MB)"),
}


@bp.route("/manage/events/<int:event_id>/questions", methods=["GET", "POST"])
@login_required
@event_view("manage")
def questions(event):
    """The event's extra registration questions (e.g. surat tugas upload)."""
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            services.add_question(event, values, actor=current_user._get_current_object())
            db.session.commit()
            flash(_("Pertanyaan ditambahkan."), "success")
            return redirect(url_for("registration.questions", event_id=event.id), 303)
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields, err.status
    return render_template("registration/questions.html", event=event, questions=services.event_questions(event.id),
                           kinds=QUESTION_KIND_LABELS, errors=errors, values=values), status  # fmt: skip


def _event_question(event, question_id: int) -> RegistrationQuestion:
    q = db.session.get(RegistrationQuestion, question_id)
    if q is None or q.event_id != event.id:
        abort(404)
    return q


@bp.post("/manage/events/<int:event_id>/questions/<int:question_id>/delete")
@login_required
@event_view("manage")
def delete_question(event, question_id: int):
    """Remove a question from the form."""
    services.delete_question(_event_question(event, question_id), actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Pertanyaan dihapus."), "success")
    return redirect(url_for("registration.questions", event_id=event.id), 303)


def send_answer_file(reg: Registration, question_id: int):
    """Serve an uploaded answer as a download, under its checked type."""
    answer = (reg.answers or {}).get(str(question_id))
    if not isinstance(answer, dict) or not services.STORED_FILE.match(answer.get("file", "")):
        abort(404)
    path = upload_dir(reg.event_id) / answer["file"]
    if not path.is_file():
        abort(404)
    # Files are at most 5 MB: read them whole, so no file handle outlives the request.
    resp = Response(path.read_bytes(), mimetype=answer.get("type", "application/octet-stream"))
    resp.headers.set("Content-Disposition", "attachment", filename=answer.get("name") or answer["file"])
    return resp


@bp.get("/manage/registrations/<int:registration_id>/files/<int:question_id>")
@login_required
@object_view(Registration, "registration_id", "manage")
def answer_file(obj: Registration, question_id: int):
    """Download a participant's uploaded file (e.g. surat tugas); audited."""
    resp = send_answer_file(obj, question_id)
    audit.record("registration.file_download", obj, details={"question": question_id})
    db.session.commit()
    return resp
