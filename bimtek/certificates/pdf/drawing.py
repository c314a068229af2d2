"""Drawing helpers shared by both designs: colours, images, lines of text, ornaments, the frame, the canvas."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from bimtek.certificates.pdf.model import CertificateRenderError

# ASCII85 only makes streams 25% larger and costs time; all PDF readers take plain Flate.
rl_config.useA85 = 0


_NAVY = (0x1F / 255, 0x3A / 255, 0x5F / 255)


_GOLD = (0xB0 / 255, 0x8D / 255, 0x57 / 255)


_INK = (0x22 / 255, 0x22 / 255, 0x22 / 255)


_MUTED = (0x55 / 255, 0x55 / 255, 0x55 / 255)


_PAPER = (1.0, 0xFD / 255, 0xF7 / 255)


_ROSETTE = (0xF1 / 255, 0xE9 / 255, 0xD8 / 255)


def _image(c: rl_canvas.Canvas, path: Path | str, x: float, y: float, w: float, h: float, anchor: str) -> None:
    p = Path(path)
    if not p.is_file():
        raise CertificateRenderError("image_missing", detail=p.name)
    c.drawImage(str(p), x, y, w, h, mask="auto", preserveAspectRatio=True, anchor=anchor)


def _draw_lines(
    c: rl_canvas.Canvas,
    lines: Sequence[str],
    font: str,
    size: float,
    x: float,
    y: float,
    align: str = "center",
    leading: float | None = None,
) -> float:
    """Draw lines downward from baseline y; x is the left edge, centre or right edge per ``align``.

    Returns the baseline of the last line drawn (y itself when there are no lines).
    """
    leading = leading if leading is not None else size * 1.22
    c.setFont(font, size)
    last = y
    for i, line in enumerate(lines):
        last = y - i * leading
        if align == "left":
            c.drawString(x, last, line)
        elif align == "right":
            c.drawRightString(x, last, line)
        else:
            c.drawCentredString(x, last, line)
    return last


def _diamond(c: rl_canvas.Canvas, cx: float, cy: float, r: float) -> None:
    p = c.beginPath()
    p.moveTo(cx, cy + r)
    p.lineTo(cx + r, cy)
    p.lineTo(cx, cy - r)
    p.lineTo(cx - r, cy)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


def _divider(c: rl_canvas.Canvas, cx: float, y: float, half: float) -> None:
    c.saveState()
    c.setStrokeColorRGB(*_GOLD)
    c.setLineWidth(0.8)
    c.line(cx - half, y, cx - 3.2 * mm, y)
    c.line(cx + 3.2 * mm, y, cx + half, y)
    c.setFillColorRGB(*_NAVY)
    _diamond(c, cx, y, 1.6 * mm)
    c.setFillColorRGB(*_GOLD)
    _diamond(c, cx - half, y, 0.8 * mm)
    _diamond(c, cx + half, y, 0.8 * mm)
    c.restoreState()


def _n(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _rgb_op(rgb: tuple[float, float, float], stroke: bool) -> str:
    return f"{_n(rgb[0])} {_n(rgb[1])} {_n(rgb[2])} {'RG' if stroke else 'rg'}"


def _cm(a: float, b: float, c: float, d: float, e: float, f: float) -> str:
    return f"{_n(a)} {_n(b)} {_n(c)} {_n(d)} {_n(e)} {_n(f)} cm"


def _diamond_path(cx: float, cy: float, r: float) -> str:
    p = PDFPathObject()
    p.moveTo(cx, cy + r)
    p.lineTo(cx + r, cy)
    p.lineTo(cx, cy - r)
    p.lineTo(cx - r, cy)
    p.close()
    return p.getCode()


def _corner_ops() -> str:
    """One corner ornament at the origin, pointing into +x/+y (mirrored for the other corners)."""
    arcs = PDFPathObject()
    for r in (7 * mm, 10 * mm):
        arcs.arc(-r, -r, r, r, startAng=0, extent=90)
    arcs.moveTo(3 * mm, 16 * mm)
    arcs.curveTo(3 * mm, 7 * mm, 7 * mm, 3 * mm, 16 * mm, 3 * mm)
    return " ".join(
        [
            _rgb_op(_GOLD, stroke=True),
            "0.9 w",
            arcs.getCode(),
            "S",
            _rgb_op(_NAVY, stroke=False),
            _diamond_path(0, 0, 2.6 * mm),
            "f",
            _rgb_op(_GOLD, stroke=False),
            _diamond_path(16 * mm, 3 * mm, 0.9 * mm),
            "f",
            _diamond_path(3 * mm, 16 * mm, 0.9 * mm),
            "f",
        ]
    )


@lru_cache(maxsize=8)
def _frame_ops(width: float, height: float, rosette: bool) -> str:
    ops = ["q", _rgb_op(_PAPER, stroke=False), f"0 0 {_n(width)} {_n(height)} re f"]
    if rosette:
        # A faint guilloche-like rosette behind the name; light enough not to hurt legibility.
        ellipse = PDFPathObject()
        ellipse.ellipse(-62 * mm, -20 * mm, 124 * mm, 40 * mm)
        ellipse_code = ellipse.getCode()
        ops += ["q", _cm(1, 0, 0, 1, width / 2, height / 2 - 8 * mm), _rgb_op(_ROSETTE, stroke=True), "0.5 w"]
        for k in range(1, 31):
            angle = math.radians(6 * k)
            cos, sin = math.cos(angle), math.sin(angle)
            ops += ["q", _cm(cos, sin, -sin, cos, 0, 0), ellipse_code, "S Q"]
        circle = PDFPathObject()
        circle.circle(0, 0, 64 * mm)
        ops += [circle.getCode(), "S Q"]
    for rgb, line_width, inset in ((_NAVY, 4.5, 7 * mm), (_GOLD, 1.1, 10 * mm), (_NAVY, 0.4, 11.5 * mm)):
        ops += [
            _rgb_op(rgb, stroke=True),
            f"{_n(line_width)} w",
            f"{_n(inset)} {_n(inset)} {_n(width - 2 * inset)} {_n(height - 2 * inset)} re S",
        ]
    corner = _corner_ops()
    inset = 10 * mm
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        tx = inset if sx > 0 else width - inset
        ty = inset if sy > 0 else height - inset
        ops += ["q", _cm(sx, 0, 0, sy, tx, ty), corner, "Q"]
    ops.append("Q")
    return "\n".join(ops)


def _draw_frame(c: rl_canvas.Canvas, width: float, height: float, rosette: bool) -> None:
    c.addLiteral(_frame_ops(width, height, rosette))


SPECIMEN_TEXT = "CONTOH / SPECIMEN"
SPECIMEN_NOTE = "CONTOH — bukan sertifikat yang sah / SPECIMEN — not a valid certificate"


class _SpecimenCanvas(rl_canvas.Canvas):
    """A canvas that stamps CONTOH / SPECIMEN over every page as it is finished (on top of everything)."""

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        width, height = self._pagesize
        self.saveState()
        self.setFillColorRGB(0.78, 0.1, 0.1)
        self.setFillAlpha(0.22)
        self.translate(width / 2, height / 2)
        self.rotate(math.degrees(math.atan2(height, width)))
        self.setFont("Helvetica-Bold", 64)
        self.drawCentredString(0, -22, SPECIMEN_TEXT)
        self.restoreState()
        self.saveState()
        self.setFillColorRGB(0.78, 0.1, 0.1)
        self.setFont("Helvetica-Bold", 10)
        self.drawCentredString(width / 2, height - 5.5 * mm, SPECIMEN_NOTE)
        self.restoreState()
        super().showPage()


class _Doc:
    """One canvas plus the forms already defined in it."""

    def __init__(self, title: str, pagesize: tuple[float, float], *, specimen: bool = False) -> None:
        self.buffer = io.BytesIO()
        self.canvas = (_SpecimenCanvas if specimen else rl_canvas.Canvas)(
            self.buffer, pagesize=pagesize, invariant=1, pageCompression=1, initialFontName="Helvetica"
        )
        self.canvas.setTitle(title)
        self.canvas.setCreator("Bimtek")
        self.canvas.setProducer("Bimtek (ReportLab)")
        self.forms: set[str] = set()

    def form(self, name: str, pagesize: tuple[float, float], draw: Callable[[rl_canvas.Canvas], None]) -> None:
        """Define form ``name`` once (drawn by ``draw``), then place it on the current page."""
        c = self.canvas
        if name not in self.forms:
            c.beginForm(name, 0, 0, pagesize[0], pagesize[1])
            draw(c)
            c.endForm()
            self.forms.add(name)
        c.doForm(name)

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()
