"""The PIC's private page /nominasi/<token>: quota and deadline, nominate, replace, upload the surat tugas.

No account: the unguessable link is the key (only its hash is stored). Another agency's nominee is
not found (404) through this link, whatever id is typed.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bimtek.accounts.access import public
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError
from bimtek.events.models import Event
from bimtek.extensions import db, limiter
from bimtek.nominations import forms, pic, services
from bimtek.nominations.models import InvitedAgency
from bimtek.reference import regions
from bimtek.registration import tasks as registration_tasks
from bimtek.registration.queries import registrations_by_id, status_label

bp = Blueprint("nominations", __name__)


def _rate() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _per_link() -> str:
    # Counted per private link (every PIC of an office behind one NAT has their own budget); the link itself
    # is 256 bits, so guessing one is not what a rate limit has to stop.
    return "nomination:" + str((request.view_args or {}).get("token", ""))[:64]


throttle = limiter.limit(_rate, key_func=_per_link, methods=["POST"])


def _agency(token: str) -> InvitedAgency:
    agency = services.agency_by_token(token)
    if agency is None:
        abort(404)
    return agency


def _page(agency: InvitedAgency, token: str, *, values=None, errors=None, replacing=None, status=200):
    event = db.session.get(Event, agency.event_id)
    now = utcnow()
    ended = now >= as_utc(event.ends_at)
    settings = services.settings_for(event.id)
    noms = services.active_nominations(agency.id)
    regs = registrations_by_id([n.registration_id for n in noms])
    people = [{"nomination": n, "reg": regs[n.registration_id], "status": status_label(regs[n.registration_id].status)}
              for n in noms if n.registration_id in regs]  # fmt: skip
    modes = [m for m in ("onsite", "online") if agency.quota(m) > 0]
    values = values or {"mode": modes[0] if len(modes) == 1 else ""}
    return render_template(
        "nominations/pic.html", agency=agency, event=event, token=token, settings=settings, people=people,
        closed=services.deadline_passed(event.id, now) or agency.released_at is not None or ended, modes=modes,
        letter_open=not ended,
        values=values, errors=errors or {}, replacing=replacing,
        provinces=regions.provinces() if not agency.regency_code else [],
        regencies={p.code: regions.regencies(p.code) for p in regions.provinces()} if not agency.regency_code else {},
        letter_mb=pic.letter_max_bytes() // (1024 * 1024),
    ), status  # fmt: skip


@bp.get("/nominasi/<token>")
def pic_page(token: str):
    """What the agency was given and whom it has nominated."""
    agency = _agency(token)
    if agency.link_opened_at is None:
        agency.link_opened_at = utcnow()
        db.session.commit()
    return _page(agency, token)


def _fail(agency, token, err: DomainError, values: dict, replacing=None):
    db.session.rollback()
    errors = dict(err.fields)
    if not errors or isinstance(err, Conflict) or err.code == "deadline_passed":
        errors["_form"] = err.message
    return _page(agency, token, values=values, errors=errors, replacing=replacing, status=err.status)


@bp.post("/nominasi/<token>")
@throttle
def nominate(token: str):
    """Nominate one person within the agency's quota, before the deadline."""
    agency = _agency(token)
    values = forms.person_input(request.form)
    try:
        reg = pic.nominate(agency, values, ip=request.remote_addr)
        db.session.commit()
    except DomainError as err:
        return _fail(agency, token, err, values)
    registration_tasks.email_registration(reg.id, "confirmed")
    flash(_("%(name)s sudah dinominasikan. Tautan kelola pendaftaran dikirim ke emailnya.", name=reg.full_name),
          "success")  # fmt: skip
    return redirect(url_for("nominations.pic_page", token=token) + "#people", 303)


@bp.route("/nominasi/<token>/ganti/<int:registration_id>", methods=["GET", "POST"])
@public  # the PIC's private link is the credential; another agency's nominee is a 404
@throttle
def replace(token: str, registration_id: int):
    """Replace one of this agency's nominees with someone else (before the deadline)."""
    agency = _agency(token)
    try:
        nom = pic.nomination_of(agency, registration_id)
    except DomainError:
        abort(404)
    current = registrations_by_id([nom.registration_id]).get(nom.registration_id)
    if request.method == "GET":
        return _page(agency, token, values={"mode": nom.mode}, replacing=current)
    values = forms.person_input(request.form)
    try:
        old, new = pic.replace(agency, registration_id, values, ip=request.remote_addr)
        db.session.commit()
    except DomainError as err:
        return _fail(agency, token, err, values, replacing=current)
    registration_tasks.email_registration(old.id, "cancelled")
    registration_tasks.email_registration(new.id, "confirmed")
    flash(_("%(old)s diganti oleh %(new)s.", old=old.full_name, new=new.full_name), "success")
    return redirect(url_for("nominations.pic_page", token=token) + "#people", 303)


@bp.before_app_request
def _letter_size():
    if request.endpoint == "nominations.upload_letter":
        request.max_content_length = pic.letter_max_bytes() + 256 * 1024


@bp.post("/nominasi/<token>/surat-tugas")
@throttle
def upload_letter(token: str):
    """The agency's surat tugas: one PDF for all its nominees."""
    agency = _agency(token)
    upload = request.files.get("letter")
    content = upload.read(pic.letter_max_bytes() + 1) if upload else b""
    try:
        pic.save_letter(agency, content, upload.filename if upload else "")
        db.session.commit()
    except DomainError as err:
        return _fail(agency, token, err, {})
    flash(_("Surat tugas diterima."), "success")
    return redirect(url_for("nominations.pic_page", token=token) + "#letter", 303)
