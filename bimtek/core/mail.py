"""Email: a text and an HTML part rendered from templates/emails/<name>.txt|.html, in Bahasa Indonesia."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives

log = logging.getLogger("bimtek.mail")


def build_email(to: str, subject: str, template: str, attachments: list[tuple[str, bytes, str]] | None = None, **ctx):
    """An email message with text and HTML parts and optional (filename, content, mimetype) attachments."""
    text = render_template(f"emails/{template}.txt", **ctx)
    html = render_template(f"emails/{template}.html", **ctx)
    msg = EmailMultiAlternatives(
        subject=subject, body=text, from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=[to]
    )
    msg.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments or []:
        msg.attach(name, content, mimetype)
    return msg


def send_email(to: str, subject: str, template: str, attachments=None, **ctx) -> bool:
    """Send one email now; False (and a log line without the address) when the server refuses it."""
    msg = build_email(to, subject, template, attachments, **ctx)
    try:
        msg.send()
        return True
    except Exception as err:  # SMTP errors must not undo the participant's committed registration
        # The exception text can carry the recipient's address: log its type only (no personal data in logs).
        log.error("Email %r could not be sent: %s", template, type(err).__name__)
        return False
