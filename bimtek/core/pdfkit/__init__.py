"""The PDF kit: the one place for what every printed document shares.

Pure (reportlab, qrcode, babel; no Flask, no database). The whole API:

Fonts      ``register_fonts(font_dir=None)``; names ``FONT`` (DejaVu Sans) and ``BOLD``.
QR         ``draw_qr(canvas, text, x, y, size)`` (merged vector rectangles), ``QrFlowable(text, size)``,
           ``qr_matrix(text)``.
Text       ``fit_text(text, font, size, width, max_lines, min_size=6) -> Fitted(lines, size, cut)``: wrap,
           break words wider than the box, shrink, and end with "…" if it still does not fit;
           ``ellipsize(text, font, size, width)``; ``wrap(...)``.
Formats    ``number(1234.5) == "1.234,5"``, ``long_date(d) == "Kamis, 25 Agustus 2022"``, ``short_date``,
           ``clock(dt, tz) == "09.00 WIB"``, ``nip_text(nip)`` (8-6-1-3 with non-breaking spaces),
           ``group_code("FM4QSNQQ") == "FM4Q-SNQQ"``.
Kop        ``Letterhead(parent, unit, sub_unit, address, contacts, logo)``; ``draw_kop(canvas, kop, x, top,
           width) -> y below the double rule``; ``KopFlowable(kop)``; ``kop_height(kop, width)``.
Pages      ``numbered_canvas(footer) -> Canvas class`` writing "Halaman i dari N" and the generated-at
           footer on every page (``doc.build(story, canvasmaker=...)`` or ``cls(buf, pagesize=...)``);
           ``generated_footer(source, when, tz)``.
Signature  ``Signatory(title, name, nip, place_date)``; ``signature_block([signatories], width)``;
           ``keep_with_signature(body, tail)`` keeps the last flowable of ``body`` on the page of ``tail``.
Tables     ``ruled_table(header, rows, widths, nowrap={2})`` -> ``[body, last_row]`` for long lists
           (header repeated, rows pre-wrapped, NIP columns shrink instead of wrapping).
"""

from __future__ import annotations

from datetime import datetime

from bimtek.core.pdfkit.fonts import BOLD, FONT, FONT_DIR, register_fonts
from bimtek.core.pdfkit.formats import NBSP, clock, group_code, long_date, nip_text, number, short_date, to_local
from bimtek.core.pdfkit.kop import KopFlowable, Letterhead, draw_kop, kop_height
from bimtek.core.pdfkit.page import FOOTER_Y, numbered_canvas
from bimtek.core.pdfkit.qr import QrFlowable, draw_qr, qr_matrix
from bimtek.core.pdfkit.signature import Signatory, keep_with_signature, signature_block
from bimtek.core.pdfkit.tables import ruled_table
from bimtek.core.pdfkit.text import ELLIPSIS, Fitted, ellipsize, fit_text, wrap

__all__ = [
    "BOLD", "ELLIPSIS", "FONT", "FONT_DIR", "FOOTER_Y", "NBSP", "Fitted", "KopFlowable", "Letterhead", "QrFlowable",
    "Signatory", "clock", "draw_kop", "draw_qr", "ellipsize", "fit_text", "generated_footer", "group_code",
    "keep_with_signature", "kop_height", "long_date", "nip_text", "number", "numbered_canvas", "qr_matrix",
    "register_fonts", "ruled_table", "short_date", "signature_block", "to_local", "wrap",
]  # fmt: skip


def generated_footer(source: str, when: datetime, tz: str = "Asia/Jakarta", *, code: str = "") -> str:
    """ "Dibuat oleh Bimtek pada 25 Agustus 2022 pukul 09.00 WIB dari <source>" (+ verification code)."""
    text = f"Dibuat oleh Bimtek pada {short_date(when, tz)} pukul {clock(when, tz)} dari {source}"
    return f"{text} · Kode verifikasi {code}" if code else text
