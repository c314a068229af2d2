"""Uploaded signature, logo and background images: checked by content, re-encoded, stored."""

from __future__ import annotations

import io

from bimtek.certificates.models import CertificateSettings
from bimtek.certificates.services.settings import DEFAULT_LAYOUT, get_settings
from bimtek.certificates.services.storage import write_atomic
from bimtek.core import audit
from bimtek.core.codes import new_registration_code
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db

IMAGE_MAX_BYTES = 10 * 1024 * 1024


IMAGE_MAX_PIXELS = 40_000_000


IMAGE_KINDS = ("signature", "logo", "background")


def save_image(event: Event, kind: str, data: bytes, *, user) -> CertificateSettings:
    """Store an uploaded PNG/JPEG (checked by content, size and pixels) under a generated name; flushes.

    Backgrounds are converted to JPEG once (a PNG background makes every PDF big and slow); signature
    and logo images are re-encoded as PNG so their transparency survives.
    """
    from PIL import Image, UnidentifiedImageError

    if kind not in IMAGE_KINDS:
        raise Invalid("invalid", "Jenis gambar tidak dikenal.")
    if not data:
        raise Invalid("invalid", "Pilih berkas gambar.", fields={kind: "Pilih berkas gambar."})
    if len(data) > IMAGE_MAX_BYTES:
        raise Invalid("too_large", "Gambar terlalu besar (maksimal 10 MB).", fields={kind: "Maksimal 10 MB."})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
        if fmt not in ("PNG", "JPEG"):
            raise Invalid("bad_image", "Gambar harus PNG atau JPEG.", fields={kind: "Harus PNG atau JPEG."})
        if width * height > IMAGE_MAX_PIXELS or width < 10 or height < 10:
            raise Invalid(
                "bad_image",
                "Ukuran piksel gambar tidak diterima (maksimal 40 megapiksel).",
                fields={kind: "Ukuran piksel tidak diterima."},
            )
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            out = io.BytesIO()
            if kind == "background":
                img.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
                ext = "jpg"
            else:
                img.convert("RGBA").save(out, "PNG", optimize=True)
                ext = "png"
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise Invalid(
            "bad_image", "Berkas bukan gambar PNG/JPEG yang valid.", fields={kind: "Bukan gambar yang valid."}
        ) from err
    settings = get_settings(event)
    relative = f"certificates/assets/{event.id}/{kind}-{new_registration_code(16).lower()}.{ext}"
    write_atomic(relative, out.getvalue())
    setattr(settings, f"{kind}_image", relative)
    if kind == "background" and not settings.layout:
        settings.layout = DEFAULT_LAYOUT
    audit.record("certificates.upload", settings, event_id=event.id, actor=user, details={"kind": kind})
    db.session.flush()
    return settings


def remove_image(event: Event, kind: str, *, user) -> None:
    """Forget an uploaded image (the file stays for already-issued certificates' history)."""
    settings = get_settings(event)
    if kind not in IMAGE_KINDS:
        raise Invalid("invalid", "Jenis gambar tidak dikenal.")
    setattr(settings, f"{kind}_image", None)
    if kind == "background":
        settings.template = "default"
    audit.record("certificates.upload_remove", settings, event_id=event.id, actor=user, details={"kind": kind})
    db.session.flush()
