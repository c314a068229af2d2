"""Organizer pages: the participant list of an event, one participant's detail, actions and corrections."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts.access import check_event, event_view, object_view
from bimtek.core import audit
from bimtek.core.labels import label
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.nav import add_event_tab
from bimtek.reference import regions
from bimtek.registration import services, tasks, timeline
from bimtek.registration.forms import ActionForm, DataRequestForm, FilterForm, ParticipantForm
from bimtek.registration.models import DataRequest, Registration
from bimtek.registration.nip import format_nip
from bimtek.registration.views_public import form_context, region_names, register_from_form

add_event_tab("registration.participants", _l("Peserta"), "manage", 20)

PER_PAGE = 50
PERSONAL_ARGS = ("q", "field")
SEARCH_SESSION_KEY = "participant_search"


def filter_args() -> dict:
    """The list's filters; a search text typed in the form comes from the session, not the URL.

    A search for a NIP or an email would otherwise sit in the query string, and so in proxy access logs
    and browser history: the form posts it, it is kept in the signed session cookie, and links carry
    only `sq=1` ("use my saved search").
    """
    args = FilterForm(request.args).args()
    saved = session.get(SEARCH_SESSION_KEY) or {}
    if request.args.get("sq") and saved.get("event_id") == (request.view_args or {}).get("event_id"):
        args.update({k: saved[k] for k in PERSONAL_ARGS if saved.get(k)})
    return args


def link_args(args: dict) -> dict:
    """Filters for links and GET forms: never the search text itself."""
    out = {k: v for k, v in args.items() if k not in PERSONAL_ARGS}
    if any(args.get(k) for k in PERSONAL_ARGS):
        out["sq"] = "1"
    return out


@login_required
@event_view("manage")
def participants(event):
    """Participants of an event: search, filters, counts, pages (the search form posts, see filter_args)."""
    if request.method == "POST":
        args = FilterForm(request.form).args()
        session[SEARCH_SESSION_KEY] = {"event_id": event.id, **{k: args.get(k, "") for k in PERSONAL_ARGS}}
        return redirect(url_for("registration.participants", event_id=event.id, **link_args(args)), 303)
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, page)
    args = filter_args()
    found = services.search_page(event.id, args, page=page, per_page=PER_PAGE)
    requests_open = db.session.scalar(
        select(db.func.count()).select_from(DataRequest).where(DataRequest.event_id == event.id,
                                                               DataRequest.status == "open")
    )  # fmt: skip
    return render_template(
        "registration/participants.html", event=event, rows=found.items, found=found,
        args=args, link_args=link_args(args), counts=services.counts(event.id), requests_open=requests_open,
        provinces=regions.provinces(), search_fields=services.SEARCH_FIELDS,
    )  # fmt: skip


@login_required
@event_view("manage")
def add_participant(event):
    """Add a participant by hand (e.g. an invited official); the same door as the public form."""
    values: dict = {"mode": event.modes[0] if event.modes else ""}
    errors: dict = {}
    duplicate, status = False, 200
    if request.method == "POST":
        form = ParticipantForm(request.form)
        values = {**form.participant_data(), "accept_waitlist": form.accept_waitlist.data}
        try:
            reg = register_from_form(event, form, channel="manual", ip=request.remote_addr,
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


@login_required
@object_view(Registration, "registration_id", "manage")
def detail(obj: Registration):
    """One participant: data, seat, history and the organizer's actions."""
    reg = obj
    audit.record("registration.view", reg)
    db.session.commit()
    province, regency = region_names(reg)
    requests_ = db.session.scalars(
        select(DataRequest).where(DataRequest.registration_id == reg.id).order_by(DataRequest.created_at)
    ).all()
    return render_template(
        "registration/detail.html", event=reg.event, reg=reg, timeline=timeline.build(reg),
        questions=services.event_questions(reg.event_id), data_requests=requests_, province=province,
        regency=regency, nip_display=format_nip(reg.nip) if reg.nip else "",
        source_label=label("registration_source", reg.source),
    )  # fmt: skip


MESSAGES = {
    "approve": _l("Disetujui."),
    "reject": _l("Ditolak."),
    "cancel": _l("Pendaftaran dibatalkan."),
    "promote": _l("Diberi kursi."),
    "move": _l("Cara mengikuti diubah."),
    "reissue": _l("Tiket baru diterbitkan."),
    "resend": _l("Konfirmasi dikirim ulang."),
}


def _other_action(name: str, reg: Registration, form: ActionForm, user) -> list[tuple[int, str]]:
    """Actions that are not status changes: mode, new ticket, re-send; returns the emails to send."""
    now = utcnow()
    if name == "move":
        promoted = services.switch_mode(reg, form.mode.data or "", now=now, actor=user)
        return [(reg.id, "mode_changed")] + ([(promoted.id, "promoted")] if promoted else [])
    if name == "reissue":
        services.reissue_ticket(reg, now=now, actor=user)
        return [(reg.id, "reissued")]
    audit.record("registration.resend", reg, actor=user)
    return [(reg.id, "confirmed")]


@login_required
@object_view(Registration, "registration_id", "manage")
def action(obj: Registration):
    """Approve, reject, cancel, promote (the status door), move, re-issue or re-send; audited and emailed."""
    reg = obj
    form = ActionForm(request.form)
    name = form.action.data or ""
    if name not in MESSAGES:
        abort(400)
    user = current_user._get_current_object()
    if name in services.TRANSITIONS:
        emails = services.transition(reg, name, now=utcnow(), actor=user, reason=form.reason.data or "").emails
    else:
        emails = _other_action(name, reg, form, user)
    db.session.commit()
    for reg_id, kind in emails:
        if reg_id != reg.id or form.notify.data == "y" or name == "resend":
            tasks.email_registration(reg_id, kind)
    flash(str(MESSAGES[name]), "success")
    return redirect(url_for("registration.detail", registration_id=reg.id), 303)


@login_required
@object_view(Registration, "registration_id", "manage")
def edit(obj: Registration):
    """Correct a participant's data on their behalf (same checks as the form)."""
    raw = ParticipantForm(request.form).posted_data(services.STAFF_EDITABLE)
    try:
        services.staff_update(obj, raw, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("Data peserta diperbarui."), "success")
    except DomainError as err:
        db.session.rollback()
        msgs = "; ".join(f"{k}: {_(v)}" for k, v in err.fields.items()) or _(err.message)
        flash(msgs, "error")
    return redirect(url_for("registration.detail", registration_id=obj.id), 303)


@login_required
def close_request(request_id: int):
    """Mark a participant's data request done or refused."""
    req = db.session.get(DataRequest, request_id)
    if req is None:
        abort(404)
    check_event(current_user, "manage", req.event_id)
    services.close_data_request(req, status=DataRequestForm(request.form).status.data or "", actor=current_user)
    db.session.commit()
    return redirect(url_for("registration.detail", registration_id=req.registration_id), 303)
