"""Reading the file's dialect (encoding, delimiter) and walking its layout once: meeting block, section
labels (webinar hosts and panelists are skipped), participant headers and data rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from bimtek.attendance.zoom_csv.headers import (
    MEETING_ID_HEADERS,
    Columns,
    columns_from_header,
    is_participants_header,
    norm_header,
)
from bimtek.attendance.zoom_csv.report import ZoomCsvError

# Webinar reports list hosts and panelists in their own sections; they are not attendees.
_SKIPPED_SECTIONS = ("host", "panelist")
_NO_SHOW = frozenset({"--", "-", "\u2013", "\u2014"})
NO = frozenset({"no", "tidak", "n", "false", "0"})


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export is UTF-16 with tabs.
        return data.decode("utf-16", errors="replace"), "utf-16"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ZoomCsvError("spreadsheet_file")
    if b"\x00" in data[:4096]:
        raise ZoomCsvError("not_zoom_report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte.
        return data.decode("latin-1"), "latin-1"


def detect_delimiter(text: str) -> str:
    for line in text.split("\n", 5000)[:5000]:
        if "join" not in line.lower():
            continue
        for delimiter in (",", ";", "\t"):
            if delimiter in line and is_participants_header([norm_header(c) for c in line.split(delimiter)]):
                return delimiter
    raise ZoomCsvError("not_zoom_report")


@dataclass(slots=True)
class Scan:
    data: list[tuple[int, list[str], Columns]] = field(default_factory=list)
    meeting_header: list[str] | None = None
    meeting_cells: list[str] | None = None
    kind: str = "meeting"
    no_shows: int = 0


def _is_section_label(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    if len(filled) != 1 or not cells[0].strip():
        return False
    label = norm_header(cells[0])
    return label.endswith(("details", "report")) or label.startswith(_SKIPPED_SECTIONS + ("attendee",))


def scan_records(text: str, delimiter: str) -> Scan:
    """Walk the records once, sorting them into meeting block, headers, section labels and data rows."""
    scan = Scan()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns: Columns | None = None
    skipping = False
    section_skips = False
    expect_meeting_row = False
    previous_line = 0
    for cells in reader:
        line_no = previous_line + 1
        previous_line = reader.line_num
        # Fast path: a data row of the current table has a time starting with a digit where Join Time is.
        if columns is not None and len(cells) > columns.join:
            join_cell = cells[columns.join].lstrip()
            if join_cell[:1].isdigit():
                if not skipping:
                    scan.data.append((line_no, cells, columns))
                continue
        if not any(c.strip() for c in cells):
            continue
        normed = [norm_header(c) for c in cells]
        if is_participants_header(normed):
            columns = columns_from_header(cells, normed)
            skipping = section_skips
            if "time in session (minutes)" in normed or "attended" in normed:
                scan.kind = "webinar"
            continue
        if "topic" in normed and any(h in normed for h in MEETING_ID_HEADERS):
            scan.meeting_header = normed
            expect_meeting_row = True
            if "webinar id" in normed:
                scan.kind = "webinar"
            continue
        if expect_meeting_row:
            scan.meeting_cells = cells
            expect_meeting_row = False
            continue
        if _is_section_label(cells):
            label = norm_header(cells[0])
            section_skips = label.startswith(_SKIPPED_SECTIONS)
            skipping = section_skips
            if label.startswith("attendee"):
                scan.kind = "webinar"
            continue
        if columns is None or skipping:
            continue
        if _is_no_show(cells, columns):
            scan.no_shows += 1
            continue
        scan.data.append((line_no, cells, columns))
    return scan


def cell_text(cells: list[str], idx: int | None) -> str:
    if idx is None or idx >= len(cells):
        return ""
    return cells[idx].strip()


def _is_no_show(cells: list[str], columns: Columns) -> bool:
    if columns.attended is not None and cell_text(cells, columns.attended).lower() in NO:
        return True
    return cell_text(cells, columns.join) in _NO_SHOW and cell_text(cells, columns.leave) in _NO_SHOW
