"""Organizer tools for a participant list: export, import, bulk email with progress, extra form questions."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts.access import event_object, event_view, object_view
from bimtek.core import audit
from bimtek.core.labels import labels
from bimtek.core.models import Job
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.jobs import start_job
from bimtek.nav import add_event_tab
from bimtek.registration import placeholders, services, tasks
from bimtek.registration.forms import BulkEmailForm, ImportForm, QuestionForm
from bimtek.registration.models import Registration, RegistrationQuestion
from bimtek.registration.services import export as exporting
from bimtek.registration.services import imports
from bimtek.registration.spreadsheet import template_xlsx, write_csv, write_xlsx
from bimtek.registration.views_manage import filter_args, link_args
from bimtek.registration.views_public import send_answer_file

add_event_tab("registration.questions", _l("Formulir"), "manage", 21)


@login_required
@event_view("manage")
def export(event):
    """Choose columns (no `format`), or download the filtered list as CSV or XLSX."""
    fmt = request.args.get("format")
    args = filter_args()
    if fmt not in ("csv", "xlsx"):
        return render_template("registration/export.html", event=event, args=args, link_args=link_args(args),
                               columns=exporting.EXPORT_COLUMNS, default=exporting.DEFAULT_EXPORT)  # fmt: skip
    headers, rows = exporting.export_rows(event, args, request.args.getlist("columns"), actor=current_user)
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


@login_required
@event_view("manage")
def import_participants(event):
    """Upload a CSV/XLSX of invited participants and see a preview; nothing is saved yet."""
    ctx = {"event": event, "columns": imports.TEMPLATE_COLUMNS, "errors": {}, "preview": None}
    if request.method == "GET":
        return render_template("registration/import.html", **ctx)
    form = ImportForm(request.form)
    upload = request.files.get("file")
    default_mode = form.default_mode.data or (event.modes[0] if event.modes else "onsite")
    if upload is None or not upload.filename:
        ctx["errors"] = {"file": _("Pilih berkas CSV atau XLSX.")}
        return render_template("registration/import.html", **ctx), 422
    content = upload.read()
    try:
        preview = imports.preview_import(event, content, upload.filename, default_mode=default_mode, now=utcnow())
    except DomainError as err:
        ctx["errors"] = {"file": _(err.message)}
        return render_template("registration/import.html", **ctx), 422
    token = secrets.token_hex(16)
    _upload_path(event, token, create=True).write_bytes(content)
    ctx.update(preview=preview, token=token, filename=upload.filename, default_mode=default_mode)
    return render_template("registration/import.html", **ctx)


@login_required
@event_view("manage")
def import_template(event):
    """An empty XLSX with the columns the import reads, and a sheet explaining each one."""
    cols = imports.TEMPLATE_COLUMNS
    body = template_xlsx([_(h) for _f, h, _n, _e in cols], [(_(h), _(n) if n else "", e) for _f, h, n, e in cols])
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="templat-impor-peserta.xlsx"'})  # fmt: skip


@login_required
@event_view("manage")
def import_confirm(event):
    """Save the valid rows of a previewed file (checked again: the list may have changed meanwhile)."""
    form = ImportForm(request.form)
    token = form.token.data or ""
    if not _TOKEN.match(token) or not _upload_path(event, token).exists():
        flash(_("Pratinjau impor sudah kedaluwarsa. Unggah ulang berkasnya."), "error")
        return redirect(url_for("registration.import_participants", event_id=event.id), 303)
    path = _upload_path(event, token)
    preview = imports.preview_import(event, path.read_bytes(), form.filename.data or "data.csv",
                                     default_mode=form.default_mode.data or "onsite", now=utcnow())  # fmt: skip
    result = imports.commit_import(event, preview, actor=current_user._get_current_object())
    job = None
    # Pending registrations are not confirmed yet: they hear from us when the organizer decides.
    confirmed_ids = [] if result["pending"] else result["registration_ids"]
    if form.notify.data and confirmed_ids:
        job = start_job("registration.confirm_many", event_id=event.id, total=len(confirmed_ids),
                        user=current_user, params={"registration_ids": confirmed_ids})  # fmt: skip
    db.session.commit()
    path.unlink(missing_ok=True)
    if job is not None:
        tasks.confirm_many(job.id)
    if result["pending"]:
        flash(_("Impor selesai: %(p)s menunggu persetujuan, %(s)s baris dilewati.",
                p=result["pending"], s=result["skipped"]), "success")  # fmt: skip
    else:
        flash(_("Impor selesai: %(c)s terkonfirmasi, %(w)s daftar tunggu, %(s)s baris dilewati.",
                c=result["confirmed"], w=result["waitlisted"], s=result["skipped"]), "success")  # fmt: skip
    if job is not None:
        return redirect(url_for("registration.job_progress", event_id=event.id, job_id=job.id), 303)
    return redirect(url_for("registration.participants", event_id=event.id), 303)


@login_required
@event_view("manage")
def bulk_email(event):
    """Write to the filtered participants through the job queue."""
    form = BulkEmailForm(request.form if request.method == "POST" else None)
    args = filter_args() if request.method == "GET" else form.args()
    conds = services.search_conditions(event.id, args)
    if not args.get("status"):
        conds.append(Registration.status.in_(services.ACTIVE_STATUSES))
    ids = db.session.scalars(select(Registration.id).where(*conds).order_by(Registration.id)).all()
    errors, preview = {}, None
    if request.method == "POST":
        subject = (form.subject.data or "").strip()
        body = (form.body.data or "").strip()
        action = form.action.data if form.action.data in ("preview", "test") else "send"
        if not subject or len(subject) > 200:
            errors["subject"] = _("Subjek wajib diisi (maksimal 200 karakter).")
        if not body:
            errors["body"] = _("Isi pesan wajib diisi.")
        if not ids:
            errors["_form"] = _("Tidak ada penerima yang cocok dengan filter.")
        typos = placeholders.unknown(subject + "\n" + body)
        if typos:
            errors["body"] = _("Placeholder tidak dikenal: %(names)s. Gunakan {nama}, {kode}, atau {tautan}.",
                               names=", ".join(typos))  # fmt: skip
        if not errors and action == "preview":
            preview = _preview(event, db.session.get(Registration, ids[0]), subject, body)
        elif not errors and action == "test":
            first = db.session.get(Registration, ids[0])
            tasks.send_bulk_message(first, _("[Uji] %(subject)s", subject=subject), body, to=current_user.email)
            db.session.commit()
            flash(_("Email uji dikirim ke %(email)s (diisi dengan data %(name)s).",
                    email=current_user.email, name=first.full_name), "success")  # fmt: skip
        elif not errors:
            job = start_job("registration.bulk_email", event_id=event.id, total=len(ids), user=current_user,
                            params={"subject": subject, "body": body, "registration_ids": list(ids), "filters": args})  # fmt: skip
            audit.record("registration.bulk_email", event_id=event.id, details={"count": len(ids), "filters": args})
            db.session.commit()
            tasks.bulk_email(job.id)
            return redirect(url_for("registration.job_progress", event_id=event.id, job_id=job.id), 303)
    return render_template("registration/bulk_email.html", event=event, args=args, link_args=link_args(args),
                           count=len(ids), errors=errors, values=request.form, preview=preview,
                           placeholders=placeholders.PLACEHOLDERS), (422 if errors else 200)  # fmt: skip


def _preview(event, reg, subject: str, body: str) -> dict:
    """The message as its first recipient will read it (subject and the text part of the email)."""
    values = tasks.placeholder_values(reg)
    text = render_template("emails/registration_bulk.txt", reg=reg, event=event,
                           body=placeholders.fill(body, values), manage_url=values["tautan"])  # fmt: skip
    return {"to": reg.full_name, "subject": placeholders.fill(subject, values), "text": text}


@login_required
@event_view("manage")
def job_progress(event, job_id: int):
    """Progress of a bulk email job; the page refreshes itself while the job runs."""
    job = event_object(Job, job_id, event)
    return render_template("registration/job.html", event=event, job=job)


@login_required
@event_view("manage")
def questions(event):
    """The event's extra registration questions (e.g. surat tugas upload)."""
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        form = QuestionForm(request.form)
        values = request.form.to_dict()
        try:
            services.add_question(event, form.data, actor=current_user._get_current_object())
            db.session.commit()
            flash(_("Pertanyaan ditambahkan."), "success")
            return redirect(url_for("registration.questions", event_id=event.id), 303)
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields, err.status
    return render_template("registration/questions.html", event=event, questions=services.event_questions(event.id),
                           kinds=labels("question_kind"), errors=errors, values=values), status  # fmt: skip


def _event_question(event, question_id: int) -> RegistrationQuestion:
    return event_object(RegistrationQuestion, question_id, event)


@login_required
@event_view("manage")
def delete_question(event, question_id: int):
    """Remove a question from the form."""
    services.delete_question(_event_question(event, question_id), actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Pertanyaan dihapus."), "success")
    return redirect(url_for("registration.questions", event_id=event.id), 303)


@login_required
@object_view(Registration, "registration_id", "manage")
def answer_file(obj: Registration, question_id: int):
    """Download a participant's uploaded file (e.g. surat tugas); audited."""
    resp = send_answer_file(obj, question_id)
    audit.record("registration.file_download", obj, details={"question": question_id})
    db.session.commit()
    return resp
