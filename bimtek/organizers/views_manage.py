"""Organizer profile pages for organizers and admins: list, create, edit, and the logo image."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.accounts.access import require_role
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.organizers import services
from bimtek.organizers.forms import ProfileForm
from bimtek.organizers.models import OrganizerProfile

bp = Blueprint("organizers", __name__)


def _profile(profile_id: int) -> OrganizerProfile:
    profile = db.session.get(OrganizerProfile, profile_id) if profile_id < 2**63 else None
    if profile is None:
        abort(404)
    return profile


def _values(form: ProfileForm) -> dict:
    return {name: getattr(form, name).data for name in (*services.TEXT_FIELDS, *services.NIP_FIELDS)}


def _save(form: ProfileForm, profile: OrganizerProfile | None):
    logo = form.logo.data.read() if form.logo.data else None
    try:
        if profile is None:
            profile = services.create_profile(_values(form), logo=logo, today=utcnow().date(), actor=current_user)
        else:
            services.update_profile(profile, _values(form), logo=logo, remove_logo=form.remove_logo.data,
                                    today=utcnow().date(), actor=current_user)  # fmt: skip
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        for name, message in err.fields.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return None
    flash(_("Profil penyelenggara disimpan."), "success")
    return redirect(url_for("organizers.manage_list"))


@bp.get("/manage/organizers")
@login_required
@require_role("admin", "organizer")
def manage_list():
    """Every organizer profile."""
    profiles = db.session.scalars(select(OrganizerProfile).order_by(OrganizerProfile.name)).all()
    return render_template("organizers/list.html", profiles=profiles)


@bp.route("/manage/organizers/new", methods=["GET", "POST"])
@login_required
@require_role("admin", "organizer")
def manage_new():
    """Create an organizer profile."""
    form = ProfileForm()
    if form.validate_on_submit():
        done = _save(form, None)
        if done is not None:
            return done
    status = 422 if form.errors or any(f.errors for f in form) else 200
    return render_template("organizers/form.html", form=form, profile=None), status


@bp.route("/manage/organizers/<int:profile_id>/edit", methods=["GET", "POST"])
@login_required
@require_role("admin", "organizer")
def manage_edit(profile_id: int):
    """Change an organizer profile: kop lines, contacts, logo, default signatories."""
    profile = _profile(profile_id)
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        done = _save(form, profile)
        if done is not None:
            return done
    status = 422 if any(f.errors for f in form) else 200
    return render_template("organizers/form.html", form=form, profile=profile), status


@bp.get("/manage/organizers/<int:profile_id>/logo")
@login_required
@require_role("admin", "organizer")
def logo(profile_id: int):
    """The profile's logo as uploaded (checked to be a PNG or JPEG when it was saved)."""
    profile = _profile(profile_id)
    if not profile.logo:
        abort(404)
    resp = Response(profile.logo, mimetype=f"image/{profile.logo_type or 'png'}")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
