"""Staff login, user administration and API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from bimtek.accounts import services
from bimtek.accounts.access import require_role
from bimtek.accounts.forms import AssignForm, LoginForm, TokenForm, UserForm
from bimtek.accounts.models import ApiToken, EventStaff, User
from bimtek.core.urls import safe_next
from bimtek.errors import DomainError
from bimtek.events.models import Event
from bimtek.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions carry "id:version"; a bumped version (password change) ends old sessions."""
    try:
        uid, version = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("events.manage_list"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Staff sign-in; throttled per address."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Email atau kata sandi salah."), "error")
            status = 422
        else:
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("events.public_list"))


@bp.get("/account/tokens")
@login_required
def tokens():
    """The signed-in user's API tokens."""
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("accounts/tokens.html", tokens=rows, form=TokenForm(), new_secret=None)


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
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("accounts/tokens.html", tokens=rows, form=TokenForm(formdata=None), new_secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of my tokens."""
    services.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("Token dicabut."), "success")
    return redirect(url_for("accounts.tokens"))


@bp.get("/manage/users")
@login_required
@require_role("admin")
def users():
    """All staff users (admin)."""
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=rows, form=UserForm(formdata=None))


@bp.post("/manage/users")
@login_required
@require_role("admin")
def create_user():
    """Create a staff user (admin)."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data or "", form.role.data, form.name.data or "")
            db.session.commit()
            flash(_("Pengguna dibuat."), "success")
            return redirect(url_for("accounts.users"))
        except DomainError as err:
            db.session.rollback()
            for name, msg in err.fields.items():
                if name in form:
                    form[name].errors = [*form[name].errors, _(msg)]
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=rows, form=form), 422


@bp.post("/manage/users/<int:user_id>")
@login_required
@require_role("admin")
def update_user(user_id: int):
    """Change a user's role, active flag or password (admin)."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm()
    form.email.data = user.email
    if not form.validate_on_submit():
        flash(_("Data pengguna tidak valid."), "error")
        return redirect(url_for("accounts.users"))
    user.role, user.active, user.name = form.role.data, bool(form.active.data), form.name.data or user.name
    if form.password.data:
        user.set_password(form.password.data)
        user.session_version += 1
    from bimtek.core import audit

    audit.record("user.update", user, details={"role": user.role, "active": user.active})
    db.session.commit()
    flash(_("Pengguna diperbarui."), "success")
    return redirect(url_for("accounts.users"))


@bp.route("/manage/events/<int:event_id>/staff", methods=["GET", "POST"])
@login_required
@require_role("admin")
def event_staff(event_id: int):
    """Assign staff to an event (admin)."""
    event = db.session.get(Event, event_id) or abort(404)
    form = AssignForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is None:
            flash(_("Tidak ada staf dengan email itu."), "error")
        else:
            services.assign(user, event.id)
            db.session.commit()
            flash(_("Staf ditugaskan."), "success")
            return redirect(url_for("accounts.event_staff", event_id=event.id))
    rows = (
        db.session.execute(
            select(User).join(EventStaff, EventStaff.user_id == User.id).where(EventStaff.event_id == event.id)
        )
        .scalars()
        .all()
    )
    return render_template("accounts/event_staff.html", event=event, staff=rows, form=form)


@bp.post("/manage/events/<int:event_id>/staff/<int:user_id>/remove")
@login_required
@require_role("admin")
def remove_staff(event_id: int, user_id: int):
    """Remove a staff member from an event (admin)."""
    user = db.session.get(User, user_id) or abort(404)
    services.unassign(user, event_id)
    db.session.commit()
    flash(_("Staf dilepas dari kegiatan."), "success")
    return redirect(url_for("accounts.event_staff", event_id=event_id))
