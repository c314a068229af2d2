"""User administration (admin): users, their sessions and tokens, event staff assignments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts import services, sessions
from bimtek.accounts.access import require_role
from bimtek.accounts.forms import AssignForm, UserForm
from bimtek.accounts.models import ApiToken, EventStaff, User
from bimtek.accounts.routes import bp, session_limits
from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.events.models import Event
from bimtek.extensions import db


def _all_users():
    return db.session.scalars(select(User).order_by(User.role, User.email)).all()


@bp.get("/manage/users")
@login_required
@require_role("admin")
def users():
    """All staff users (admin)."""
    return render_template("accounts/users.html", users=_all_users(), form=UserForm(formdata=None))


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
    return render_template("accounts/users.html", users=_all_users(), form=form), 422


@bp.post("/manage/users/<int:user_id>")
@login_required
@require_role("admin")
def update_user(user_id: int):
    """Change a user's role, active flag or password (admin); deactivation and a new password end sessions."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm()
    form.email.data = user.email
    if not form.validate_on_submit():
        flash(_("Data pengguna tidak valid."), "error")
        return redirect(url_for("accounts.users"))
    user.role, user.name = form.role.data, form.name.data or user.name
    if form.password.data:
        services.change_password(user, form.password.data, reason="password", actor=current_user)
    services.set_active(user, bool(form.active.data), actor=current_user)
    audit.record("user.update", user, details={"role": user.role, "active": user.active})
    db.session.commit()
    flash(_("Pengguna diperbarui."), "success")
    return redirect(url_for("accounts.users"))


@bp.get("/manage/users/<int:user_id>/sessions")
@login_required
@require_role("admin")
def user_sessions(user_id: int):
    """A user's signed-in sessions and active API tokens (admin)."""
    user = db.session.get(User, user_id) or abort(404)
    idle, max_age = session_limits()
    rows = sessions.active_sessions(user, now=utcnow(), idle=idle, max_age=max_age)
    live_tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "accounts/sessions.html", person=user, sessions=rows, tokens=live_tokens, current_id=None, own=False
    )


@bp.post("/manage/users/<int:user_id>/sessions/end-all")
@login_required
@require_role("admin")
def end_user_sessions(user_id: int):
    """Sign a user out everywhere at once (admin)."""
    user = db.session.get(User, user_id) or abort(404)
    count = sessions.end_all_sessions(user, "signout_all", actor=current_user)
    db.session.commit()
    flash(_("%(count)s sesi %(email)s diakhiri.", count=count, email=user.email), "success")
    return redirect(url_for("accounts.user_sessions", user_id=user.id))


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
