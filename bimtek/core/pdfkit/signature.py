"""The signature block, and the rule that it never stands alone on a page.

Block (DOMAIN.md): place and date ("Batam, 25 Agustus 2022"), the jabatan ("Ketua Panitia,"), room for the
signature and stamp, the name in bold and underlined, "NIP. 19660801 198803 1 001" (never broken).
``keep_with_signature`` glues the last rows of a table to the block, so a page break can fall before them
but never between the table and its signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from bimtek.core.pdfkit.fonts import FONT
from bimtek.core.pdfkit.formats import nip_text

__all__ = ["Signatory", "keep_with_signature", "signature_block"]

DOTS = "." * 40


@dataclass(frozen=True)
class Signatory:
    """Who signs: jabatan, name and NIP (blank name or NIP print as dots to fill in by hand)."""

    title: str
    name: str = ""
    nip: str = ""
    place_date: str = ""


def _block(sig: Signatory, width: float, size: float, caption: str = "") -> list:
    st = ParagraphStyle("sig", fontName=FONT, fontSize=size, leading=size * 1.3)
    name = f"<b><u>{escape(sig.name)}</u></b>" if sig.name else f"({DOTS})"
    nip = escape(nip_text(sig.nip)) if sig.nip else DOTS
    out = []
    if sig.place_date:
        out.append(Paragraph(escape(sig.place_date), st))
    if caption:
        out.append(Paragraph(escape(caption), st))
    out += [Paragraph(escape(sig.title) + ",", st), Spacer(1, size * 5.5), Paragraph(name, st),
            Paragraph(f"NIP.&nbsp;{nip}", st)]  # fmt: skip
    return out


def signature_block(signatories: list[Signatory], width: float, *, size: float = 9.5, caption: str = "",
                    right_half: bool = False) -> Table:  # fmt: skip
    """One to three signature blocks side by side (``right_half``: a single block in the right half).

    ``caption`` is a line over the first block's jabatan ("Panitia Penyelenggara").
    """
    if len(signatories) == 1 and right_half:
        cells, widths = [["", _block(signatories[0], width / 2, size, caption)]], [width / 2, width / 2]
    else:
        n = len(signatories)
        cells = [[_block(s, width / n, size, caption if i == 0 else "") for i, s in enumerate(signatories)]]
        widths = [width / n] * n
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def keep_with_signature(body: list, tail: list) -> list:
    """``body`` flowables followed by ``tail`` kept on one page with the last body flowable."""
    if not body:
        return [KeepTogether(tail)]
    return [*body[:-1], KeepTogether([body[-1], *tail])]
