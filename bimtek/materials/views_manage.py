"""Organizer pages for materials: upload, links, release rules, download counts, speaker upload links."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from bimtek.accounts.access import event_object, event_view
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.materials import forms, services
from bimtek.materials.models import SpeakerUploadLink
from bimtek.nav import add_event_tab

bp = Blueprint("materials_manage", __name__)
add_event_tab("materials_manage.manage", _l("Bahan tayang"), "manage", 64)


def _page(event, *, form=None, link_form=None, status=200):
    now = utcnow()
    link_form = link_form or forms.UploadLinkForm(prefix="link")
    link_form.session_id.choices = [SelectChoice("", _l("— Seluruh kegiatan —"))] + [
        SelectChoice(str(s.id), s.title) for s in event.sessions
    ]
    items = services.materials(event.id)
    return render_template(
        "materials/manage.html",
        event=event,
        items=items,
        released={m.id: services.is_released(m, event, now) for m in items},
        form=form or forms.MaterialForm.with_sessions(event.sessions),
        link_form=link_form,
        links=services.upload_links(event.id),
        sessions={s.id: s.title for s in event.sessions},
        max_mb=services.max_bytes() // (1024 * 1024),
    ), status


def _apply_errors(form, err: DomainError) -> None:
    for name, message in err.fields.items():
        if hasattr(form, name):
            getattr(form, name).errors = [message]
    if not err.fields:
        flash(err.message, "error")


@bp.get("/manage/events/<int:event_id>/bahan")
@login_required
@event_view("manage")
def manage(event):
    """The event's materials with their release rule and download counts, and the speakers' upload links."""
    return _page(event)


@bp.post("/manage/events/<int:event_id>/bahan")
@login_required
@event_view("manage")
def upload(event):
    """Add a file or a video link."""
    form = forms.MaterialForm.with_sessions(event.sessions)
    if not form.validate_on_submit():
        return _page(event, form=form, status=422)
    try:
        if form.file.data:
            data = form.file.data
            services.add_file(event, form.clean(), data.read(services.max_bytes() + 1), data.filename,
                              user=current_user, uploaded_by=current_user.email)  # fmt: skip
        elif form.url.data:
            services.add_link(event, form.clean(), user=current_user, uploaded_by=current_user.email)
        else:
            raise DomainError("empty", _("Pilih berkas atau tulis tautan video."), status=422,
                              fields={"file": _("Pilih berkas atau tulis tautan video.")})  # fmt: skip
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        _apply_errors(form, err)
        return _page(event, form=form, status=err.status)
    flash(_("Bahan ditambahkan."), "success")
    return redirect(url_for("materials_manage.manage", event_id=event.id))


def _material(event, material_id: int):
    material = services.get_material(event.id, material_id)
    if material is None:
        abort(404)
    return material


@bp.route("/manage/events/<int:event_id>/bahan/<int:material_id>", methods=["GET", "POST"])
@login_required
@event_view("manage")
def edit(event, material_id: int):
    """Change a material's title, session, release rule or public flag."""
    material = _material(event, material_id)
    form = forms.MaterialForm.with_sessions(event.sessions, material)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_material(material, form.clean(), user=current_user)
            db.session.commit()
            flash(_("Bahan diperbarui."), "success")
            return redirect(url_for("materials_manage.manage", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            _apply_errors(form, err)
            status = err.status
    elif form.is_submitted():
        status = 422
    return render_template("materials/edit.html", event=event, material=material, form=form), status


@bp.post("/manage/events/<int:event_id>/bahan/<int:material_id>/hapus")
@login_required
@event_view("manage")
def delete(event, material_id: int):
    """Remove a material and its file."""
    services.delete_material(_material(event, material_id), user=current_user)
    db.session.commit()
    flash(_("Bahan dihapus."), "success")
    return redirect(url_for("materials_manage.manage", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/bahan/<int:material_id>/unduh")
@login_required
@event_view("manage")
def download(event, material_id: int):
    """The organizer's own copy of a file (not counted as a participant download)."""
    material = _material(event, material_id)
    if material.kind == "link":
        return redirect(material.url)
    path = services.path_of(material)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=material.mimetype, as_attachment=True, download_name=material.original_name)


@bp.post("/manage/events/<int:event_id>/bahan/tautan-narasumber")
@login_required
@event_view("manage")
def create_link(event):
    """Make a private upload link for a speaker."""
    form = forms.UploadLinkForm(prefix="link")
    if not form.validate_on_submit():
        return _page(event, link_form=form, status=422)
    services.create_upload_link(event, form.session_id.data or None, form.label.data, user=current_user)
    db.session.commit()
    flash(_("Tautan unggah dibuat. Kirimkan kepada narasumber."), "success")
    return redirect(url_for("materials_manage.manage", event_id=event.id) + "#links")


@bp.post("/manage/events/<int:event_id>/bahan/tautan-narasumber/<int:link_id>/cabut")
@login_required
@event_view("manage")
def revoke_link(event, link_id: int):
    """Stop a speaker's upload link from working."""
    link = event_object(SpeakerUploadLink, link_id, event)
    services.revoke_upload_link(link, user=current_user)
    db.session.commit()
    flash(_("Tautan unggah dicabut."), "success")
    return redirect(url_for("materials_manage.manage", event_id=event.id) + "#links")
