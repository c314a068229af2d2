"""Turning scanned records into ``ZoomRow`` values (or ``RowProblem`` entries) and the meeting block into
``MeetingInfo``."""

from __future__ import annotations

import math
import unicodedata
from datetime import timedelta

from bimtek.attendance.zoom_csv.headers import (
    END_HEADERS,
    MEETING_DURATION_HEADERS,
    MEETING_ID_HEADERS,
    START_HEADERS,
    TOPIC_HEADERS,
    Columns,
    find,
    header_index,
)
from bimtek.attendance.zoom_csv.layout import NO, Scan, cell_text
from bimtek.attendance.zoom_csv.report import MeetingInfo, RowProblem, ZoomRow
from bimtek.attendance.zoom_csv.stamps import StampParser

_YES = frozenset({"yes", "ya", "y", "true", "1"})

_PROBLEM_TEXT = {
    "time_unreadable": "waktu tidak dapat dibaca",
    "time_missing": "waktu kosong",
    "leave_before_join": "waktu keluar lebih awal dari waktu bergabung",
}


def _split_original(value: str) -> tuple[str, str | None]:
    """Split ``Display (Original)`` at the last balanced parenthesis group."""
    if not value.endswith(")"):
        return value, None
    start = value.rfind("(")
    if 0 < start and ")" not in value[start + 1 : -1]:
        return value[:start].rstrip(), value[start + 1 : -1].strip() or None
    depth = 0
    for i in range(len(value) - 1, -1, -1):
        ch = value[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                if i == 0:
                    return value, None
                return value[:i].rstrip(), value[i + 1 : -1].strip() or None
    return value, None


def _clean_text(value: str) -> str:
    value = value.strip()
    if "  " in value or "\t" in value or "\n" in value:
        value = " ".join(value.split())
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _problem(problems: list[RowProblem], line_no: int, column: str, code: str) -> None:
    message = f"Baris {line_no}, kolom {column}: {_PROBLEM_TEXT[code]}"
    problems.append(RowProblem(line_no, column, message, code))


def _number(text: str) -> float | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_row(
    line_no: int,
    cells: list[str],
    columns: Columns,
    parser: StampParser,
    rows: list[ZoomRow],
    problems: list[RowProblem],
) -> None:
    if len(cells) < columns.width:
        cells = cells + [""] * (columns.width - len(cells))
    join_raw = cells[columns.join].strip()
    leave_raw = cells[columns.leave].strip()
    join = parser.parse(join_raw) if join_raw else None
    leave = parser.parse(leave_raw) if leave_raw else None
    if join is None or leave is None:
        if join is None:
            _problem(
                problems,
                line_no,
                columns.headers[columns.join],
                "time_unreadable" if join_raw else "time_missing",
            )
        if leave is None:
            _problem(
                problems,
                line_no,
                columns.headers[columns.leave],
                "time_unreadable" if leave_raw else "time_missing",
            )
        return
    if leave < join:
        _problem(problems, line_no, columns.headers[columns.leave], "leave_before_join")
        return
    name_value = _clean_text(cells[columns.name])
    display, original = _split_original(name_value) if columns.name_has_original else (name_value, None)
    email = cells[columns.email].strip().lower() if columns.email is not None else ""
    duration = _number(cells[columns.duration].strip()) if columns.duration is not None else None
    if duration is None:
        duration = math.ceil((leave - join).total_seconds() / 60)
    guest = None
    if columns.guest is not None:
        guest_text = cells[columns.guest].strip().lower()
        guest = True if guest_text in _YES else False if guest_text in NO else None
    rows.append(
        ZoomRow(
            line_no,
            display,
            original,
            email if "@" in email else None,
            join,
            leave,
            duration,
            guest,
            cells[columns.registrant].strip() or None if columns.registrant is not None else None,
        )
    )


def read_meeting(scan: Scan, parser: StampParser) -> MeetingInfo | None:
    if scan.meeting_header is None or scan.meeting_cells is None:
        return None
    index = header_index(scan.meeting_header)
    cells = scan.meeting_cells
    raw_id = cell_text(cells, find(index, MEETING_ID_HEADERS))
    meeting_id = "".join(ch for ch in raw_id if ch.isdigit()) or raw_id or None
    start_raw = cell_text(cells, find(index, START_HEADERS))
    end_raw = cell_text(cells, find(index, END_HEADERS))
    start = parser.parse(start_raw) if start_raw else None
    end = parser.parse(end_raw) if end_raw else None
    if end is None and start is not None:
        minutes = _number(cell_text(cells, find(index, MEETING_DURATION_HEADERS)))
        if minutes is not None:
            end = start + timedelta(minutes=minutes)
    topic = _clean_text(cell_text(cells, find(index, TOPIC_HEADERS))) or None
    return MeetingInfo(meeting_id=meeting_id, topic=topic, start=start, end=end)
