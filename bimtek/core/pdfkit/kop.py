"""The kop (letterhead) of official documents, laid out as the tata naskah dinas has it (DOMAIN.md):

logo at the left, vertically centred on the text block; the text centred in the remaining width: the parent
institution in capitals, the unit in bold larger capitals, then the address and contacts in small type;
under it a double rule (thick over thin) across the full width. A line that is too long first shrinks to
about 10 pt, then wraps to a second line, then shrinks further; it never leaves its box.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from bimtek.core.pdfkit.fonts import BOLD, FONT
from bimtek.core.pdfkit.text import fit_text

__all__ = ["KopFlowable", "Letterhead", "draw_kop", "kop_height"]


@dataclass(frozen=True)
class Letterhead:
    """What the kop prints; the organizer's, never the venue's."""

    parent: str  # KEMENTERIAN KOMUNIKASI DAN INFORMATIKA REPUBLIK INDONESIA
    unit: str = ""  # DIREKTORAT JENDERAL INFORMASI DAN KOMUNIKASI PUBLIK
    sub_unit: str = ""  # DIREKTORAT TATA KELOLA DAN KEMITRAAN KOMUNIKASI PUBLIK
    address: str = ""  # Jalan Medan Merdeka Barat No. 9, Jakarta Pusat 10110
    contacts: list[str] = field(default_factory=list)  # "Telepon (021) 3452841", "www.kominfo.go.id", ...
    logo: bytes | None = None  # PNG or JPEG, checked when uploaded

    def lines(self) -> list[tuple[str, str, float, float, int]]:
        """(text, font, size, smallest size, lines allowed) per kop line, top to bottom."""
        out = [(self.parent.upper(), FONT, 12, 10, 2)]
        if self.unit:
            out.append((self.unit.upper(), BOLD, 13, 10, 2))
        if self.sub_unit:
            out.append((self.sub_unit.upper(), BOLD, 12, 10, 2))
        if self.address:
            out.append((self.address, FONT, 8.5, 7, 2))
        contact = " · ".join(c for c in self.contacts if c)
        if contact:
            out.append((contact, FONT, 8.5, 7, 2))
        return out


_LOGO = 60.0  # points (about 21 mm)
_GAP = 8.0
_RULE = 9.0  # space taken by the double rule under the text


def _layout(kop: Letterhead, width: float):
    text_w = width - (_LOGO + _GAP) if kop.logo else width
    rows = []
    for text, font, size, smallest, max_lines in kop.lines():
        one = fit_text(text, font, size, text_w, 1, min_size=smallest)
        fitted = one if not one.cut else fit_text(text, font, size, text_w, max_lines, min_size=6)
        rows += [(line, font, fitted.size) for line in fitted.lines]
    text_h = sum(size * 1.22 for _, _, size in rows)
    return rows, text_w, max(text_h, _LOGO if kop.logo else 0)


def kop_height(kop: Letterhead, width: float) -> float:
    """Height the kop takes at ``width``, the double rule included."""
    return _layout(kop, width)[2] + _RULE


def draw_kop(c, kop: Letterhead, x: float, top: float, width: float) -> float:
    """Draw the kop from ``top`` down between x and x + width; returns the y just under the double rule."""
    rows, text_w, block_h = _layout(kop, width)
    text_h = sum(size * 1.22 for _, _, size in rows)
    if kop.logo:
        c.drawImage(ImageReader(io.BytesIO(kop.logo)), x, top - (block_h + _LOGO) / 2, _LOGO, _LOGO,
                    preserveAspectRatio=True, mask="auto")  # fmt: skip
    centre = x + (_LOGO + _GAP if kop.logo else 0) + text_w / 2
    y = top - (block_h - text_h) / 2
    c.saveState()
    for line, font, size in rows:
        y -= size * 1.22
        c.setFont(font, size)
        c.drawCentredString(centre, y + size * 0.25, line)
    bottom = top - block_h - 3
    c.setLineWidth(2)
    c.line(x, bottom, x + width, bottom)
    c.setLineWidth(0.6)
    c.line(x, bottom - 3, x + width, bottom - 3)
    c.restoreState()
    return top - block_h - _RULE


class KopFlowable(Flowable):
    """The kop as a platypus flowable: the full frame width."""

    def __init__(self, kop: Letterhead) -> None:
        super().__init__()
        self.kop = kop

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = kop_height(self.kop, avail_width)
        return self.width, self.height

    def draw(self) -> None:
        draw_kop(self.canv, self.kop, 0, self.height, self.width)
