"""Long ruled tables whose last row stays with what follows (totals, signature).

Cells are plain text wrapped by the kit (fast at 5,000 rows: no Paragraph per cell); a NIP's
non-breaking spaces keep it on one line. ``ruled_table`` returns flowables: the table with its header
repeated on every page, and a last-rows table to pass to ``keep_with_signature``.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from bimtek.core.pdfkit.fonts import BOLD, FONT
from bimtek.core.pdfkit.text import fit_text

__all__ = ["ruled_table"]

GRID = colors.black
HEAD_BG = colors.HexColor("#e6e6e6")


def ruled_table(header: list[str], rows: list[list[str]], widths: list[float], *, size: float = 7.5,
                nowrap: set[int] = frozenset(), align: dict[int, str] | None = None, extra_style=(),
                min_height: float = 0, tail_rows: int = 1, dashed_before: int | None = None) -> list:  # fmt: skip
    """The table as flowables ``[body, tail]`` (``tail`` holds the last ``tail_rows`` rows, no header).

    ``dashed_before=c`` joins columns c-1 and c under one header and draws a dotted line between them (the
    daftar hadir's zig-zag signature cells).
    """
    pad = 2.5
    head_widths = list(widths)
    if dashed_before is not None:  # the two signature halves share one header cell
        head_widths[dashed_before - 1] += head_widths[dashed_before]
    head_cells = [
        "\n".join(fit_text(h, BOLD, size, w - 2 * pad, 3, min_size=5).lines)
        for h, w in zip(header, head_widths, strict=True)
    ]
    # A no-wrap column (NIP) takes one font size, the largest at which its widest entry fits: one style
    # command per column instead of one per row, which long tables would copy at every page split.
    col_size = {}
    for col in nowrap:
        col_size[col] = min((fit_text(row[col], FONT, size, widths[col] - 2 * pad, 1, min_size=5).size for row in rows),
                            default=size)  # fmt: skip
    body = []
    for row in rows:
        cells = []
        for col, (text, w) in enumerate(zip(row, widths, strict=True)):
            if col in nowrap:
                cells.append(fit_text(text, FONT, col_size[col], w - 2 * pad, 1, min_size=col_size[col]).lines[0])
            else:
                cells.append("\n".join(fit_text(text, FONT, size, w - 2 * pad, 8, min_size=size).lines))
        body.append(cells)

    def style(offset: int, count: int, with_header: bool) -> TableStyle:
        first = 1 if with_header else 0
        late: list = []
        if dashed_before is None:
            grid = [("GRID", (0, 0), (-1, -1), 0.5, GRID)]
        else:
            c = dashed_before
            grid = [("GRID", (0, 0), (c - 2, -1), 0.5, GRID), ("LINEABOVE", (c - 1, 0), (-1, -1), 0.5, GRID),
                    ("LINEBELOW", (c - 1, 0), (-1, -1), 0.5, GRID), ("LINEAFTER", (-1, 0), (-1, -1), 0.5, GRID),
                    ("LINEBEFORE", (c, first), (c, -1), 0.5, GRID, None, (1, 2))]  # fmt: skip
            if with_header:
                # One header over both halves without a SPAN (spans make every page split re-scan all rows):
                # the text starts where it is centred over the two columns and simply runs across.
                text_w = max(stringWidth(line, BOLD, size) for line in head_cells[c - 1].split("\n"))
                indent = max(pad, (widths[c - 1] + widths[c] - text_w) / 2)
                late += [("LEFTPADDING", (c - 1, 0), (c - 1, 0), indent), ("ALIGN", (c - 1, 0), (c - 1, 0), "LEFT")]
        cmds = [*grid, ("FONT", (0, 0), (-1, -1), FONT, size, size * 1.2),
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad), *extra_style]  # fmt: skip
        if with_header:
            cmds += [("FONT", (0, 0), (-1, 0), BOLD, size, size * 1.2), ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                     ("VALIGN", (0, 0), (-1, 0), "MIDDLE"), ("ALIGN", (0, 0), (-1, 0), "CENTER")]  # fmt: skip
        for col, how in (align or {}).items():
            cmds.append(("ALIGN", (col, first), (col, -1), how))
        for col, used in col_size.items():
            if used != size:
                cmds.append(("FONT", (col, first), (col, -1), FONT, used, used * 1.2))
        return TableStyle(cmds + late)

    # Heights computed here, once, so the table never measures 5,000 rows again on every page split.
    heights = [max(min_height, max(c.count("\n") + 1 for c in cells) * size * 1.2 + 6) for cells in body]
    head_h = max(h.count("\n") + 1 for h in head_cells) * size * 1.2 + 8
    split = max(0, len(body) - tail_rows)

    def table(start: int, end: int, with_header: bool = True) -> Table:
        data = [head_cells, *body[start:end]] if with_header else body[start:end]
        rows_h = ([head_h] if with_header else []) + heights[start:end]
        t = Table(data, colWidths=widths, rowHeights=rows_h)
        t.hAlign = "LEFT"  # as _PagedRows (a Flowable): every page piece and the tail line up with the body
        t.setStyle(style(start, end - start, with_header))
        return t

    flow: list = [_PagedRows(table, heights, head_h, sum(widths), 0, split)]
    if body[split:]:
        flow.append(table(split, len(body), with_header=False))
    return flow


class _PagedRows(Flowable):
    """Rows start..end of a ruled table, cut per page with the header on each piece.

    Row heights are known in advance, so a page split is a bisection over cumulative heights and builds a
    table of one page's rows: rendering stays linear in the number of rows (reportlab's own table split
    re-measures every remaining row on every page).
    """

    def __init__(self, table, heights: list[float], head_h: float, width: float, start: int, end: int,
                 cumulative: list[float] | None = None) -> None:  # fmt: skip
        super().__init__()
        self._table, self._heights, self._head_h, self._width = table, heights, head_h, width
        self._start, self._end = start, end
        self._cum = cumulative or list(accumulate(heights, initial=0.0))

    def wrap(self, avail_width, avail_height):
        self.width = self._width
        self.height = self._head_h + self._cum[self._end] - self._cum[self._start]
        return self.width, self.height

    def split(self, avail_width, avail_height):
        room = avail_height - self._head_h + self._cum[self._start]
        stop = bisect_right(self._cum, room + 1e-6, self._start, self._end + 1) - 1
        if stop <= self._start:
            return []  # not even one row fits: the frame moves on to the next page
        rest = _PagedRows(self._table, self._heights, self._head_h, self._width, stop, self._end, self._cum)
        return [self._table(self._start, stop), rest] if stop < self._end else [self._table(self._start, stop)]

    def draw(self) -> None:
        t = self._table(self._start, self._end)
        t.wrapOn(self.canv, self.width, self.height)
        t.drawOn(self.canv, 0, 0)
