"""Layout checks shared by the document tests: text, NIPs, page numbers, page box, QR codes."""

from __future__ import annotations

import io
import re

import pdfplumber
import pypdfium2
import zxingcpp
from pypdf import PdfReader

NIP_GROUPED = re.compile(r"\d{8} \d{6} \d \d{3}")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with non-breaking spaces read as spaces."""
    return [p.extract_text().replace("\u00a0", " ") for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_page_numbers(pdf: bytes) -> None:
    pages = page_texts(pdf)
    for i, text in enumerate(pages, 1):
        assert f"Halaman {i} dari {len(pages)}" in text, (i, len(pages))


def assert_kop(pdf: bytes, lines: list[str]) -> None:
    """Every kop line is printed whole on the first page (a wrapped line reads back with a line break)."""
    first = flat(page_texts(pdf)[0])
    for line in lines:
        assert flat(line) in first, line


def assert_nips_whole(pdf: bytes, nips: list[str]) -> None:
    """Each NIP appears grouped 8-6-1-3 within one extracted line: never broken across lines."""
    lines = [line for text in page_texts(pdf) for line in text.splitlines()]
    for nip in nips:
        grouped = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
        assert any(grouped in line for line in lines), grouped


def assert_inside_page(pdf: bytes) -> int:
    """Every character drawn lies inside the media box; returns how many were checked."""
    checked = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            x0, top, x1, bottom = page.bbox
            for ch in page.chars:
                if not ch["text"].strip():
                    continue
                checked += 1
                assert ch["x0"] >= x0 - 0.01 and ch["x1"] <= x1 + 0.01, (
                    page.page_number,
                    ch["text"],
                    ch["x0"],
                    ch["x1"],
                )
                assert ch["top"] >= top - 0.01 and ch["bottom"] <= bottom + 0.01, (page.page_number, ch["text"])
    return checked


def qr_texts(pdf: bytes, page: int = 0, scale: float = 3) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=scale).to_pil()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def last_page_has(pdf: bytes, *needles: str) -> bool:
    last = flat(page_texts(pdf)[-1])
    return all(flat(n) in last for n in needles)


def assert_numbered_rows_line_up(pdf: bytes, count: int) -> None:
    """The row numbers 1..count of a ruled table (its first column) are centred on one vertical line on every
    page: the last row, drawn apart to stay with the signature block, lines up with the rest."""
    centres = {}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for word in page.extract_words():
                if word["text"].isdigit() and word["x0"] < page.width * 0.15 and 1 <= int(word["text"]) <= count:
                    centres.setdefault(int(word["text"]), (word["x0"] + word["x1"]) / 2)
    assert sorted(centres) == list(range(1, count + 1)), sorted(centres)
    assert max(centres.values()) - min(centres.values()) < 0.5, centres
