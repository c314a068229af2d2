"""Certificate PDF rendering with the reportlab canvas: plain values in, PDF bytes out.

Two designs:
- the default design (no upload): A4 landscape, vector frame and ornaments, kop, number, name, role,
  event, organiser, dates, place, JP, issue place/date, signatory block and a verification QR;
- an uploaded background (JPEG by path) with organiser-positioned fields (TemplateSpec/FieldSpec).
An optional back page lists the materi and JP per session.

User text is only ever drawn with drawString/drawCentredString/drawRightString, never as Paragraph
markup, so "<b>" or "&" in a name is printed literally. Output is deterministic for the same input
(invariant canvas), which lets the caller store and compare the PDF's SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.pathobject import PDFPathObject

# ASCII85 only makes streams 25% larger and costs time; all PDF readers take plain Flate.
rl_config.useA85 = 0

__all__ = [
    "CertificateData",
    "CertificateRenderError",
    "FieldSpec",
    "TEMPLATE_FIELDS",
    "TemplateSpec",
    "fit_text",
    "format_jp",
    "format_nip",
    "pdf_sha256",
    "register_fonts",
    "render_certificate",
    "render_many",
]

PAGE_SIZE: tuple[float, float] = landscape(A4)

FONT_FILES: dict[str, str] = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
}

# Fields a TemplateSpec may position. Text fields take the value from CertificateData (some are composed
# phrases); "qr", "signature" and "logo" are graphics placed in a box of width_mm whose top is at y_mm.
TEMPLATE_TEXT_FIELDS: frozenset[str] = frozenset(
    {
        "number",
        "number_line",
        "name",
        "role",
        "role_line",
        "event_title",
        "organizer",
        "date_text",
        "place_text",
        "date_place",
        "jp",
        "jp_text",
        "issue_place",
        "issue_date_text",
        "issue_line",
        "signatory_title",
        "signatory_name",
        "signatory_nip",
        "verification_code",
    }
)
TEMPLATE_GRAPHIC_FIELDS: frozenset[str] = frozenset({"qr", "signature", "logo"})
TEMPLATE_FIELDS: frozenset[str] = TEMPLATE_TEXT_FIELDS | TEMPLATE_GRAPHIC_FIELDS

_MESSAGES = {
    "font_missing": "Berkas font untuk sertifikat tidak ditemukan.",
    "image_missing": "Berkas gambar untuk sertifikat tidak ditemukan.",
    "template_unknown_field": "Templat sertifikat memuat kolom yang tidak dikenal.",
    "template_bad_value": "Pengaturan kolom templat sertifikat tidak valid.",
    "no_certificates": "Tidak ada sertifikat untuk dicetak.",
}

_NAVY = (0x1F / 255, 0x3A / 255, 0x5F / 255)
_GOLD = (0xB0 / 255, 0x8D / 255, 0x57 / 255)
_INK = (0x22 / 255, 0x22 / 255, 0x22 / 255)
_MUTED = (0x55 / 255, 0x55 / 255, 0x55 / 255)
_PAPER = (1.0, 0xFD / 255, 0xF7 / 255)
_ROSETTE = (0xF1 / 255, 0xE9 / 255, 0xD8 / 255)

# Any of the eight masks is valid (ISO/IEC 18004); fixing one skips qrcode's penalty scoring of all
# eight, which is most of its run time.
_QR_MASK = 2

_HEX_COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
_SPACES_RE = re.compile(r"\s+")


class CertificateRenderError(ValueError):
    """A certificate cannot be rendered (missing font/image, bad template); ``code`` is machine-readable."""

    def __init__(self, code: str, message: str | None = None, *, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        text = message or _MESSAGES.get(code, "Sertifikat tidak dapat dibuat.")
        if detail:
            text = f"{text} ({detail})"
        super().__init__(text)


Session = tuple[str, "int | float | Decimal | None", "str | Sequence[str]"]


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate, frozen at issue."""

    number: str
    name: str
    role: str
    event_title: str
    organizer: str
    date_text: str
    place_text: str
    jp: int | float | Decimal | None
    issue_place: str
    issue_date_text: str
    signatory_title: str
    signatory_name: str
    signatory_nip: str = ""
    signature_image_path: Path | str | None = None
    logo_path: Path | str | None = None
    verify_url: str = ""
    verification_code: str = ""
    sessions: Sequence[Session] = ()


@dataclass(frozen=True)
class FieldSpec:
    """One positioned field on an uploaded background.

    The field's box spans x_mm .. x_mm + width_mm from the left page edge; ``align`` places text within
    it. y_mm is measured from the top page edge to the first line's baseline (for graphics: to the top
    of the graphic). Text that is too wide shrinks to 60% of size_pt, then wraps (max_lines).
    """

    x_mm: float
    y_mm: float
    width_mm: float
    font: str = "sans"
    size_pt: float = 12.0
    align: str = "center"
    color: str = "#000000"
    max_lines: int = 2

    def __post_init__(self) -> None:
        if self.font not in FONT_FILES:
            raise CertificateRenderError("template_bad_value", detail=f"font={self.font!r}")
        if self.align not in ("left", "center", "right"):
            raise CertificateRenderError("template_bad_value", detail=f"align={self.align!r}")
        if not isinstance(self.color, str) or not _HEX_COLOR_RE.fullmatch(self.color):
            raise CertificateRenderError("template_bad_value", detail=f"color={self.color!r}")
        for key in ("x_mm", "y_mm", "width_mm", "size_pt"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise CertificateRenderError("template_bad_value", detail=f"{key}={value!r}")
        if self.width_mm <= 0 or not 4 <= self.size_pt <= 200:
            raise CertificateRenderError("template_bad_value", detail="width_mm/size_pt")
        if not 1 <= self.max_lines <= 10:
            raise CertificateRenderError("template_bad_value", detail=f"max_lines={self.max_lines!r}")


@dataclass(frozen=True)
class TemplateSpec:
    """An uploaded background (already converted to JPEG) plus positioned fields."""

    background_jpeg_path: Path | str
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    page_width_mm: float = 297.0
    page_height_mm: float = 210.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.fields) - TEMPLATE_FIELDS)
        if unknown:
            raise CertificateRenderError("template_unknown_field", detail=", ".join(unknown))
        if not (50 <= self.page_width_mm <= 1000 and 50 <= self.page_height_mm <= 1000):
            raise CertificateRenderError("template_bad_value", detail="page size")


# ---------------------------------------------------------------------------------------------- fonts

_fonts_lock = threading.Lock()
_fonts_by_dir: dict[str, dict[str, str]] = {}


def register_fonts(fonts_dir: Path | str) -> dict[str, str]:
    """Register the four DejaVu TTFs in ``fonts_dir`` once; return {"sans"|"serif"|...: reportlab name}."""
    key = str(Path(fonts_dir).resolve())
    with _fonts_lock:
        names = _fonts_by_dir.get(key)
        if names is not None:
            return names
        # The directory goes into the registered name so two font directories never shadow each other.
        tag = hashlib.sha256(key.encode()).hexdigest()[:8]
        names = {}
        for role, filename in FONT_FILES.items():
            path = Path(key) / filename
            if not path.is_file():
                raise CertificateRenderError("font_missing", detail=str(path))
            name = f"Bimtek-{role}-{tag}"
            pdfmetrics.registerFont(TTFont(name, str(path)))
            names[role] = name
        _fonts_by_dir[key] = names
        return names


# ----------------------------------------------------------------------------------------- text layout


def _clean(text: object) -> str:
    """NFC-normalise, turn control characters (newlines, tabs) into spaces and collapse whitespace."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    if value.isprintable():
        return _SPACES_RE.sub(" ", value).strip()
    value = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return _SPACES_RE.sub(" ", value).strip()


def _floor_size(size: float) -> float:
    # Quarter points: fine enough to look smooth, and flooring keeps the text inside the width.
    return math.floor(size * 4 + 1e-9) / 4


def _split_long_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and pdfmetrics.stringWidth(current + ch, font, size) > max_width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _greedy_lines(widths: list[float], space: float, limit: float) -> list[tuple[int, int]]:
    """Greedy line breaks of words (as widths) at ``limit``; returns [(start, end)) word ranges."""
    ranges: list[tuple[int, int]] = []
    start, line = 0, widths[0]
    for i in range(1, len(widths)):
        candidate = line + space + widths[i]
        if candidate > limit:
            ranges.append((start, i))
            start, line = i, widths[i]
        else:
            line = candidate
    ranges.append((start, len(widths)))
    return ranges


def _balanced_lines(words: list[str], font: str, max_lines: int) -> list[str]:
    """Split words into at most max_lines lines minimising the widest line (widths at 1 pt)."""
    widths = [pdfmetrics.stringWidth(w, font, 1.0) for w in words]
    space = pdfmetrics.stringWidth(" ", font, 1.0)
    lo = max(widths)
    hi = sum(widths) + space * (len(words) - 1)
    # Greedy wrapping gives the fewest lines for a given width, so the smallest width that still fits
    # in max_lines (found by bisection) is the most balanced split.
    for _ in range(40):
        if hi - lo < 1e-4:
            break
        mid = (lo + hi) / 2
        if len(_greedy_lines(widths, space, mid)) <= max_lines:
            hi = mid
        else:
            lo = mid
    return [" ".join(words[a:b]) for a, b in _greedy_lines(widths, space, hi + 1e-9)]


def fit_text(
    text: str, font: str, max_size: float, min_size: float, max_width: float, max_lines: int = 2
) -> tuple[float, list[str]]:
    """Choose a font size and line breaks so ``text`` fits ``max_width`` points.

    Order of preference: one line at max_size; one line shrunk down to min_size; up to max_lines balanced
    lines at the largest size >= min_size that fits; finally min_size with as many lines as needed
    (over-long words broken), so the width is never exceeded. ``font`` is a registered reportlab name.
    """
    text = _clean(text)
    min_size = min(min_size, max_size)
    if not text:
        return max_size, []
    one = pdfmetrics.stringWidth(text, font, 1.0)
    if one * max_size <= max_width:
        return max_size, [text]
    size = _floor_size(max_width / one)
    if size >= min_size:
        return size, [text]
    words = text.split(" ")
    if max_lines >= 2 and len(words) > 1:
        lines = _balanced_lines(words, font, max_lines)
        widest = max(pdfmetrics.stringWidth(line, font, 1.0) for line in lines)
        size = min(max_size, _floor_size(max_width / widest))
        if size >= min_size:
            return size, lines
    out: list[str] = []
    current = ""
    for word in words:
        pieces = (
            [word]
            if pdfmetrics.stringWidth(word, font, min_size) <= max_width
            else _split_long_word(word, font, min_size, max_width)
        )
        for piece in pieces:
            candidate = f"{current} {piece}" if current else piece
            if current and pdfmetrics.stringWidth(candidate, font, min_size) > max_width:
                out.append(current)
                current = piece
            else:
                current = candidate
    if current:
        out.append(current)
    return min_size, out


def _wrap_fixed(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Wrap at a fixed size (table cells): greedy, breaking over-long words."""
    _, lines = fit_text(text, font, size, size, max_width, max_lines=1)
    return lines


# ------------------------------------------------------------------------------------- value phrasing


def format_jp(jp: int | float | Decimal | None) -> str:
    """Format a JP (jam pelajaran) count the Indonesian way: 8 -> "8", 2.5 -> "2,5"."""
    if jp is None or jp == "":
        return ""
    value = Decimal(str(jp))
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def format_nip(nip: str) -> str:
    """Group an 18-digit NIP as "19660801 198803 1 001" (birth date, appointment, sex, serial)."""
    raw = _clean(nip)
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 18:
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return raw


_PLACE_PREPOSITIONS = ("di ", "secara ", "melalui ", "bertempat ", "dalam jaringan", "luar jaringan")


def _place_phrase(place_text: str) -> str:
    place = _clean(place_text)
    if not place:
        return ""
    if place.lower().startswith(_PLACE_PREPOSITIONS):
        return place
    return f"di {place}"


def _date_place_line(cert: CertificateData) -> str:
    parts = []
    date_text = _clean(cert.date_text)
    if date_text:
        parts.append(f"pada {date_text}")
    place = _place_phrase(cert.place_text)
    if place:
        parts.append(place)
    return " ".join(parts)


def _field_text(cert: CertificateData, name: str) -> str:
    jp = format_jp(cert.jp)
    if name == "number_line":
        return f"Nomor: {_clean(cert.number)}"
    if name == "role":
        return _clean(cert.role).upper()
    if name == "role_line":
        return f"sebagai {_clean(cert.role).upper()}"
    if name == "jp":
        return jp
    if name == "jp_text":
        return f"selama {jp} JP" if jp else ""
    if name == "date_place":
        return _date_place_line(cert)
    if name == "issue_line":
        return ", ".join(p for p in (_clean(cert.issue_place), _clean(cert.issue_date_text)) if p)
    if name == "signatory_nip":
        nip = format_nip(cert.signatory_nip)
        return f"NIP. {nip}" if nip else ""
    return _clean(getattr(cert, name))


# ------------------------------------------------------------------------------------------------- QR


@lru_cache(maxsize=4096)
def _qr_ops(data: str) -> tuple[int, str]:
    """QR modules as merged rectangles in module units (row 0 at the top), as PDF path operators."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=_QR_MASK)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    rects: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}
    for y in range(n + 1):
        runs: set[tuple[int, int]] = set()
        if y < n:
            row = matrix[y]
            x = 0
            while x < n:
                if row[x]:
                    start = x
                    while x < n and row[x]:
                        x += 1
                    runs.add((start, x - start))
                else:
                    x += 1
        # A run continuing straight down from the previous row extends its rectangle instead of
        # adding a new one: fewer path operators, smaller and faster PDFs.
        for run in [r for r in open_runs if r not in runs]:
            y0 = open_runs.pop(run)
            rects.append((run[0], y0, run[1], y - y0))
        for run in runs:
            open_runs.setdefault(run, y)
    rects.sort()
    return n, " ".join(f"{x} {y} {w} {h} re" for x, y, w, h in rects)


def _draw_qr(c: rl_canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR for ``data`` with its lower-left corner at (x, y), ``size`` points square."""
    n, ops = _qr_ops(data)
    module = size / n
    quiet = 2 * module
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    # Integer module coordinates, flipped so that row 0 is the top row.
    c.transform(module, 0, 0, -module, x, y + size)
    c.addLiteral(ops + " f")
    c.restoreState()


# ------------------------------------------------------------------------------------ drawing helpers


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


# The frame is identical on every page, so its PDF operators are built once per process with
# reportlab's path objects and added as a literal: formatting ~40 curves per certificate was ~20% of
# the rendering time.


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


class _Doc:
    """One canvas plus the forms already defined in it."""

    def __init__(self, title: str, pagesize: tuple[float, float]) -> None:
        self.buffer = io.BytesIO()
        self.canvas = rl_canvas.Canvas(
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


# ----------------------------------------------------------------------------------- default design

# The centred text must end above the signatory block; when a logo and long texts don't fit, the
# vertical gaps (and the logo) shrink by a common factor, down to _MIN_GAP_SCALE.
_FLOW_TOP = 188 * mm
_FLOW_BOTTOM = 67 * mm
_MIN_GAP_SCALE = 0.35
_TEXT_WIDTH = 225 * mm


def _flow_front(c: rl_canvas.Canvas | None, cert: CertificateData, fonts: dict[str, str], k: float) -> float:
    """Lay out (and draw, when ``c`` is given) the centred front text with gaps scaled by ``k``.

    Returns the lowest baseline used, so the caller can pick ``k`` before drawing.
    """
    width = PAGE_SIZE[0]
    cx = width / 2
    sans, sans_b, serif, serif_b = fonts["sans"], fonts["sans-bold"], fonts["serif"], fonts["serif-bold"]

    def lines_at(lines: Sequence[str], font: str, size: float, y: float, leading: float) -> float:
        if c is not None:
            return _draw_lines(c, lines, font, size, cx, y, leading=leading)
        return y - leading * (len(lines) - 1) if lines else y

    def single(text: str, font: str, size: float, y: float, char_space: float = 0) -> None:
        if c is not None:
            c.setFont(font, size)
            c.drawCentredString(cx, y, text, charSpace=char_space)

    def color(rgb: tuple[float, float, float]) -> None:
        if c is not None:
            c.setFillColorRGB(*rgb)

    y = _FLOW_TOP
    if cert.logo_path:
        logo_h = 17 * mm * k
        if c is not None:
            _image(c, cert.logo_path, cx - 30 * mm, y - logo_h, 60 * mm, logo_h, anchor="c")
        y -= logo_h + 3 * mm + 4.5 * mm * k
    else:
        y -= 3 * mm
    color(_NAVY)
    size, lines = fit_text(_clean(cert.organizer).upper(), sans_b, 12.5, 9, 200 * mm, 2)
    y = lines_at(lines, sans_b, size, y, size * 1.25)
    if c is not None:
        _divider(c, cx, y - (2 + 2.5 * k) * mm, 32 * mm)

    y -= (11 + 7 * k) * mm
    single("SERTIFIKAT", serif_b, 34, y, char_space=6)
    y -= (6 + 2 * k) * mm
    color(_INK)
    size, lines = fit_text(_field_text(cert, "number_line"), sans, 11, 8, _TEXT_WIDTH, 1)
    lines_at(lines, sans, size, y, size * 1.22)

    y -= (6 + 5 * k) * mm
    color(_MUTED)
    single("diberikan kepada", serif, 13, y)

    # The name sits in a fixed band; one or two lines are centred in it.
    band_top = y - (1 + 2 * k) * mm
    band_bottom = band_top - 22 * mm
    size, lines = fit_text(cert.name, serif_b, 30, 16, _TEXT_WIDTH, 2)
    leading = size * 1.18
    block = size * 0.72 + leading * (len(lines) - 1)
    first = (band_top + band_bottom) / 2 + block / 2 - size * 0.72
    color(_NAVY)
    lines_at(lines, serif_b, size, first, leading)
    if c is not None:
        c.setStrokeColorRGB(*_GOLD)
        c.setLineWidth(0.9)
        c.line(cx - 80 * mm, band_bottom, cx + 80 * mm, band_bottom)

    y = band_bottom - (5.5 + 2.5 * k) * mm
    if c is not None:
        role = _field_text(cert, "role")
        lead_w = pdfmetrics.stringWidth("sebagai ", sans, 13)
        role_size, _ = fit_text(role, sans_b, 13, 8, _TEXT_WIDTH - lead_w, 1)
        role_w = pdfmetrics.stringWidth(role, sans_b, role_size)
        x0 = cx - (lead_w + role_w) / 2
        c.setFillColorRGB(*_INK)
        c.setFont(sans, 13)
        c.drawString(x0, y, "sebagai ")
        c.setFont(sans_b, role_size)
        c.drawString(x0 + lead_w, y, role)

    y -= (5 + 2.5 * k) * mm
    color(_MUTED)
    single("dalam kegiatan", serif, 12, y)
    y -= (5 + 2 * k) * mm
    color(_NAVY)
    size, lines = fit_text(cert.event_title, serif_b, 15, 10.5, _TEXT_WIDTH, 2)
    y = lines_at(lines, serif_b, size, y, size * 1.25)

    color(_INK)
    organizer = _clean(cert.organizer)
    if organizer:
        y -= (4.5 + 2 * k) * mm
        size, lines = fit_text(f"yang diselenggarakan oleh {organizer}", sans, 11.5, 8.5, _TEXT_WIDTH, 2)
        y = lines_at(lines, sans, size, y, size * 1.22)
    detail = _date_place_line(cert)
    jp_text = _field_text(cert, "jp_text")
    if jp_text:
        detail = f"{detail} {jp_text}" if detail else jp_text.capitalize()
    if detail:
        y -= (4.5 + 1.5 * k) * mm
        size, lines = fit_text(detail, sans, 11.5, 8.5, _TEXT_WIDTH, 2)
        y = lines_at(lines, sans, size, y, size * 1.22)
    return y


def _gap_scale(cert: CertificateData, fonts: dict[str, str]) -> float:
    """Largest gap factor <= 1 that keeps the front text above the signatory block."""
    full = _flow_front(None, cert, fonts, 1.0)
    if full >= _FLOW_BOTTOM:
        return 1.0
    # The lowest baseline moves linearly with k, so two dry runs give the exact factor.
    none = _flow_front(None, cert, fonts, 0.0)
    if none <= full:
        return _MIN_GAP_SCALE
    return max(_MIN_GAP_SCALE, (none - _FLOW_BOTTOM) / (none - full))


def _draw_default_front(doc: _Doc, cert: CertificateData, fonts: dict[str, str]) -> None:
    c = doc.canvas
    width, height = PAGE_SIZE
    c.setPageSize(PAGE_SIZE)
    doc.form("bimtek-front", PAGE_SIZE, lambda cv: _draw_frame(cv, width, height, rosette=True))
    _flow_front(c, cert, fonts, _gap_scale(cert, fonts))
    _draw_signatory(c, cert, fonts, x=width - 75 * mm, top=60 * mm)
    if cert.verify_url:
        _draw_verification(c, cert, fonts, x=27 * mm, y=25 * mm, size=27 * mm)


def _draw_signatory(
    c: rl_canvas.Canvas,
    cert: CertificateData,
    fonts: dict[str, str],
    x: float,
    top: float,
    block_width: float = 88 * mm,
    name_baseline: float = 24 * mm,
) -> None:
    """Signatory block centred on x: issue line, jabatan, signature (or blank space), name, NIP."""
    sans, sans_b = fonts["sans"], fonts["sans-bold"]
    c.setFillColorRGB(*_INK)
    size, lines = fit_text(_field_text(cert, "issue_line"), sans, 11, 8, block_width, 1)
    y = _draw_lines(c, lines, sans, size, x, top)
    size, lines = fit_text(cert.signatory_title, sans, 11, 10, block_width, 3)
    if lines:
        y = _draw_lines(c, lines, sans, size, x, y - size * 1.3, leading=size * 1.22)
    if cert.signature_image_path:
        sig_top = y - 2.5 * mm
        sig_bottom = name_baseline + 4 * mm
        if sig_top - sig_bottom > 4 * mm:
            _image(c, cert.signature_image_path, x - 30 * mm, sig_bottom, 60 * mm, sig_top - sig_bottom, anchor="c")
    name = _clean(cert.signatory_name)
    if name:
        size, lines = fit_text(name, sans_b, 11, 8, block_width, 1)
        c.setFont(sans_b, size)
        c.drawCentredString(x, name_baseline, name)
        name_w = pdfmetrics.stringWidth(name, sans_b, size)
        c.setStrokeColorRGB(*_INK)
        c.setLineWidth(0.7)
        c.line(x - name_w / 2, name_baseline - 2, x + name_w / 2, name_baseline - 2)
    nip = _field_text(cert, "signatory_nip")
    if nip:
        size, lines = fit_text(nip, sans, 10, 7, block_width, 1)
        _draw_lines(c, lines, sans, size, x, name_baseline - 4.8 * mm)


def _draw_verification(
    c: rl_canvas.Canvas, cert: CertificateData, fonts: dict[str, str], x: float, y: float, size: float
) -> None:
    """QR with its lower-left at (x, y); a caption above and the verification code below."""
    _draw_qr(c, cert.verify_url, x, y, size)
    cx = x + size / 2
    c.setFillColorRGB(*_MUTED)
    c.setFont(fonts["sans"], 7)
    c.drawCentredString(cx, y + size + 3 * mm, "Pindai untuk verifikasi")
    code = _clean(cert.verification_code)
    if code:
        fsize, lines = fit_text(code, fonts["sans-bold"], 8.5, 6, size + 16 * mm, 1)
        c.setFillColorRGB(*_INK)
        _draw_lines(c, lines, fonts["sans-bold"], fsize, cx, y - 5.5 * mm)


# -------------------------------------------------------------------------------------- back page

_BACK_COLUMNS = (
    ("No", 13 * mm, "center"),
    ("Materi", 125 * mm, "left"),
    ("Narasumber", 80 * mm, "left"),
    ("JP", 18 * mm, "center"),
)


def _speakers_text(speakers: str | Sequence[str] | None) -> str:
    if speakers is None:
        return ""
    if isinstance(speakers, str):
        return _clean(speakers)
    return ", ".join(s for s in (_clean(x) for x in speakers) if s)


def _total_jp(sessions: Sequence[Session]) -> str:
    total = Decimal(0)
    for _, jp, _ in sessions:
        if jp is not None and jp != "":
            total += Decimal(str(jp))
    return format_jp(total)


def _draw_back_pages(doc: _Doc, cert: CertificateData, fonts: dict[str, str]) -> None:
    c = doc.canvas
    width, height = PAGE_SIZE
    sans, sans_b, serif_b = fonts["sans"], fonts["sans-bold"], fonts["serif-bold"]
    table_w = sum(col[1] for col in _BACK_COLUMNS)
    left = (width - table_w) / 2
    bottom_limit = 24 * mm
    cell_size, pad = 10, 2.2 * mm
    leading = cell_size * 1.25

    def new_page(continued: bool) -> float:
        c.setPageSize(PAGE_SIZE)
        doc.form("bimtek-back", PAGE_SIZE, lambda cv: _draw_frame(cv, width, height, rosette=False))
        c.setFillColorRGB(*_NAVY)
        title = "MATERI KEGIATAN (lanjutan)" if continued else "MATERI KEGIATAN"
        c.setFont(serif_b, 20)
        c.drawCentredString(width / 2, height - 30 * mm, title)
        size, lines = fit_text(cert.event_title, sans_b, 12, 9, table_w, 2)
        y = _draw_lines(c, lines, sans_b, size, width / 2, height - 39 * mm)
        c.setFillColorRGB(*_MUTED)
        c.setFont(sans, 9)
        c.drawCentredString(width / 2, y - 5.5 * mm, _field_text(cert, "number_line"))
        return header(y - 11 * mm)

    def header(top: float) -> float:
        h = leading + 2 * pad
        c.setFillColorRGB(*_NAVY)
        c.rect(left, top - h, table_w, h, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont(sans_b, cell_size)
        x = left
        for label, col_w, align in _BACK_COLUMNS:
            _cell_line(c, label, x, col_w, align, top - pad - cell_size * 0.95, pad)
            x += col_w
        return top - h

    def row(top: float, cells: Sequence[str], bold: bool = False) -> float:
        font = sans_b if bold else sans
        wrapped = [
            _wrap_fixed(text, font, cell_size, col_w - 2 * pad) or [""]
            for text, (_, col_w, _) in zip(cells, _BACK_COLUMNS, strict=True)
        ]
        h = max(len(lines) for lines in wrapped) * leading + 2 * pad
        c.setStrokeColorRGB(*_GOLD)
        c.setLineWidth(0.6)
        c.line(left, top - h, left + table_w, top - h)
        c.setFillColorRGB(*_INK)
        c.setFont(font, cell_size)
        x = left
        for lines, (_, col_w, align) in zip(wrapped, _BACK_COLUMNS, strict=True):
            for i, line in enumerate(lines):
                _cell_line(c, line, x, col_w, align, top - pad - cell_size * 0.95 - i * leading, pad)
            x += col_w
        return top - h

    def row_height(cells: Sequence[str]) -> float:
        n = max(
            len(_wrap_fixed(t, sans, cell_size, col[1] - 2 * pad) or [""])
            for t, col in zip(cells, _BACK_COLUMNS, strict=True)
        )
        return n * leading + 2 * pad

    y = new_page(False)
    rows = [
        [str(i), _clean(title), _speakers_text(speakers), format_jp(jp)]
        for i, (title, jp, speakers) in enumerate(cert.sessions, start=1)
    ]
    for cells in rows:
        if y - row_height(cells) < bottom_limit:
            c.showPage()
            y = new_page(True)
        y = row(y, cells)
    total = ["", "Jumlah", "", _total_jp(cert.sessions)]
    if y - row_height(total) < bottom_limit:
        c.showPage()
        y = new_page(True)
    row(y, total, bold=True)


def _cell_line(c: rl_canvas.Canvas, text: str, x: float, col_w: float, align: str, y: float, pad: float) -> None:
    if align == "center":
        c.drawCentredString(x + col_w / 2, y, text)
    elif align == "right":
        c.drawRightString(x + col_w - pad, y, text)
    else:
        c.drawString(x + pad, y, text)


# ------------------------------------------------------------------------------------ template mode


def _hex_rgb(color: str) -> tuple[float, float, float]:
    return int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255


def _draw_template_front(doc: _Doc, cert: CertificateData, template: TemplateSpec, fonts: dict[str, str]) -> None:
    c = doc.canvas
    pagesize = (template.page_width_mm * mm, template.page_height_mm * mm)
    page_h = pagesize[1]
    c.setPageSize(pagesize)
    background = Path(template.background_jpeg_path)
    if not background.is_file():
        raise CertificateRenderError("image_missing", detail=background.name)
    doc.form(
        f"bimtek-bg-{hashlib.sha256(str(background).encode()).hexdigest()[:12]}",
        pagesize,
        lambda cv: cv.drawImage(str(background), 0, 0, pagesize[0], pagesize[1]),
    )
    # Sorted so that the drawing order, and therefore the bytes, never depend on dict order.
    for name in sorted(template.fields):
        spec = template.fields[name]
        box_x, box_w = spec.x_mm * mm, spec.width_mm * mm
        top = page_h - spec.y_mm * mm
        if name == "qr":
            if cert.verify_url:
                _draw_qr(c, cert.verify_url, box_x, top - box_w, box_w)
            continue
        if name in ("signature", "logo"):
            path = cert.signature_image_path if name == "signature" else cert.logo_path
            if path:
                box_h = box_w * (0.45 if name == "signature" else 1.0)
                _image(c, path, box_x, top - box_h, box_w, box_h, anchor="n")
            continue
        text = _field_text(cert, name)
        font = fonts[spec.font]
        size, lines = fit_text(text, font, spec.size_pt, max(spec.size_pt * 0.6, 5), box_w, spec.max_lines)
        anchor = {"left": box_x, "center": box_x + box_w / 2, "right": box_x + box_w}[spec.align]
        c.setFillColorRGB(*_hex_rgb(spec.color))
        _draw_lines(c, lines, font, size, anchor, top, align=spec.align)


# ------------------------------------------------------------------------------------------ public


def _render_pages(doc: _Doc, cert: CertificateData, template: TemplateSpec | None, fonts: dict[str, str]) -> None:
    if template is None:
        _draw_default_front(doc, cert, fonts)
    else:
        _draw_template_front(doc, cert, template, fonts)
    if cert.sessions:
        doc.canvas.showPage()
        _draw_back_pages(doc, cert, fonts)
    doc.canvas.showPage()


def _first_pagesize(template: TemplateSpec | None) -> tuple[float, float]:
    if template is None:
        return PAGE_SIZE
    return template.page_width_mm * mm, template.page_height_mm * mm


def render_certificate(cert: CertificateData, template: TemplateSpec | None, fonts_dir: Path) -> bytes:
    """Render one certificate (front page, plus back pages if it has sessions) to PDF bytes."""
    fonts = register_fonts(fonts_dir)
    doc = _Doc(_clean(cert.number) or "Sertifikat", _first_pagesize(template))
    _render_pages(doc, cert, template, fonts)
    return doc.finish()


def render_many(certs: Iterable[CertificateData], template: TemplateSpec | None, fonts_dir: Path) -> bytes:
    """Render many certificates into one PDF for preview or printing; backgrounds are shared forms."""
    fonts = register_fonts(fonts_dir)
    items = list(certs)
    if not items:
        raise CertificateRenderError("no_certificates")
    title = _clean(items[0].number)
    if len(items) > 1:
        title = f"{title} s.d. {_clean(items[-1].number)} ({len(items)} sertifikat)"
    doc = _Doc(title, _first_pagesize(template))
    for cert in items:
        _render_pages(doc, cert, template, fonts)
    return doc.finish()


def pdf_sha256(data: bytes) -> str:
    """Hex SHA-256 of PDF bytes, as stored at issue and shown on the verification page."""
    return hashlib.sha256(data).hexdigest()
