"""The attendance recap as an XLSX workbook, safe to open in a spreadsheet (no formula injection).

Pure: plain rows in, bytes out. Any text that a spreadsheet would read as a formula (starting with
=, +, -, @, tab or carriage return) is prefixed with an apostrophe and written as a plain string.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bimtek.core.spreadsheet import safe_cell


def safe_text(value: object) -> object:
    """A cell value that can never run as a formula; empty cells as empty text."""
    return "" if value is None else safe_cell(value)


def recap_workbook(title: str, header: list[str], rows: list[list[object]], *, sheet_name: str = "Rekap") -> bytes:
    """One sheet: a title line, a bold header row, then the rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name[:31])
    bold = Font(bold=True)

    def cells(values: list[object], font: Font | None = None) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            cell = WriteOnlyCell(ws, value=safe_text(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise treat "=..." as a formula
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    ws.append(cells([title], bold))
    ws.append([])
    ws.append(cells(header, bold))
    for row in rows:
        ws.append(cells(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
