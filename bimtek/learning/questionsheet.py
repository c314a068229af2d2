"""The XLSX template for importing questions: written for organizers to fill in, read back into plain rows.

Pure module (openpyxl and the standard library). One question per row; the key is a letter (A–F) for
multiple choice, Benar/Salah for true/false, empty for a short answer. Reading never evaluates formulas and
never trusts a cell's type: every value is read as text and checked by the bank's own rules afterwards.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

__all__ = ["HEADERS", "MAX_ROWS", "Row", "SheetError", "read_rows", "template"]

HEADERS = (
    "Jenis (PG/BS/Isian)",
    "Pertanyaan",
    "Pilihan A",
    "Pilihan B",
    "Pilihan C",
    "Pilihan D",
    "Pilihan E",
    "Pilihan F",
    "Kunci (A-F/Benar/Salah)",
    "Bobot",
    "Untuk (pre/post/keduanya)",
    "Nomor sesi (opsional)",
    "Pedoman penilaian (isian)",
)
KIND_CODES = {"pg": "choice", "pilihan ganda": "choice", "bs": "truefalse", "benar/salah": "truefalse",
              "isian": "short", "isian singkat": "short"}  # fmt: skip
SCOPE_CODES = {"": "both", "keduanya": "both", "pre": "pre", "post": "post", "pre-test": "pre", "post-test": "post"}
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024

_MESSAGES = {
    "not_xlsx": "Berkas bukan XLSX. Unduh templat, isi, lalu unggah kembali.",
    "too_large": "Berkas terlalu besar (maksimal 2 MB).",
    "headers": "Kolom tidak sesuai templat. Unduh templat terbaru.",
    "too_many": "Terlalu banyak baris (maksimal 500 soal sekali impor).",
}


class SheetError(ValueError):
    """A file we cannot read as the template; ``code`` names the reason."""

    def __init__(self, code: str) -> None:
        self.code, self.message = code, _MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class Row:
    line: int
    values: dict


def template() -> bytes:
    """The empty template with one example row of each kind."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Soal"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["PG", "Apa kepanjangan SPBE?", "Sistem Pemerintahan Berbasis Elektronik", "Sistem Pelayanan Berbasis Email",
               "Standar Pemerintahan Berbasis Elektronik", "", "", "", "A", 1, "keduanya", "", ""])  # fmt: skip
    ws.append(
        [
            "BS",
            "Hoaks boleh dibagikan bila sumbernya akun resmi.",
            "",
            "",
            "",
            "",
            "",
            "",
            "Salah",
            1,
            "keduanya",
            "",
            "",
        ]
    )
    ws.append(
        [
            "Isian",
            "Sebutkan satu langkah verifikasi berita.",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            2,
            "post",
            "",
            "Cek sumber asli",
        ]
    )
    for column, width in zip("ABCDEFGHIJKLM", (16, 60, 30, 30, 30, 30, 20, 20, 20, 8, 22, 20, 30), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(content: bytes) -> list[Row]:
    """The filled rows as raw question fields (kind, text, options, correct, weight, scope, session_position)."""
    if len(content) > MAX_BYTES:
        raise SheetError("too_large")
    if not content.startswith(b"PK"):
        raise SheetError("not_xlsx")
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise SheetError("not_xlsx") from err
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(v).lower() for v in next(rows, ())][: len(HEADERS)]
    if header[:2] != [h.lower() for h in HEADERS[:2]]:
        raise SheetError("headers")
    out = []
    for line, cells in enumerate(rows, start=2):
        cells = [_text(v) for v in (list(cells) + [None] * len(HEADERS))[: len(HEADERS)]]
        if not any(cells):
            continue
        if len(out) >= MAX_ROWS:
            raise SheetError("too_many")
        kind = KIND_CODES.get(cells[0].lower(), cells[0].lower())
        options = [c for c in cells[2:8] if c]
        key = cells[8].strip()
        correct: object = None
        if kind == "choice":
            letter = key.upper()
            correct = "ABCDEF".index(letter) if len(letter) == 1 and letter in "ABCDEF" else None
        elif kind == "truefalse":
            correct = key.lower()
        session = cells[11]
        values = {
            "kind": kind,
            "text": cells[1],
            "options": options,
            "correct": correct,
            "weight": cells[9] or "1",
            "scope": SCOPE_CODES.get(cells[10].lower(), cells[10].lower()),
            "guidance": cells[12],
            "session_position": int(session) if session.isdigit() else (None if not session else -1),
        }
        out.append(Row(line, values))
    wb.close()
    return out
