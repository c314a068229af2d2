"""The participant's private manage link, /r/<manage_token>: ticket, name fix, mode, cancel, data rights."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.accounts.access import public
from bimtek.core.tickets import qr_png, qr_svg
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.reference import regions
from bimtek.registration import notify, services, tasks
from bimtek.registration.blueprint import bp
from bimtek.registration.labels import EMPLOYMENT_LABELS, INSTITUTION_LABELS, MODE_LABELS, STATUS_LABELS
from bimtek.registration.models import DataRequest, Registration
from bimtek.registration.nip import format_nip
from bimtek.registration.phone import format_phone


def _by_token(token: str) -> Registration:
    if not token or len(token) > 64:
        abort(404)
    reg = db.session.scalar(select(Registration).where(Registration.manage_token == token))
    if reg is None:
        abort(404)
    return reg


def _back(reg: Registration):
    return redirect(url_for("registration.manage", token=reg.manage_token), 303)


def _region_names(reg: Registration) -> tuple[str, str]:
    try:
        return regions.province(reg.province_code).name, regions.regency(reg.regency_code).name
    except regions.RegionError:
        return reg.province_code, reg.regency_code


@bp.get("/r/<token>")
def manage(token: str):
    """Manage my registration: status, ticket or Zoom details, and what I can change."""
    reg = _by_token(token)
    event = reg.event
    open_request = db.session.scalar(
        select(DataRequest).where(DataRequest.registration_id == reg.id, DataRequest.status == "open")
    )
    province, regency = _region_names(reg)
    return render_template(
        "registration/manage.html",
        reg=reg,
        event=event,
        new=request.args.get("baru") == "1",
        ticket=services.ticket_text(reg),
        show_zoom=reg.mode == "online" and reg.status == "confirmed",
        active=reg.status in services.ACTIVE_STATUSES,
        other_modes=[m for m in event.modes if m != reg.mode],
        open_request=open_request,
        mode_labels=MODE_LABELS,
        status_labels=STATUS_LABELS,
        employment_labels=EMPLOYMENT_LABELS,
        institution_labels=INSTITUTION_LABELS,
        nip_display=format_nip(reg.nip) if reg.nip else "",
        phone_display=format_phone(reg.phone) if reg.phone else "",
        province=province,
        regency=regency,
        questions=services.event_questions(event.id),
        errors={},
    )


@bp.get("/r/<token>/qr.<fmt>")
def ticket_qr(token: str, fmt: str):
    """The ticket QR as SVG (page) or PNG (download); 404 when there is no usable ticket."""
    reg = _by_token(token)
    text = services.ticket_text(reg)
    if text is None or fmt not in ("svg", "png"):
        abort(404)
    if fmt == "svg":
        resp = Response(qr_svg(text), mimetype="image/svg+xml")
    else:
        resp = Response(qr_png(text), mimetype="image/png")
        resp.headers["Content-Disposition"] = f'inline; filename="tiket-{reg.code}.png"'
    return resp


@bp.get("/r/<token>/tiket.pdf")
def ticket_pdf(token: str):
    """The printable ticket."""
    reg = _by_token(token)
    pdf = notify.ticket_pdf_for(reg)
    if pdf is None:
        abort(404)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="tiket-{reg.code}.pdf"'})  # fmt: skip


@bp.get("/r/<token>/kegiatan.ics")
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


@bp.post("/r/<token>/nama")
def change_name(token: str):
    """Fix the spelling of my name for the certificate."""
    reg = _by_token(token)
    return _act(reg, lambda: services.update_name(reg, request.form.get("full_name", ""), actor="participant"),
                _("Nama diperbarui."))  # fmt: skip


@bp.post("/r/<token>/mode")
def change_mode(token: str):
    """Switch between on site and Zoom, if the other mode has a seat."""
    reg = _by_token(token)
    return _act(reg, lambda: services.switch_mode(reg, request.form.get("mode", ""), now=utcnow(), actor="participant"),
                _("Cara mengikuti diubah."), "mode_changed")  # fmt: skip


@bp.post("/r/<token>/batal")
def cancel(token: str):
    """Cancel my registration; my seat goes to the next person waiting."""
    reg = _by_token(token)
    if request.form.get("confirm") != "y":
        flash(_("Centang konfirmasi pembatalan terlebih dahulu."), "error")
        return _back(reg)
    return _act(reg, lambda: services.cancel_registration(reg, now=utcnow(), actor="participant"),
                _("Pendaftaran dibatalkan."), "cancelled")  # fmt: skip


@bp.post("/r/<token>/tiket-baru")
def reissue(token: str):
    """Issue a new ticket (e.g. the QR was shared); the old QR stops working."""
    reg = _by_token(token)
    if services.ticket_text(reg) is None:
        abort(404)
    return _act(reg, lambda: services.reissue_ticket(reg, actor="participant"),
                _("Tiket baru diterbitkan. QR lama tidak berlaku lagi."))  # fmt: skip


@bp.get("/r/<token>/data.json")
def my_data(token: str):
    """Download everything stored about me, with its processing history."""
    reg = _by_token(token)
    data = services.my_data(reg)
    db.session.commit()
    resp = jsonify(data)
    resp.headers["Content-Disposition"] = f'attachment; filename="data-{reg.code}.json"'
    return resp


@bp.post("/r/<token>/hapus")
def request_deletion(token: str):
    """Ask the organizer to delete my data (answered within 3x24 hours)."""
    reg = _by_token(token)
    services.request_deletion(reg, request.form.get("note", ""), ip=request.remote_addr)
    db.session.commit()
    flash(_("Permintaan penghapusan data tercatat. Panitia akan menindaklanjuti dalam 3×24 jam."), "success")
    return _back(reg)


@bp.get("/r/<token>/berkas/<int:question_id>")
@public  # reached by the private token, not by staff access (the authorization sweep skips it)
def my_file(token: str, question_id: int):
    """Download a file I uploaded with my registration."""
    from bimtek.registration.organizer_tools import send_answer_file

    return send_answer_file(_by_token(token), question_id)
