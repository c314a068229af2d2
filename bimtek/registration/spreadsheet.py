"""CSV and XLSX for participant lists: export with formula injection neutralised, and import parsing.

Pure module (openpyxl and the standard library). A cell that starts with = + - @, a tab or a carriage
return would run as a formula in Excel or LibreOffice; such text gets a leading apostrophe, which the
spreadsheet shows as plain text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

from bimtek.core.spreadsheet import safe_cell

__all__ = ["ImportFileError", "column_widths", "neutralize", "read_table", "template_xlsx", "write_csv", "write_xlsx"]

MAX_ROWS = 20000


class ImportFileError(ValueError):
    """A file we cannot read as a table."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(message)


def neutralize(value) -> object:
    """Make a cell value safe to open in a spreadsheet (the shared rule in bimtek.core.spreadsheet)."""
    return safe_cell(value)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the accents) and CRLF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralize(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralize(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


MIN_WIDTH, MAX_WIDTH = 6, 60


def column_widths(headers: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """A width per column (in characters) that fits its longest cell, between MIN_WIDTH and MAX_WIDTH."""
    widths = [len(str(h)) for h in headers]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len("" if value is None else str(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], sheet: str = "Peserta") -> bytes:
    """An XLSX workbook with one sheet, ready to read: columns as wide as their content, the header row
    frozen and filterable. Every text cell is stored as text (data_type "s"), never a formula."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    body = [[neutralize(v) for v in row] for row in rows]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    # A write-only sheet takes its layout before the first row.
    for i, width in enumerate(column_widths(headers, body), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(body) + 1}"
    ws.append([neutralize(h) for h in headers])
    for row in body:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_xlsx(headers: Sequence[str], notes: Sequence[Sequence[str]]) -> bytes:
    """An empty import sheet (only the header row, frozen) and a second sheet "Petunjuk" explaining each
    column with an example. The import reads the first sheet only, so the examples are never imported."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Peserta"
    ws.append([neutralize(h) for h in headers])
    for i, width in enumerate(column_widths(headers, [n[1:] for n in notes]), start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, 30)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Petunjuk")
    guide.append(["Kolom", "Cara mengisi", "Contoh"])
    for row in notes:
        guide.append([neutralize(v) for v in row])
    for i, width in enumerate(column_widths(["Kolom", "Cara mengisi", "Contoh"], notes), start=1):
        guide.column_dimensions[get_column_letter(i)].width = width
    for cell in guide[1]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")


def read_table(content: bytes, filename: str, aliases: dict[str, str]) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by field name; ``aliases`` maps header keys to field names.

    Headers are matched by name, never by position. Unknown columns are ignored. Raises ImportFileError.
    """
    name = filename.lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        raw_rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")):
        raw_rows = _csv_rows(content)
    else:
        raise ImportFileError("file_type", "Gunakan berkas CSV atau XLSX.")
    try:
        header = next(raw_rows)
    except StopIteration:
        raise ImportFileError("empty", "Berkas kosong.") from None
    columns = [aliases.get(_header_key(h)) for h in header]
    if not any(columns):
        raise ImportFileError("no_columns", "Baris pertama harus berisi nama kolom (misalnya nama, email).")
    out = []
    for values in raw_rows:
        if not any(str(v or "").strip() for v in values):
            continue
        row = {}
        for col, value in zip(columns, values, strict=False):
            if col:
                row[col] = "" if value is None else str(value).strip()
        out.append(row)
        if len(out) > MAX_ROWS:
            raise ImportFileError("too_many", f"Maksimal {MAX_ROWS} baris per berkas.")
    return out


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several types for a broken or foreign file
        raise ImportFileError("file_type", "Berkas XLSX tidak dapat dibaca.") from err
    ws = wb.worksheets[0]
    for row in ws.iter_rows(values_only=True):
        yield ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in row]
    wb.close()
