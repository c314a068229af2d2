"""Uploaded answers (surat tugas): checked by content, size and pixel count, stored under generated names.

Pure module: bytes in, a verdict out. Only PDF, JPEG and PNG are accepted, recognised by their first bytes
(never by the file name or the browser's content type); images are decoded to check their pixel count.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "MAX_PIXELS", "UploadError", "UploadInfo", "check_upload"]

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000

_MESSAGES = {
    "empty": "Berkas kosong.",
    "too_large": "Berkas terlalu besar (maksimal 5 MB).",
    "type": "Unggah berkas PDF, JPG, atau PNG.",
    "broken": "Berkas gambar rusak atau tidak dapat dibaca.",
    "pixels": "Gambar terlalu besar (resolusi terlalu tinggi).",
}


class UploadError(ValueError):
    """An upload we refuse; ``code`` names the reason."""

    def __init__(self, code: str) -> None:
        self.code, self.message = code, _MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class UploadInfo:
    mimetype: str
    extension: str
    size: int


def check_upload(content: bytes) -> UploadInfo:
    """What the bytes really are, or UploadError."""
    if not content:
        raise UploadError("empty")
    if len(content) > MAX_BYTES:
        raise UploadError("too_large")
    if content.startswith(b"%PDF-"):
        return UploadInfo("application/pdf", "pdf", len(content))
    if content.startswith(b"\xff\xd8\xff"):
        kind = UploadInfo("image/jpeg", "jpg", len(content))
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = UploadInfo("image/png", "png", len(content))
    else:
        raise UploadError("type")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UploadError("pixels")
            image.verify()
    except UploadError:
        raise
    except Exception as err:  # Pillow raises many types for broken or hostile files
        raise UploadError("broken") from err
    return kind
