"""Logo checks by content, not by file name: a real PNG or JPEG image of sensible size. Pure module."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

__all__ = ["MAX_BYTES", "LogoError", "check_logo"]

MAX_BYTES = 1_000_000
MAX_SIDE = 3000


class LogoError(ValueError):
    """Why a logo was refused (``code``: logo_size, logo_type, logo_dimensions)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_logo(data: bytes) -> str:
    """The logo's type ("png" or "jpeg") after opening and verifying it; raises LogoError."""
    if not data or len(data) > MAX_BYTES:
        raise LogoError("logo_size")
    try:
        with Image.open(io.BytesIO(data)) as img:
            kind = (img.format or "").lower()
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            width, height = img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise LogoError("logo_type") from err
    if kind not in ("png", "jpeg"):
        raise LogoError("logo_type")
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE):
        raise LogoError("logo_dimensions")
    return kind
