"""A staff member's own account: API tokens, signed-in sessions, password change."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts import services, sessions
from bimtek.accounts.forms import ChangePasswordForm, TokenForm
from bimtek.accounts.models import ApiToken
from bimtek.accounts.routes import SESSION_KEY, bp, session_limits, sign_in
from bimtek.core.refusals import log_refusal
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db


def _my_tokens():
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()


@bp.get("/account/tokens")
@login_required
def tokens():
    """The signed-in user's API tokens."""
    return render_template("accounts/tokens.html", tokens=_my_tokens(), form=TokenForm(), new_secret=None)


@bp.post("/account/tokens")
@login_required
def create_token():
    """Create a token and show its secret once."""
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("Label token wajib diisi."), "error")
        return redirect(url_for("accounts.tokens"))
    _row, secret = services.create_token(current_user, form.label.data)
    db.session.commit()
    return render_template(
        "accounts/tokens.html", tokens=_my_tokens(), form=TokenForm(formdata=None), new_secret=secret
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of my tokens."""
    services.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("Token dicabut."), "success")
    return redirect(url_for("accounts.tokens"))


@bp.get("/account/sessions")
@login_required
def my_sessions():
    """Where I am signed in, and my active API tokens; end any of them."""
    idle, max_age = session_limits()
    rows = sessions.active_sessions(current_user, now=utcnow(), idle=idle, max_age=max_age)
    live_tokens = [t for t in _my_tokens() if t.revoked_at is None]
    current = g.get("staff_session")
    return render_template(
        "accounts/sessions.html",
        person=current_user,
        sessions=rows,
        tokens=live_tokens,
        current_id=current.id if current else None,
        own=True,
    )


@bp.post("/account/sessions/<int:staff_session_id>/end")
@login_required
def end_my_session(staff_session_id: int):
    """End one of my sessions (a phone left signed in at the venue); 404 for anyone else's."""
    if not sessions.end_session_of(current_user, staff_session_id):
        abort(404)
    db.session.commit()
    flash(_("Sesi diakhiri."), "success")
    return redirect(url_for("accounts.my_sessions"))


@bp.post("/account/sessions/end-all")
@login_required
def end_all_my_sessions():
    """Sign out everywhere, this browser included."""
    sessions.end_all_sessions(current_user, "signout_all", actor=current_user)
    session.pop(SESSION_KEY, None)
    db.session.commit()
    flash(_("Anda telah keluar dari semua perangkat."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change my password: every session ends, and this browser gets a fresh one."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current.data):
            form.current.errors = [*form.current.errors, _("Kata sandi saat ini salah.")]
            log_refusal("password_change_wrong_current", 422)
            status = 422
        else:
            try:
                services.change_password(user, form.password.data, reason="password", actor=user)
            except DomainError as err:
                db.session.rollback()
                form.password.errors = [*form.password.errors, err.message]
                status = 422
            else:
                sign_in(user)
                db.session.commit()
                flash(_("Kata sandi diperbarui. Sesi di perangkat lain telah diakhiri."), "success")
                return redirect(url_for("accounts.my_sessions"))
    elif form.is_submitted():
        status = 422
    return render_template("accounts/password.html", form=form), status
