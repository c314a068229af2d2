"""Placeholders in an organizer's bulk email: {nama}, {kode}, {tautan}, filled in per recipient.

Pure module. The organizer's text is never handed to ``str.format`` or Jinja (``{0.__class__}`` and
friends would reach into Python objects): known tokens are replaced in a single pass by plain lookup,
so a value that itself contains "{kode}" is never expanded again, and any other braces stay as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["PLACEHOLDERS", "fill", "unknown"]

# token -> what it stands for (Indonesian source text; the page translates it).
PLACEHOLDERS: dict[str, str] = {
    "nama": "Nama lengkap peserta, dengan gelar",
    "kode": "Kode pendaftaran peserta",
    "tautan": "Tautan kelola pendaftaran milik peserta (tiket, presensi, sertifikat)",
}
_TOKEN = re.compile(r"\{([a-z_]{1,30})\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known ``{token}`` replaced by its value; unknown tokens stay as typed."""
    return _TOKEN.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def unknown(text: str) -> list[str]:
    """The ``{tokens}`` in a text that are not placeholders (probably typing mistakes), in order, once each."""
    return list(dict.fromkeys(f"{{{t}}}" for t in _TOKEN.findall(text) if t not in PLACEHOLDERS))
