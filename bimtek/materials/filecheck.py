"""What an uploaded material really is: PDF, PPTX, DOCX or XLSX, recognised by content, within a size limit.

Pure module: bytes in, a verdict out. The Office formats are ZIP packages; we accept one only when it holds
the part that makes it that format ([Content_Types].xml plus ppt/presentation.xml, word/document.xml or
xl/workbook.xml), so a renamed archive or executable is refused whatever its name. Macro-enabled parts
(vbaProject.bin) are refused too. Video is never uploaded: speakers share a link.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["DEFAULT_MAX_BYTES", "FileCheckError", "FileInfo", "check_file", "check_link"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_OFFICE = (
    ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
)
_MESSAGES = {
    "empty": "Berkas kosong.",
    "too_large": "Berkas terlalu besar.",
    "type": "Unggah berkas PDF, PPTX, DOCX, atau XLSX. Video dibagikan sebagai tautan.",
    "macro": "Berkas berisi makro dan tidak diterima. Simpan ulang tanpa makro.",
    "link": "Tautan harus diawali https:// atau http://.",
}


class FileCheckError(ValueError):
    """A file or link we refuse; ``code`` names the reason."""

    def __init__(self, code: str) -> None:
        self.code, self.message = code, _MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class FileInfo:
    mimetype: str
    extension: str
    size: int


def check_file(content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> FileInfo:
    """The file's real type, or FileCheckError."""
    if not content:
        raise FileCheckError("empty")
    if len(content) > max_bytes:
        raise FileCheckError("too_large")
    if content.startswith(b"%PDF-"):
        return FileInfo("application/pdf", "pdf", len(content))
    if not content.startswith(b"PK\x03\x04"):
        raise FileCheckError("type")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise FileCheckError("type") from err
    if "[Content_Types].xml" not in names:
        raise FileCheckError("type")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise FileCheckError("macro")
    for part, mimetype, extension in _OFFICE:
        if part in names:
            return FileInfo(mimetype, extension, len(content))
    raise FileCheckError("type")


def check_link(url: str) -> str:
    """A video link (e.g. an MP4 on a ministry server, YouTube): http(s) with a host, at most 500 characters."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 500 or any(c.isspace() for c in text):
        raise FileCheckError("link")
    return text
