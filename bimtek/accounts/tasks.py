"""Background work of accounts: the password-reset email, built and sent by the job worker."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from bimtek.accounts.models import User
from bimtek.accounts.resets import make_reset_token
from bimtek.core.mail import send_email
from bimtek.extensions import db
from bimtek.jobs import task


def _external_url(endpoint: str, **values) -> str:
    """An absolute link on BASE_URL (this runs in the worker, outside any request)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


@task(retries=2, retry_delay=30)
def email_password_reset(user_id: int) -> bool:
    """Send a reset link to an active user. The token is made here, so no secret waits in the queue."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return False
    token = make_reset_token(user.id, user.password_hash, key=current_app.config["SECRET_KEY"])
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    with force_locale("id"):
        return send_email(
            user.email,
            _("Atur ulang kata sandi Bimtek"),
            "accounts_password_reset",
            user=user,
            reset_url=_external_url("accounts.reset_password", token=token),
            minutes=minutes,
        )
