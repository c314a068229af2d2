"""Materials: store checked files and links, change their release rule, count downloads, speaker links.

Every change is audited. Files go to <instance>/uploads/materials/<event id>/ under random names, apart
from participants' personal uploads, and are backed up with the instance folder.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.utils import secure_filename

from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid, NotFound
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.materials import filecheck, release
from bimtek.materials.models import RELEASE_RULES, Material, SpeakerUploadLink


def max_bytes() -> int:
    """The size limit of one file (MATERIALS_MAX_BYTES, 50 MB by default)."""
    return int(current_app.config.get("MATERIALS_MAX_BYTES", filecheck.DEFAULT_MAX_BYTES))


def storage_dir(event_id: int) -> Path:
    """Where an event's material files are kept."""
    return Path(current_app.instance_path) / "uploads" / "materials" / str(event_id)


def path_of(material: Material) -> Path:
    """The stored file of a material."""
    return storage_dir(material.event_id) / material.stored_name


def materials(event_id: int) -> list[Material]:
    """An event's materials by session, then title."""
    return list(
        db.session.scalars(
            select(Material)
            .where(Material.event_id == event_id)
            .order_by(Material.session_id, Material.title, Material.id)
        )
    )


def get_material(event_id: int, material_id: int) -> Material | None:
    """A material of this event, or None."""
    material = db.session.get(Material, material_id)
    return material if material is not None and material.event_id == event_id else None


def _session(event: Event, session_id) -> EventSession | None:
    if session_id in (None, "", 0):
        return None
    try:
        session = db.session.get(EventSession, int(session_id))
    except (TypeError, ValueError):
        session = None
    if session is None or session.event_id != event.id:
        raise Invalid(
            "invalid",
            _("Sesi tidak ditemukan di kegiatan ini."),
            fields={"session_id": _("Sesi tidak ditemukan di kegiatan ini.")},
        )
    return session


def _clean_common(event: Event, raw: dict) -> dict:
    errors = {}
    title = str(raw.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = _("Tulis judul bahan (maksimal 200 karakter).")
    rule = raw.get("release") or "after_session"
    if rule not in RELEASE_RULES:
        errors["release"] = _("Pilihan tidak dikenal.")
    if errors:
        raise Invalid("invalid", _("Periksa kembali isian yang ditandai."), fields=errors)
    session = _session(event, raw.get("session_id"))
    return {
        "title": title,
        "release": rule,
        "public": bool(raw.get("public")),
        "session_id": session.id if session else None,
    }


def add_file(event: Event, raw: dict, content: bytes, filename: str, *, user=None, uploaded_by: str = "") -> Material:
    """Check a file by its content and size, store it under a random name, and record it; audited."""
    clean = _clean_common(event, raw)
    try:
        info = filecheck.check_file(content, max_bytes())
    except filecheck.FileCheckError as err:
        raise Invalid(err.code, _(err.message), fields={"file": _(err.message)}) from err
    folder = storage_dir(event.id)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{info.extension}"
    (folder / stored).write_bytes(content)
    original = secure_filename(filename or "")[:150] or f"bahan.{info.extension}"
    if not original.lower().endswith("." + info.extension):
        original = f"{original.rsplit('.', 1)[0]}.{info.extension}"
    material = Material(event_id=event.id, kind="file", stored_name=stored, original_name=original,
                        mimetype=info.mimetype, size=info.size, uploaded_by=uploaded_by[:200], **clean)  # fmt: skip
    db.session.add(material)
    db.session.flush()
    audit.record("materials.upload", material, actor=user or uploaded_by or None,
                 details={"type": info.extension, "size": info.size})  # fmt: skip
    return material


def add_link(event: Event, raw: dict, *, user=None, uploaded_by: str = "") -> Material:
    """Record a video link (e.g. MP4, YouTube) for a session; audited."""
    clean = _clean_common(event, raw)
    try:
        url = filecheck.check_link(str(raw.get("url") or ""))
    except filecheck.FileCheckError as err:
        raise Invalid(err.code, _(err.message), fields={"url": _(err.message)}) from err
    material = Material(event_id=event.id, kind="link", url=url, uploaded_by=uploaded_by[:200], **clean)
    db.session.add(material)
    db.session.flush()
    audit.record("materials.link", material, actor=user or uploaded_by or None)
    return material


def update_material(material: Material, raw: dict, *, user) -> Material:
    """Change a material's title, session, release rule or public flag; audited."""
    event = db.session.get(Event, material.event_id)
    clean = _clean_common(event, raw)
    changed = {k: v for k, v in clean.items() if getattr(material, k) != v}
    for name, value in changed.items():
        setattr(material, name, value)
    db.session.flush()
    if changed:
        audit.record("materials.update", material, actor=user, details=changed)
    return material


def delete_material(material: Material, *, user) -> None:
    """Remove a material and its file; audited."""
    audit.record("materials.delete", material, actor=user, details={"title": material.title})
    if material.kind == "file" and material.stored_name:
        path_of(material).unlink(missing_ok=True)
    db.session.delete(material)
    db.session.flush()


def is_released(material: Material, event: Event, now: datetime) -> bool:
    """Whether participants may have this material at `now`."""
    session = db.session.get(EventSession, material.session_id) if material.session_id else None
    return release.is_released(
        material.release, as_utc(session.ends_at) if session else None, as_utc(event.ends_at), now
    )


def released(event: Event, now: datetime, *, public_only: bool = False) -> list[Material]:
    """The materials participants (or, with public_only, anyone) may download at `now`."""
    items = [m for m in materials(event.id) if is_released(m, event, now)]
    return [m for m in items if m.public] if public_only else items


def count_download(material: Material) -> None:
    """Add one to the download count in a single UPDATE (parallel downloads never lose a count)."""
    db.session.execute(
        update(Material).where(Material.id == material.id).values(download_count=Material.download_count + 1)
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def create_upload_link(event: Event, session_id, label: str, *, user) -> SpeakerUploadLink:
    """A private upload link for a speaker (one session or the whole event); audited."""
    session = _session(event, session_id)
    link = SpeakerUploadLink(event_id=event.id, session_id=session.id if session else None,
                             token=secrets.token_urlsafe(24), label=(label or "").strip()[:200])  # fmt: skip
    db.session.add(link)
    db.session.flush()
    audit.record("materials.upload_link", link, actor=user, details={"session_id": link.session_id})
    return link


def revoke_upload_link(link: SpeakerUploadLink, *, user) -> None:
    """Stop a speaker link from working; audited."""
    link.revoked_at = utcnow()
    db.session.flush()
    audit.record("materials.upload_link_revoke", link, actor=user)


def upload_links(event_id: int) -> list[SpeakerUploadLink]:
    """An event's speaker links, newest first."""
    return list(db.session.scalars(select(SpeakerUploadLink).where(SpeakerUploadLink.event_id == event_id)
                                   .order_by(SpeakerUploadLink.id.desc())))  # fmt: skip


def link_by_token(token: str) -> SpeakerUploadLink:
    """A working speaker link, or NotFound."""
    link = db.session.scalar(select(SpeakerUploadLink).where(SpeakerUploadLink.token == token))
    if link is None or link.revoked_at is not None:
        raise NotFound("link_not_found", _("Tautan unggah tidak ditemukan atau sudah dicabut."))
    return link
