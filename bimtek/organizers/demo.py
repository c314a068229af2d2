"""Demo: the Kemenkominfo organizer profile, picked by both demo events.

The logo is a plain emblem drawn here (no ministry artwork is shipped); organizers upload the real one.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bimtek.core.time import utcnow
from bimtek.organizers import services

PROFILE = {
    "name": "Kemenkominfo – Direktorat Tata Kelola dan Kemitraan Komunikasi Publik",
    "parent_line": "Kementerian Komunikasi dan Informatika Republik Indonesia",
    "unit_line": "Direktorat Jenderal Informasi dan Komunikasi Publik",
    "sub_unit_line": "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik",
    "address": "Jalan Medan Merdeka Barat Nomor 9, Jakarta Pusat 10110",
    "city": "Jakarta",
    "phone": "(021) 3452841",
    "website": "www.kominfo.go.id",
    "email": "humas@mail.kominfo.go.id",
    "head_title": "Direktur Tata Kelola dan Kemitraan Komunikasi Publik",
    "head_name": "Drs. Bambang Wicaksono, M.Si.",
    "head_nip": "196608011988031001",
    "chair_title": "Ketua Panitia",
    "chair_name": "Ratna Sari Dewi, S.Sos., M.A.P.",
    "chair_nip": "198203142006042002",
}


def emblem_png(size: int = 240) -> bytes:
    """A blue roundel with a white ring: a stand-in logo for the demo."""
    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, size - 4, size - 4), fill=(11, 79, 138, 255))
    d.ellipse((30, 30, size - 30, size - 30), outline=(255, 255, 255, 255), width=10)
    d.polygon([(size / 2, 60), (size - 70, size - 70), (70, size - 70)], fill=(247, 181, 0, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def seed(ctx: dict) -> None:
    """Create the profile and let the demo events print with it."""
    profile = services.create_profile(PROFILE, logo=emblem_png(), today=utcnow().date(), actor="demo")
    for key in ("finished", "upcoming"):
        services.assign(ctx[key], profile.id, actor="demo")
