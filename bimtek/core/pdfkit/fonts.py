"""The one font registration for every PDF: DejaVu Sans (regular and bold) from static/fonts.

reportlab's built-in fonts stop at Latin-1; DejaVu draws Łukasz, Nguyễn and the non-breaking space.
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["BOLD", "FONT", "FONT_DIR", "register_fonts"]

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_DIR = Path(__file__).resolve().parents[3] / "static" / "fonts"

# Uncompressed-ASCII streams cost time and bytes for nothing: every page stream is deflated instead.
rl_config.useA85 = 0


def register_fonts(font_dir: str | Path | None = None) -> None:
    """Register DejaVu Sans and its bold once per process (``font_dir`` defaults to static/fonts)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(font_dir) if font_dir else FONT_DIR
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
