"""Reading Zoom participant and webinar attendee reports (CSV) into plain rows with UTC times.

Zoom's exports vary: an optional meeting block before the table, newer extra columns, webinar reports
with metadata and host sections, and files re-saved by a spreadsheet program (cp1252, ``;`` delimiter in
the Indonesian locale, 24-hour or day-first dates). Columns are found by header name, never by position.
Rows that cannot be read become ``RowProblem`` entries naming the row and column, so an organizer can fix
the file; only a file that is not a Zoom report at all raises ``ZoomCsvError``.

The package: ``layout`` reads the dialect and walks the records, ``headers`` maps columns by name, ``stamps``
reads timestamps and decides the date order, ``rows`` builds the values of ``report``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bimtek.attendance import zoom_dates
from bimtek.attendance.zoom_csv.layout import decode, detect_delimiter, scan_records
from bimtek.attendance.zoom_csv.report import MeetingInfo, RowProblem, ZoomCsvError, ZoomReport, ZoomRow
from bimtek.attendance.zoom_csv.rows import read_meeting, read_row
from bimtek.attendance.zoom_csv.stamps import StampParser, decide_dates

__all__ = [
    "MeetingInfo",
    "RowProblem",
    "ZoomCsvError",
    "ZoomReport",
    "ZoomRow",
    "file_fingerprint",
    "parse_zoom_report",
]


def file_fingerprint(data: bytes) -> str:
    """Return the SHA-256 hex digest of the uploaded bytes, to recognise a file imported before."""
    return hashlib.sha256(data).hexdigest()


def parse_zoom_report(
    data: bytes,
    tz: str,
    *,
    date_order: str | None = None,
    windows: Sequence[tuple[datetime, datetime]] = (),
) -> ZoomReport:
    """Parse a Zoom participants or webinar attendee CSV; local times in ``tz`` become aware UTC.

    ``windows`` are the (UTC) sessions the file is imported for: they help decide whether dates are
    month- or day-first (see zoom_dates). ``date_order`` ("mdy"/"dmy") is the organizer's answer when
    that decision was ambiguous; ``report.dates`` says what was used and whether to ask.
    """
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ZoomCsvError("bad_timezone") from exc
    text, encoding = decode(data)
    if not text.strip(" \t\r\n,;"):
        raise ZoomCsvError("empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = detect_delimiter(text)
    try:
        scan = scan_records(text, delimiter)
    except csv.Error as exc:
        raise ZoomCsvError("malformed") from exc
    dates = decide_dates(scan, zone, windows)
    if date_order is not None:
        dates = zoom_dates.chosen(date_order, dates)
    parser = StampParser(zone, dates.order)
    rows: list[ZoomRow] = []
    problems: list[RowProblem] = []
    for line_no, cells, columns in scan.data:
        read_row(line_no, cells, columns, parser, rows, problems)
    return ZoomReport(
        rows=rows,
        problems=problems,
        meeting=read_meeting(scan, parser),
        kind=scan.kind,
        encoding=encoding,
        delimiter=delimiter,
        no_shows=scan.no_shows,
        dates=dates,
    )
