"""Long ruled tables whose last row stays with what follows (totals, signature).

Cells are plain text wrapped by the kit (fast at 5,000 rows: no Paragraph per cell); a NIP's
non-breaking spaces keep it on one line. ``ruled_table`` returns flowables: the table with its header
repeated on every page, and a last-rows table to pass to ``keep_with_signature``.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, TableStyle

from bimtek.core.pdfkit.fonts import BOLD, FONT
from bimtek.core.pdfkit.text import fit_text

__all__ = ["ruled_table"]

GRID = colors.black
HEAD_BG = colors.HexColor("#e6e6e6")


def _cell(text: str, width: float, size: float, *, nowrap: bool) -> tuple[str, float]:
    if nowrap:
        fitted = fit_text(text, FONT, size, width, 1, min_size=5)
        return fitted.lines[0], fitted.size
    return "\n".join(fit_text(text, FONT, size, width, 8, min_size=size).lines), size


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
    body, shrunk = [], []
    for r, row in enumerate(rows):
        cells = []
        for col, (text, w) in enumerate(zip(row, widths, strict=True)):
            value, used = _cell(text, w - 2 * pad, size, nowrap=col in nowrap)
            if used != size:
                shrunk.append((col, r, used))
            cells.append(value)
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
        for col, r, used in shrunk:
            if offset <= r < offset + count:
                cmds.append(("FONT", (col, r - offset + first), (col, r - offset + first), FONT, used, used * 1.2))
        return TableStyle(cmds + late)

    # Heights computed here, once, so the table never measures 5,000 rows again on every page split.
    heights = [max(min_height, max(c.count("\n") + 1 for c in cells) * size * 1.2 + 6) for cells in body]
    head_h = max(h.count("\n") + 1 for h in head_cells) * size * 1.2 + 8
    split = max(0, len(body) - tail_rows)
    flow = []
    t = LongTable([head_cells, *body[:split]], colWidths=widths, repeatRows=1, rowHeights=[head_h, *heights[:split]])
    t.setStyle(style(0, split, True))
    flow.append(t)
    if body[split:]:
        tail = body[split:]
        t2 = LongTable(tail, colWidths=widths, rowHeights=heights[split:])
        t2.setStyle(style(split, len(tail), False))
        flow.append(t2)
    return flow
