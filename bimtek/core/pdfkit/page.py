"""Page furniture: "Halaman 1 dari N" and a footer saying when and from what the document was generated.

``numbered_canvas(footer)`` returns a Canvas class; it holds each page until the end so it knows N. Use it
as ``SimpleDocTemplate.build(story, canvasmaker=...)`` or instantiate it directly for canvas drawing.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from bimtek.core.pdfkit.fonts import FONT
from bimtek.core.pdfkit.text import ellipsize

__all__ = ["FOOTER_Y", "numbered_canvas"]

FOOTER_Y = 10 * 72 / 25.4  # 10 mm from the bottom edge


def numbered_canvas(footer: str = "", *, margin: float = 15 * 72 / 25.4, size: float = 7,
                    page_label: str = "Halaman %(page)d dari %(pages)d") -> type[Canvas]:  # fmt: skip
    """A Canvas class that writes ``footer`` (left) and "Halaman i dari N" (right) on every page."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, total: int) -> None:
            width = self._pagesize[0]
            label = page_label % {"page": self._pageNumber, "pages": total}
            self.saveState()
            self.setFont(FONT, size)
            self.setFillColorRGB(0.3, 0.3, 0.3)
            self.drawRightString(width - margin, FOOTER_Y, label)
            if footer:
                room = width - 2 * margin - self.stringWidth(label, FONT, size) - 12
                self.drawString(margin, FOOTER_Y, ellipsize(footer, FONT, size, room))
            self.restoreState()

    return NumberedCanvas
