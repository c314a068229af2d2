"""Staff sign-in and sign-out, server-side sessions, and password reset by email."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from bimtek.accounts import services, sessions, tasks
from bimtek.accounts.forms import ForgotPasswordForm, LoginForm, NewPasswordForm
from bimtek.accounts.models import User
from bimtek.core.refusals import log_refusal
from bimtek.core.time import utcnow
from bimtek.core.urls import safe_next
from bimtek.errors import DomainError
from bimtek.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)

# The cookie key holding the random session key (its SHA-256 is the staff_sessions row).
SESSION_KEY = "_sk"


def session_limits() -> tuple[timedelta, timedelta]:
    """(idle, absolute) session lifetimes from the config."""
    cfg = current_app.config
    return timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]), timedelta(days=cfg["SESSION_MAX_DAYS"])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Signed in only while the cookie's user version matches and its server-side session is live."""
    try:
        uid, version = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        log_refusal("session_ended", 401, actor_id=uid)
        return None
    idle, max_age = session_limits()
    row = sessions.live_session(user, session.get(SESSION_KEY), now=utcnow(), idle=idle, max_age=max_age)
    if row is None:
        log_refusal("session_ended", 401, actor_id=uid)
        return None
    g.staff_session = row
    return user


@bp.after_app_request
def _touch_session(resp):
    """Record activity (at most once a minute per session) so the idle limit counts from the last use."""
    row = g.get("staff_session")
    now = utcnow()
    if row is not None and sessions.needs_touch(row, now):
        # The view has committed what it meant to keep; start a clean transaction for this one UPDATE.
        db.session.rollback()
        sessions.touch(row.id, now)
        db.session.commit()
    return resp


def sign_in(user: User) -> None:
    """Start a server-side session for this browser and put its key in the cookie."""
    key = sessions.start_session(user, ip=request.remote_addr, user_agent=request.user_agent.string)
    login_user(user)
    session[SESSION_KEY] = key


def _failed(resp) -> bool:
    return resp.status_code != 302


def _account_key() -> str:
    # Per account, without putting the address into the limiter's storage.
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_account_key, deduct_when=_failed
)
def login():
    """Staff sign-in; failed attempts are throttled per client address and per account."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Email atau kata sandi salah."), "error")
            log_refusal("login_failed", 422)
            status = 422
        else:
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("events.manage_list")))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out: every session of this user ends on the server, so no copied cookie keeps working."""
    user = current_user._get_current_object() if current_user.is_authenticated else None  # before the key goes
    key = session.pop(SESSION_KEY, None)
    if user is not None:
        sessions.end_all_sessions(user, "logout", actor=user)
    else:
        sessions.end_session(key, "logout")
    logout_user()
    db.session.commit()
    return redirect(url_for("events.public_list"))


def _email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return "reset:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"], key_func=_email_key)
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user_id = services.reset_recipient(form.email.data)
        if user_id is not None:  # the page answers the same either way
            tasks.email_password_reset(user_id)
        flash(
            _(
                "Bila alamat itu terdaftar sebagai akun staf aktif, tautan untuk mengatur ulang kata sandi sudah "
                "dikirim. Periksa kotak masuk Anda."
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link (single use, expiring); every session of the user ends."""
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.reset_password(
                token,
                form.password.data,
                key=current_app.config["SECRET_KEY"],
                max_age_seconds=current_app.config["PASSWORD_RESET_MINUTES"] * 60,
            )
        except DomainError as err:
            db.session.rollback()
            if err.code.startswith("reset_"):
                log_refusal(err.code, 400)
                return render_template("accounts/reset.html", form=None, expired=True), 400
            form.password.errors = [*form.password.errors, err.message]
            status = 422
        else:
            db.session.commit()
            flash(_("Kata sandi diperbarui. Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("accounts.login"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/reset.html", form=form, expired=False), status


# The account and user-administration pages register their views on the same blueprint.
import bimtek.accounts.views_account  # noqa: E402, F401
import bimtek.accounts.views_users  # noqa: E402, F401
