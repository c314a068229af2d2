"""Placeholders in an organizer's bulk email: {nama}, {kode}, {tautan}, filled in per recipient.

Pure module; the filling itself is bimtek.core.placeholders (the same for reminders).
"""

from __future__ import annotations

from bimtek.core.placeholders import fill
from bimtek.core.placeholders import unknown as _unknown

__all__ = ["PLACEHOLDERS", "fill", "unknown"]

# token -> what it stands for (Indonesian source text; the page translates it).
PLACEHOLDERS: dict[str, str] = {
    "nama": "Nama lengkap peserta, dengan gelar",
    "kode": "Kode pendaftaran peserta",
    "tautan": "Tautan kelola pendaftaran milik peserta (tiket, presensi, sertifikat)",
}


def unknown(text: str) -> list[str]:
    """The ``{tokens}`` in a text that are not bulk-email placeholders (probably typing mistakes)."""
    return _unknown(text, PLACEHOLDERS)
