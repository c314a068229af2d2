"""The certificate's fonts and QR drawing, in one module (to be swapped for the shared PDF kit)."""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from bimtek.certificates.pdf.errors import CertificateRenderError

# The project's DejaVu fonts (static/fonts), the default for every certificate render.
FONTS_DIR = Path(__file__).resolve().parents[3] / "static" / "fonts"

FONT_FILES: dict[str, str] = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
}


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


# Any of the eight masks is valid (ISO/IEC 18004); fixing one skips qrcode's penalty scoring of all
# eight, which is most of its run time.
_QR_MASK = 2


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
