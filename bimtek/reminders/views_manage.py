"""Organizer pages: the event's reminders (switch, time, texts, log) and the WhatsApp list to send by hand."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_view
from bimtek.core.pages import Page
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.i18n import format_datetime_long
from bimtek.nav import add_event_tab
from bimtek.registration.phone import PhoneError, format_phone
from bimtek.reminders import forms, schedule, services, whatsapp

bp = Blueprint("reminders_manage", __name__)
add_event_tab("reminders_manage.manage", _l("Pengingat"), "manage", 66)
PER_PAGE = 100


@bp.app_template_global("wa_share_link")
def wa_share_link(text: str) -> str:
    """A participant page's "Bagikan ke WhatsApp": WhatsApp opens with the text, the person picks the chat."""
    return whatsapp.share_link(text)


@bp.get("/manage/events/<int:event_id>/pengingat")
@login_required
@event_view("manage")
def manage(event):
    """Every reminder of the event: when it goes (local time), whether it is on, how many went, and the log."""
    now = services.clock()
    items = services.plan(event, now)
    db.session.commit()  # keeps the default reminders made on first visit
    return render_template("reminders/manage.html", event=event, items=items, log=services.log(event),
                           when=lambda w: format_datetime_long(w, event.timezone),
                           auto_sender=bool(current_app.config.get("WHATSAPP_SENDER")))  # fmt: skip


def _reminder(event, reminder_id: int):
    reminder = services.get_reminder(event, reminder_id)
    if reminder is None:
        abort(404)
    return reminder


@bp.route("/manage/events/<int:event_id>/pengingat/<int:reminder_id>", methods=["GET", "POST"])
@login_required
@event_view("manage")
def edit(event, reminder_id: int):
    """Switch a reminder on or off, set its clock time (H-3/H-1) and edit its email and WhatsApp texts."""
    reminder = _reminder(event, reminder_id)
    form = forms.ReminderForm(obj=reminder)
    if not form.is_submitted():
        form.send_time.data = reminder.send_time.replace(":", ".")  # 08.00, as Indonesians write the time
    status = 200
    if form.validate_on_submit():
        try:
            services.update_reminder(reminder, form.clean(), user=current_user)
            db.session.commit()
            flash(_("Pengingat disimpan."), "success")
            return redirect(url_for("reminders_manage.manage", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            for name, message in err.fields.items():
                getattr(form, name).errors = [message]
            status = err.status
    elif form.is_submitted():
        status = 422
    ctx = services.Context.of(event)
    return render_template(
        "reminders/edit.html", event=event, reminder=reminder, form=form,
        session=ctx.sessions.get(reminder.session_id),
        placeholders=schedule.allowed_tokens(reminder.kind, whatsapp=False),
        wa_placeholders=schedule.allowed_tokens(reminder.kind, whatsapp=True), day_kind=reminder.kind in schedule.DAYS_BEFORE,
        wa_only=reminder.kind in schedule.WA_ONLY,
    ), status  # fmt: skip


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.get("/manage/events/<int:event_id>/whatsapp")
@login_required
@event_view("manage")
def whatsapp_list(event):
    """The participants of one reminder, each with a wa.me link that opens WhatsApp with the message filled in."""
    items = services.ensure_reminders(event)
    db.session.commit()
    chosen = None
    wanted = request.args.get("pengingat", "")
    if wanted:
        chosen = next((r for r in items if str(r.id) == wanted), None)
        if chosen is None:
            abort(404)
    chosen = chosen or next((r for r in items if r.enabled), items[0])
    ctx = services.Context.of(event)
    people = services.recipients(chosen, ctx)
    ticked = services.ticks(chosen)
    only_open = request.args.get("belum") == "1"
    if only_open:
        people = [p for p in people if p["id"] not in ticked]
    found = Page.of_list(people, page=_page_number(), per_page=PER_PAGE)
    shown = found.items
    common, pattern = services.event_values(chosen, ctx), services.link_pattern(chosen)
    rows = []
    for person in shown:
        text = services.compose(chosen, common, person, pattern)["wa_text"]
        try:
            link, phone = whatsapp.chat_link(person["phone"], text), format_phone(person["phone"])
        except PhoneError:
            link, phone = None, person["phone"]
        rows.append({"id": person["id"], "name": person["full_name"], "phone": phone, "link": link, "text": text})
    return render_template(
        "reminders/whatsapp.html", event=event, items=items, chosen=chosen, rows=rows, ticked=ticked,
        auto=services.auto_wa(chosen), total=len(people), found=found, page=found.page, only_open=only_open,
        sessions={s.id: s.title for s in event.sessions},
    )  # fmt: skip


@bp.post("/manage/events/<int:event_id>/whatsapp/<int:reminder_id>/tandai")
@login_required
@event_view("manage")
def tick(event, reminder_id: int):
    """Tick (or untick) one participant as sent on WhatsApp; back to the same place in the list."""
    reminder = _reminder(event, reminder_id)
    try:
        registration_id = int(request.form.get("registration_id", ""))
    except ValueError:
        abort(404)
    try:
        services.set_tick(reminder, registration_id, request.form.get("sent") == "1", user=current_user)
    except DomainError as err:
        db.session.rollback()
        abort(err.status)
    db.session.commit()
    args = {"pengingat": reminder.id}
    for key in ("page", "belum"):
        if request.form.get(key):
            args[key] = request.form[key]
    return redirect(url_for("reminders_manage.whatsapp_list", event_id=event.id, **args) + f"#p{registration_id}")
