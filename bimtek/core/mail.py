"""Email: a text and an HTML part rendered from templates/emails/<name>.txt|.html, in Bahasa Indonesia.

``send_email`` renders the message at once (while the data it shows is at hand) and delivers it after the
current transaction commits (see bimtek.core.outbox): a rolled-back change emails no one.
"""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives

from bimtek.core import outbox

log = logging.getLogger("bimtek.mail")


def email_locale(ctx: dict | None = None) -> str:
    """The language of an email: the registration's or event's when it has one, else the default.

    Never the clicking person's page language, and never read from a request (jobs have none).
    """
    for key in ("reg", "registration", "event"):
        lang = getattr((ctx or {}).get(key), "language", None)
        if lang in current_app.config["LANGUAGES"]:
            return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def build_email(
    to: str,
    subject: str,
    template: str,
    attachments: list[tuple[str, bytes, str]] | None = None,
    *,
    locale: str | None = None,
    **ctx,
):
    """An email message with text and HTML parts and optional (filename, content, mimetype) attachments."""
    with force_locale(locale or email_locale(ctx)):
        text = render_template(f"emails/{template}.txt", **ctx)
        html = render_template(f"emails/{template}.html", **ctx)
    msg = EmailMultiAlternatives(
        subject=subject, body=text, from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=[to]
    )
    msg.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments or []:
        msg.attach(name, content, mimetype)
    return msg


def deliver(msg, template: str) -> bool:
    """Hand one built message to the mail server now; False (and a log line without the address) if refused."""
    try:
        msg.send()
        return True
    except Exception as err:  # SMTP errors must not undo the participant's committed registration
        # The exception text can carry the recipient's address: log its type only (no personal data in logs).
        log.error("Email %r could not be sent: %s", template, type(err).__name__)
        return False


def send_email(to: str, subject: str, template: str, attachments=None, *, locale: str | None = None, **ctx) -> bool:
    """Send one email once the current transaction commits (now if nothing is uncommitted).

    Returns whether the server accepted it when sent now; True when it waits for the commit (a failure
    then is logged like any other).
    """
    msg = build_email(to, subject, template, attachments, locale=locale, **ctx)
    result = {"ok": True}

    def send() -> None:
        result["ok"] = deliver(msg, template)

    outbox.later(send, what=f"email {template}")
    return result["ok"]
