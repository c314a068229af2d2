"""The participant's presensi pages, reached through the private manage token (never a guessable id)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bimtek.attendance import presensi
from bimtek.attendance.blueprint import bp
from bimtek.attendance.forms import PresensiCodeForm
from bimtek.attendance.models import PresensiWindow
from bimtek.errors import DomainError
from bimtek.extensions import db, limiter
from bimtek.registration.models import Registration

PRESENSI_COOKIE = "bimtek_presensi"


def _presensi_rate() -> str:
    return current_app.config.get("PRESENSI_RATE_LIMIT", "10 per minute")


def _token_key() -> str:
    return f"presensi:{request.view_args.get('token', '')}:{request.remote_addr}"


@bp.get("/presensi")
def presensi_entry():
    """Where the projected QR points: forwards to the participant's own presensi page if this phone knows it."""
    code = request.args.get("c", "")[:20]
    token = request.cookies.get(PRESENSI_COOKIE, "")
    if token and db.session.query(Registration.id).filter_by(manage_token=token).first():
        return redirect(url_for("attendance.presensi_participant", token=token, c=code))
    return render_template("attendance/presensi_entry.html", code=code)


@bp.route("/r/<token>/presensi", methods=["GET", "POST"])
@limiter.limit(_presensi_rate, key_func=_token_key, methods=["POST"])
def presensi_participant(token: str):
    """A participant confirms presence by the code on screen (scanned or typed)."""
    try:
        reg = presensi.registration_by_token(token)
    except DomainError:
        abort(404)
    event = reg.event
    status, message, errors = 200, None, {}
    form = PresensiCodeForm()
    code = request.args.get("c", "") or form.code.data or ""
    if request.method == "POST":
        try:
            record, created = presensi.submit_code(reg, form.code.data or "", method=form.method)
            db.session.commit()
            window = db.session.get(PresensiWindow, record.window_id)
            message = (
                _("Presensi tercatat. Terima kasih!")
                if created
                else _("Presensi Anda untuk sesi ini sudah tercatat sebelumnya.")
            )
            flash(message, "success")
            resp = redirect(url_for("attendance.presensi_participant", token=token, done=window.id))
            _remember_phone(resp, token)
            return resp
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields or {"code": err.message}, err.status
    records = presensi.records_for(reg.id)
    resp = current_app.make_response(
        (
            render_template(
                "attendance/presensi_participant.html",
                reg=reg,
                event=event,
                code=code,
                records=records,
                errors=errors,
                message=message,
            ),
            status,
        )
    )
    _remember_phone(resp, token)
    return resp


def _remember_phone(resp, token: str) -> None:
    # Lets the generic QR link (/presensi?c=...) open this participant's page; readable only there.
    resp.set_cookie(
        PRESENSI_COOKIE,
        token,
        max_age=3600 * 24 * 30,
        httponly=True,
        samesite="Lax",
        path="/presensi",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
