"""Materials for participants (manage link), for the public (open events) and the speaker's upload link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.events.models import Event
from bimtek.extensions import db, limiter
from bimtek.materials import forms, services
from bimtek.registration.models import Registration

bp = Blueprint("materials", __name__)


def _participant(token: str) -> Registration:
    reg = db.session.scalar(select(Registration).where(Registration.manage_token == token))
    if reg is None:
        abort(404)
    return reg


def _send(material):
    """Count the download, then send the file (or go to the link)."""
    services.count_download(material)
    db.session.commit()
    if material.kind == "link":
        return redirect(material.url)
    path = services.path_of(material)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=material.mimetype, as_attachment=True, download_name=material.original_name)


@bp.get("/r/<token>/bahan")
def participant_list(token: str):
    """The materials released to a confirmed participant."""
    reg = _participant(token)
    event = reg.event
    items = services.released(event, utcnow()) if reg.status == "confirmed" else []
    return render_template("materials/participant.html", event=event, reg=reg, items=items, token=token,
                           sessions={s.id: s.title for s in event.sessions})  # fmt: skip


@bp.get("/r/<token>/bahan/<int:material_id>")
def participant_download(token: str, material_id: int):
    """Download a released material (404 before its release, like any material that is not there)."""
    reg = _participant(token)
    material = services.get_material(reg.event_id, material_id)
    if material is None or reg.status != "confirmed" or not services.is_released(material, reg.event, utcnow()):
        abort(404)
    return _send(material)


def _public_event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or not event.is_public:
        abort(404)
    return event


@bp.get("/e/<slug>/bahan")
def public_list(slug: str):
    """Materials an organizer made public for an open event, once released."""
    event = _public_event(slug)
    items = services.released(event, utcnow(), public_only=True)
    return render_template("materials/public.html", event=event, items=items,
                           sessions={s.id: s.title for s in event.sessions})  # fmt: skip


@bp.get("/e/<slug>/bahan/<int:material_id>")
def public_download(slug: str, material_id: int):
    """Download a public, released material."""
    event = _public_event(slug)
    material = services.get_material(event.id, material_id)
    if material is None or not material.public or not services.is_released(material, event, utcnow()):
        abort(404)
    return _send(material)


@bp.before_app_request
def _larger_uploads():
    # Slides are larger than the app-wide request limit; only the upload endpoints accept more.
    if request.endpoint in ("materials.speaker_upload", "materials_manage.upload"):
        request.max_content_length = services.max_bytes() + 1024 * 1024


@bp.route("/bahan/unggah/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def speaker_upload(token: str):
    """The speaker's private upload page: files or video links for their session, no account needed."""
    link = services.link_by_token(token)
    event = db.session.get(Event, link.event_id)
    form = forms.SpeakerUploadForm()
    status = 200
    if form.validate_on_submit():
        raw = {
            "title": form.title.data,
            "session_id": link.session_id,
            "release": "after_session",
            "url": form.url.data,
        }
        who = _("Narasumber") + (f": {link.label}" if link.label else "")
        try:
            if form.file.data:
                services.add_file(event, raw, form.file.data.read(services.max_bytes() + 1), form.file.data.filename,
                                  uploaded_by=who)  # fmt: skip
            elif form.url.data:
                services.add_link(event, raw, uploaded_by=who)
            else:
                raise DomainError("empty", _("Pilih berkas atau tulis tautan video."), status=422,
                                  fields={"file": _("Pilih berkas atau tulis tautan video.")})  # fmt: skip
            db.session.commit()
            flash(_("Terima kasih, bahan Anda sudah diterima panitia."), "success")
            return redirect(url_for("materials.speaker_upload", token=token))
        except DomainError as err:
            db.session.rollback()
            for name, message in err.fields.items():
                if hasattr(form, name):
                    getattr(form, name).errors = [message]
            status = err.status
    elif form.is_submitted():
        status = 422
    session = next((s for s in event.sessions if s.id == link.session_id), None)
    mine = [m for m in services.materials(event.id) if m.session_id == link.session_id and m.uploaded_by]
    return render_template("materials/speaker.html", event=event, link=link, session=session, form=form,
                           items=mine), status  # fmt: skip
