"""Emails to agencies' PICs: the invitation with the private link, and the reminder to those lagging."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from bimtek.core.mail import send_email
from bimtek.core.time import utcnow
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import format_datetime_long, format_event_when
from bimtek.nominations import services
from bimtek.nominations.models import InvitedAgency

SUBJECTS = {
    "invite": "Undangan nominasi peserta: %(title)s",
    "reminder": "Pengingat nominasi peserta: %(title)s",
}


def pic_url(token: str) -> str:
    """The absolute private link of a PIC (also built by the job consumer, outside any request)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for("nominations.pic_page", token=token)
    with current_app.test_request_context("/"):
        return base + url_for("nominations.pic_page", token=token)


def send_pic_email(agency: InvitedAgency, kind: str, token: str | None = None) -> bool:
    """Email the PIC their link (a new one when none can be re-derived); marks invited/reminded; flushes."""
    if not agency.pic_email:
        return False
    token = token or services.link_token(agency) or services.new_link(agency)
    event = db.session.get(Event, agency.event_id)
    settings = services.settings_for(event.id)
    now = utcnow()
    with force_locale("id"):
        deadline = (
            format_datetime_long(settings.deadline, event.timezone, "id") if settings and settings.deadline else ""
        )
        ctx = {
            "agency": agency, "event": event, "kind": kind, "url": pic_url(token), "deadline": deadline,
            "when": format_event_when(event.starts_at, event.ends_at, event.timezone, "id"),
            "left": agency.quota_total - agency.used_total,
        }  # fmt: skip
        ok = send_email(agency.pic_email, _(SUBJECTS[kind], title=event.title), "nomination_invite", **ctx)
    if kind == "invite":
        agency.invited_at = now
    else:
        agency.reminded_at = now
    db.session.flush()
    return ok
