"""Public pages: the registration form, re-sending a manage link, and the region lookup for the form."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import secure_filename

from bimtek.core.time import utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db, limiter
from bimtek.reference import regions
from bimtek.registration import services, tasks
from bimtek.registration.blueprint import bp
from bimtek.registration.labels import EMPLOYMENT_LABELS, INSTITUTION_LABELS, MODE_LABELS, RANKS
from bimtek.registration.uploads import MAX_BYTES, UploadError, check_upload

HONEYPOT = "website"


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


def register_from_form(event: Event, values: dict, *, now, source: str, ip, actor=None):
    """Validate and save a posted form, extra questions and uploads included; removes uploads on failure."""
    questions, answers, stored, paths, upload_errors = collect_answers(event, request.form, request.files)
    values["answers"] = answers
    try:
        if upload_errors:
            try:
                services.validate_participant(event, values, now=now, questions=questions, trusted_files=stored,
                                             require_consent=source != "manual")  # fmt: skip
            except Invalid as err:
                raise Invalid(err.code, err.message, fields={**err.fields, **upload_errors}) from err
            raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=upload_errors)
        if source == "manual":
            clean = services.validate_participant(event, values, now=now, require_consent=False, questions=questions,
                                                  trusted_files=stored)  # fmt: skip
            reg = services.create_registration(event, clean, source="manual", consent=False, actor=actor,
                                               allow_waitlist=values.get("accept_waitlist", False))  # fmt: skip
        else:
            reg = services.register_participant(event, values, now=now, ip=ip, questions=questions,
                                                trusted_files=stored, allow_waitlist=values.get("accept_waitlist"))  # fmt: skip
        db.session.commit()
        return reg
    except Exception:
        db.session.rollback()
        for path in paths:
            path.unlink(missing_ok=True)
        raise


def registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# One budget per address shared by the form, the manage-link re-send and the public API.
throttle = limiter.shared_limit(registration_limit, scope="registration", methods=["POST"])


def form_input(form) -> dict:
    """Only the participant's own fields; anything else posted (event, status, role...) is dropped."""
    raw = {name: form.get(name, "") for name in services.PARTICIPANT_FIELDS if name not in ("consent", "answers")}
    raw["consent"] = form.get("consent") in ("y", "on", "1", "true")
    return raw


def form_context(event: Event, **extra) -> dict:
    """What the form template needs besides values and errors."""
    return {
        "event": event,
        "provinces": regions.provinces(),
        "regencies": {p.code: regions.regencies(p.code) for p in regions.provinces()},
        "employment_labels": EMPLOYMENT_LABELS,
        "institution_labels": INSTITUTION_LABELS,
        "mode_labels": MODE_LABELS,
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


@bp.route("/e/<slug>/daftar", methods=["GET", "POST"])
@throttle
def register(slug: str):
    """The participant's registration form (works without JavaScript)."""
    event = _public_event(slug)
    now = utcnow()
    values: dict = {"mode": event.modes[0] if len(event.modes) == 1 else "", "employment_status": ""}
    errors: dict = {}
    duplicate = False
    status = 200
    if not event.registration_open(now):
        return render_template("registration/closed.html", event=event), 409 if request.method == "POST" else 200
    if request.method == "POST":
        values = form_input(request.form)
        values["accept_waitlist"] = request.form.get("accept_waitlist") in ("y", "on", "1")
        if request.form.get(HONEYPOT):
            # A bot filled the field people never see: store nothing and say little.
            return render_template("registration/form.html", values=values, errors={},
                                   refused=True, **form_context(event)), 422  # fmt: skip
        try:
            reg = register_from_form(event, values, now=now, source="form", ip=request.remote_addr)
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


@bp.post("/e/<slug>/kirim-tautan")
@throttle
def resend_link(slug: str):
    """Send the manage link to the address already registered, and say the same whatever we found."""
    event = _public_event(slug)
    reg = services.find_registered(event, request.form.get("email", ""), request.form.get("nip", ""))
    if reg is not None:
        tasks.email_registration(reg.id, "manage_link")
    return render_template("registration/link_sent.html", event=event)


@bp.get("/regions/<code>.json")
def regions_json(code: str):
    """The kabupaten/kota of a province, for the form's dependent select."""
    try:
        items = [{"code": r.code, "name": r.name} for r in regions.regencies(code)]
    except regions.RegionError:
        return jsonify({"error": "not_found", "message": _("Provinsi tidak dikenal."), "fields": {}}), 404
    resp = jsonify(items)
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp
