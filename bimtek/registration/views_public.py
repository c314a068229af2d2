"""Pages for participants and the public: the registration form, the manage-link re-send, the region lookup,
and the private manage link /r/<manage_token> (ticket, name fix, mode, cancel, data rights)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import secure_filename

from bimtek.accounts.access import public
from bimtek.core.tickets import qr_png, qr_svg
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db, limiter
from bimtek.reference import regions
from bimtek.registration import notify, services, tasks
from bimtek.registration.forms import (
    CancelForm,
    DeletionForm,
    ForgotLinkForm,
    ModeForm,
    NameForm,
    ParticipantForm,
    ResendLinkForm,
)
from bimtek.registration.models import DataRequest, Registration
from bimtek.registration.nip import format_nip
from bimtek.registration.phone import format_phone
from bimtek.registration.ranks import RANKS
from bimtek.registration.uploads import MAX_BYTES, UploadError, check_upload


def registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# One budget per address shared by the form, the manage-link re-send and the public API.
throttle = limiter.shared_limit(registration_limit, scope="registration", methods=["POST"])


def upload_dir(event_id: int) -> Path:
    """Where a participant's uploaded files are kept (never under static/, never by their own names)."""
    return Path(current_app.instance_path) / "uploads" / "registration" / str(event_id)


def collect_answers(event: Event, form, files):
    """Answers to the extra questions from a posted form; uploads are checked and stored under new names.

    Returns (questions, answers, stored file names, stored paths, upload errors). The caller deletes the
    stored paths if the registration is not saved.
    """
    questions = services.event_questions(event.id)
    answers: dict = {}
    stored: set[str] = set()
    paths: list[Path] = []
    errors: dict[str, str] = {}
    for q in questions:
        if q.kind == "file":
            upload = files.get(q.field_name)
            if upload is None or not upload.filename:
                continue
            content = upload.read(MAX_BYTES + 1)
            try:
                info = check_upload(content)
            except UploadError as err:
                errors[q.field_name] = err.message
                continue
            name = f"{secrets.token_hex(16)}.{info.extension}"
            folder = upload_dir(event.id)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
            paths.append(folder / name)
            stored.add(name)
            original = secure_filename(upload.filename)[:100] or f"berkas.{info.extension}"
            answers[str(q.id)] = {"file": name, "name": original, "type": info.mimetype, "size": info.size}
        elif q.kind == "multiple":
            answers[str(q.id)] = form.getlist(q.field_name)
        else:
            answers[str(q.id)] = form.get(q.field_name, "")
    return questions, answers, frozenset(stored), paths, errors


def register_from_form(event: Event, form: ParticipantForm, *, channel: str, ip, actor=None) -> Registration:
    """Register from a posted form through `services.register`, extra questions and uploads included.

    Commits on success; on failure rolls back, removes the uploads and re-raises the domain error.
    """
    questions, answers, stored, paths, upload_errors = collect_answers(event, request.form, request.files)
    values = {**form.participant_data(), "answers": answers}
    try:
        if upload_errors:
            try:
                services.validate_participant(event, values, now=utcnow(), questions=questions, trusted_files=stored,
                                              require_consent=channel != "manual")  # fmt: skip
            except Invalid as err:
                raise Invalid(err.code, err.message, fields={**err.fields, **upload_errors}) from err
            raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=upload_errors)
        reg = services.register(event, values, channel=channel, ip=ip, actor=actor, questions=questions,
                                trusted_files=stored, accept_waitlist=bool(form.accept_waitlist.data))  # fmt: skip
        db.session.commit()
        return reg
    except Exception:
        db.session.rollback()
        for path in paths:
            path.unlink(missing_ok=True)
        raise


def form_context(event: Event, **extra) -> dict:
    """What the form template needs besides values and errors."""
    return {
        "event": event,
        "provinces": regions.provinces(),
        "regencies": {p.code: regions.regencies(p.code) for p in regions.provinces()},
        "ranks": RANKS,
        "consent_version": services.CONSENT_VERSION,
        "questions": services.event_questions(event.id),
        "retention_months": current_app.config["RETENTION_MONTHS"],
        **extra,
    }


def _public_event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or not event.is_public:
        abort(404)
    return event


@throttle
def register(slug: str):
    """The participant's registration form (works without JavaScript)."""
    event = _public_event(slug)
    values: dict = {"mode": event.modes[0] if len(event.modes) == 1 else "", "employment_status": ""}
    errors: dict = {}
    duplicate = False
    status = 200
    if not event.registration_open(utcnow()):
        return render_template("registration/closed.html", event=event), 409 if request.method == "POST" else 200
    if request.method == "POST":
        form = ParticipantForm(request.form)
        values = {**form.participant_data(), "accept_waitlist": form.accept_waitlist.data}
        if form.website.data:
            # A bot filled the field people never see: store nothing and say little.
            return render_template("registration/form.html", values=values, errors={},
                                   refused=True, **form_context(event)), 422  # fmt: skip
        try:
            reg = register_from_form(event, form, channel="form", ip=request.remote_addr)
        except Conflict as err:
            duplicate, status = err.code == "duplicate", 409
            errors = err.fields or {"_form": err.message}
        except DomainError as err:
            errors, status = err.fields or {"_form": err.message}, err.status
        else:
            tasks.email_registration(reg.id, "confirmed")
            return redirect(url_for("registration.manage", token=reg.manage_token, baru=1), 303)
    return render_template(
        "registration/form.html", values=values, errors=errors, duplicate=duplicate, **form_context(event)
    ), status


@throttle
def resend_link(slug: str):
    """Send the manage link to the address already registered, and say the same whatever we found."""
    event = _public_event(slug)
    form = ResendLinkForm(request.form)
    reg = services.find_registered(event, form.email.data or "", form.nip.data or "")
    if reg is not None:
        tasks.email_registration(reg.id, "manage_link")
    return render_template("registration/link_sent.html", event=event)


@throttle
def forgot_link():
    """ "Lupa tautan?": email every manage link of an address; the same answer whether or not it is known."""
    form = ForgotLinkForm(request.form)
    event = None
    slug = request.args.get("e", "")
    if slug:
        event = db.session.scalar(select(Event).where(Event.slug == slug[:200]))
        event = event if event is not None and event.is_public else None
    if request.method == "GET":
        return render_template("registration/forgot.html", form=form, event=event, error=None)
    email = form.email.data or ""
    if "@" not in email or len(email) > 254:
        error = _("Tuliskan alamat email yang Anda pakai saat mendaftar.")
        return render_template("registration/forgot.html", form=form, event=event, error=error), 422
    tasks.email_links(email)
    return render_template("registration/forgot.html", form=form, event=event, sent=True, error=None)


def regions_json(code: str):
    """The kabupaten/kota of a province, for the form's dependent select."""
    try:
        items = [{"code": r.code, "name": r.name} for r in regions.regencies(code)]
    except regions.RegionError:
        return jsonify({"error": "not_found", "message": _("Provinsi tidak dikenal."), "fields": {}}), 404
    resp = jsonify(items)
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


# --- The private manage link ------------------------------------------------------------------------------


def _by_token(token: str) -> Registration:
    if not token or len(token) > 64:
        abort(404)
    reg = db.session.scalar(select(Registration).where(Registration.manage_token == token))
    if reg is None:
        abort(404)
    return reg


def _back(reg: Registration):
    return redirect(url_for("registration.manage", token=reg.manage_token), 303)


def region_names(reg: Registration) -> tuple[str, str]:
    """Province and kabupaten/kota names of a registration (codes when unknown)."""
    try:
        return regions.province(reg.province_code).name, regions.regency(reg.regency_code).name
    except regions.RegionError:
        return reg.province_code, reg.regency_code


def manage(token: str):
    """Manage my registration: status, ticket or Zoom details, and what I can change."""
    reg = _by_token(token)
    event = reg.event
    open_request = db.session.scalar(
        select(DataRequest).where(DataRequest.registration_id == reg.id, DataRequest.status == "open")
    )
    province, regency = region_names(reg)
    return render_template(
        "registration/manage.html", reg=reg, event=event, new=request.args.get("baru") == "1",
        ticket=services.ticket_text(reg), show_zoom=reg.mode == "online" and reg.status == "confirmed",
        active=reg.status in services.ACTIVE_STATUSES,
        other_modes=[] if services.seat_is_held(reg) else [m for m in event.modes if m != reg.mode],
        open_request=open_request,
        nip_display=format_nip(reg.nip) if reg.nip else "", phone_display=format_phone(reg.phone) if reg.phone else "",
        province=province, regency=regency, questions=services.event_questions(event.id), errors={},
    )  # fmt: skip


def ticket_qr(token: str, fmt: str):
    """The ticket QR as SVG (page) or PNG (download); 404 when there is no usable ticket."""
    reg = _by_token(token)
    text = services.ticket_text(reg)
    if text is None or fmt not in ("svg", "png"):
        abort(404)
    if fmt == "svg":
        return Response(qr_svg(text), mimetype="image/svg+xml")
    resp = Response(qr_png(text), mimetype="image/png")
    resp.headers["Content-Disposition"] = f'inline; filename="tiket-{reg.code}.png"'
    return resp


def ticket_pdf(token: str):
    """The printable ticket."""
    reg = _by_token(token)
    pdf = notify.ticket_pdf_for(reg)
    if pdf is None:
        abort(404)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="tiket-{reg.code}.pdf"'})  # fmt: skip


def calendar(token: str):
    """The event as a calendar file."""
    reg = _by_token(token)
    return Response(notify.ics_for(reg), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{reg.event.code.lower()}.ics"'})  # fmt: skip


def _act(reg: Registration, fn, success: str, email_kind: str | None = None):
    """Run one change, commit, email, and come back to the manage page with a message."""
    try:
        promoted = fn()
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.fields.get("full_name") or err.fields.get("mode") or err.message), "error")
        return _back(reg)
    if email_kind:
        tasks.email_registration(reg.id, email_kind)
    if isinstance(promoted, Registration) and promoted.id != reg.id:
        tasks.email_registration(promoted.id, "promoted")
    flash(success, "success")
    return _back(reg)


def change_name(token: str):
    """Fix the spelling of my name for the certificate."""
    reg = _by_token(token)
    name = NameForm(request.form).full_name.data or ""
    return _act(reg, lambda: services.update_name(reg, name, actor="participant"), _("Nama diperbarui."))


def change_mode(token: str):
    """Switch between on site and Zoom, if the other mode has a seat."""
    reg = _by_token(token)
    mode = ModeForm(request.form).mode.data or ""
    return _act(reg, lambda: services.switch_mode(reg, mode, now=utcnow(), actor="participant"),
                _("Cara mengikuti diubah."), "mode_changed")  # fmt: skip


def cancel(token: str):
    """Cancel my registration; my seat goes to the next person waiting."""
    reg = _by_token(token)
    if not CancelForm(request.form).confirm.data:
        flash(_("Centang konfirmasi pembatalan terlebih dahulu."), "error")
        return _back(reg)
    return _act(reg, lambda: services.transition(reg, "cancel", now=utcnow(), actor="participant").promoted,
                _("Pendaftaran dibatalkan."), "cancelled")  # fmt: skip


def reissue(token: str):
    """Issue a new ticket (e.g. the QR was shared); the old QR stops working."""
    reg = _by_token(token)
    if services.ticket_text(reg) is None:
        abort(404)
    return _act(reg, lambda: services.reissue_ticket(reg, actor="participant"),
                _("Tiket baru diterbitkan. QR lama tidak berlaku lagi."))  # fmt: skip


def my_data(token: str):
    """Download everything stored about me, with its processing history."""
    reg = _by_token(token)
    data = services.my_data(reg)
    db.session.commit()
    resp = jsonify(data)
    resp.headers["Content-Disposition"] = f'attachment; filename="data-{reg.code}.json"'
    return resp


def request_deletion(token: str):
    """Ask the organizer to delete my data (answered within 3x24 hours)."""
    reg = _by_token(token)
    services.request_deletion(reg, DeletionForm(request.form).note.data or "", ip=request.remote_addr)
    db.session.commit()
    flash(_("Permintaan penghapusan data tercatat. Panitia akan menindaklanjuti dalam 3×24 jam."), "success")
    return _back(reg)


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


@public  # reached by the private token, not by staff access (the authorization sweep skips it)
def my_file(token: str, question_id: int):
    """Download a file I uploaded with my registration."""
    return send_answer_file(_by_token(token), question_id)
