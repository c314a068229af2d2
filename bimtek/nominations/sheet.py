"""Invited agencies from an XLSX file: one row per agency, every problem reported with its row number.

Pure module (openpyxl, no Flask, no database). Columns, by header name (case and spacing ignored):
Instansi, Kuota luring, Kuota daring, Nama PIC, Email PIC, WhatsApp PIC, and optionally Kode wilayah
(Kemendagri code of the kabupaten/kota "21.71" or of the province "21").
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook

__all__ = ["HEADERS", "SheetError", "read_agencies", "template_xlsx"]

HEADERS = ("Instansi", "Kuota luring", "Kuota daring", "Nama PIC", "Email PIC", "WhatsApp PIC", "Kode wilayah")
_KEYS = ("name", "onsite_quota", "online_quota", "pic_name", "pic_email", "pic_phone", "region_code")
MAX_ROWS = 2000


class SheetError(ValueError):
    """A file that is not a readable agency sheet."""


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).lower()


def read_agencies(content: bytes) -> list[tuple[int, dict]]:
    """(row number, raw values) for every non-empty row; SheetError when the file or its header is unusable."""
    if not content.startswith(b"PK\x03\x04"):
        raise SheetError("Unggah berkas XLSX (Excel).")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise SheetError("Berkas XLSX tidak dapat dibaca.") from err
    try:
        return _rows(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def _rows(rows) -> list[tuple[int, dict]]:
    header = [_norm(c) for c in next(rows, ())]
    wanted = {_norm(h): key for h, key in zip(HEADERS, _KEYS, strict=True)}
    where = {wanted[h]: i for i, h in enumerate(header) if h in wanted}
    if "name" not in where:
        raise SheetError("Baris pertama harus berisi judul kolom, sekurang-kurangnya \u201cInstansi\u201d.")
    out = []
    for number, row in enumerate(rows, start=2):
        values = {key: row[i] if i < len(row) else None for key, i in where.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        out.append((number, {k: "" if v is None else str(v).strip() for k, v in values.items()}))
        if len(out) > MAX_ROWS:
            raise SheetError("Terlalu banyak baris (paling banyak 2000 instansi).")
    return out


def template_xlsx() -> bytes:
    """An empty sheet with the expected headers and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Instansi"
    sheet.append(list(HEADERS))
    sheet.append(["Dinas Kominfo Kota Batam", 1, 2, "Rina Marlina", "pic@batam.go.id", "0812-3456-7890", "21.71"])
    for col, width in zip("ABCDEFG", (40, 14, 14, 28, 30, 18, 14), strict=True):
        sheet.column_dimensions[col].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
