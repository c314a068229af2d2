"""Reading Zoom participant and webinar attendee reports (CSV) into plain rows with UTC times.

Zoom's exports vary: an optional meeting block before the table, newer extra columns, webinar reports
with metadata and host sections, and files re-saved by a spreadsheet program (cp1252, ``;`` delimiter in
the Indonesian locale, 24-hour or day-first dates). Columns are found by header name, never by position.
Rows that cannot be read become ``RowProblem`` entries naming the row and column, so an organizer can fix
the file; only a file that is not a Zoom report at all raises ``ZoomCsvError``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bimtek.attendance import zoom_dates
from bimtek.attendance.zoom_dates import DateDecision, DateEvidence

_UTC = UTC

# Header spellings, compared after lower-casing and collapsing whitespace; first match wins.
_NAME_HEADERS = (
    "name (original name)",
    "user name (original name)",
    "participant name (original name)",
    "name",
    "user name",
    "participant name",
    "participant",
    "display name",
)
_EMAIL_HEADERS = ("user email", "email", "email address", "participant email", "user email address")
_JOIN_HEADERS = ("join time",)
_LEAVE_HEADERS = ("leave time",)
_DURATION_HEADERS = (
    "duration (minutes)",
    "time in session (minutes)",
    "duration (mins)",
    "total duration (minutes)",
    "duration",
)
_GUEST_HEADERS = ("guest", "is guest")
_REGISTRANT_HEADERS = ("registrant id", "registrant_id", "registrantid")
_ATTENDED_HEADERS = ("attended",)

_MEETING_ID_HEADERS = ("meeting id", "webinar id")
_TOPIC_HEADERS = ("topic",)
_START_HEADERS = ("start time", "actual start time")
_END_HEADERS = ("end time", "actual end time")
_MEETING_DURATION_HEADERS = ("actual duration (minutes)", "duration (minutes)")

_NAME_SET = frozenset(_NAME_HEADERS)
_JOIN_SET = frozenset(_JOIN_HEADERS)

# Webinar reports list hosts and panelists in their own sections; they are not attendees.
_SKIPPED_SECTIONS = ("host", "panelist")
_UNSEEN: object = object()
_SECONDS = {f"{n:02d}": timedelta(seconds=n) for n in range(60)}
_NO_SHOW = frozenset({"--", "-", "\u2013", "\u2014"})
_YES = frozenset({"yes", "ya", "y", "true", "1"})
_NO = frozenset({"no", "tidak", "n", "false", "0"})

_ERROR_MESSAGES = {
    "empty": "Berkas kosong.",
    "spreadsheet_file": (
        "Berkas ini file spreadsheet (Excel), bukan CSV. Unduh laporan peserta dari Zoom dalam format CSV, "
        "atau simpan sebagai CSV, lalu unggah lagi."
    ),
    "not_zoom_report": ("Berkas ini bukan laporan peserta Zoom: kolom nama dan Join Time tidak ditemukan."),
    "missing_columns": "Laporan Zoom tidak lengkap: kolom wajib tidak ditemukan.",
    "malformed": "Berkas CSV rusak dan tidak dapat dibaca.",
    "bad_timezone": "Zona waktu tidak dikenal.",
}

_PROBLEM_TEXT = {
    "time_unreadable": "waktu tidak dapat dibaca",
    "time_missing": "waktu kosong",
    "leave_before_join": "waktu keluar lebih awal dari waktu bergabung",
}


class ZoomCsvError(ValueError):
    """The uploaded file cannot be read as a Zoom report at all; ``code`` says why."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _ERROR_MESSAGES.get(code, "Laporan Zoom tidak dapat dibaca.")
        super().__init__(self.message)


@dataclass(slots=True)
class ZoomRow:
    """One participant row: a single continuous stay in the meeting, times in aware UTC."""

    line_no: int
    display_name: str
    original_name: str | None
    email: str | None
    join_utc: datetime
    leave_utc: datetime
    duration_min: float | None
    guest: bool | None
    registrant_id: str | None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row or cell that could not be read; ``message_id`` is the Indonesian text shown to the user."""

    line_no: int
    column: str
    message_id: str
    code: str


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """The meeting (or webinar) block written above the participants table, when present."""

    meeting_id: str | None
    topic: str | None
    start: datetime | None
    end: datetime | None


@dataclass(slots=True)
class ZoomReport:
    """Everything read from one report file."""

    rows: list[ZoomRow]
    problems: list[RowProblem]
    meeting: MeetingInfo | None
    kind: str  # "meeting" or "webinar"
    encoding: str
    delimiter: str
    no_shows: int = 0
    dates: DateDecision | None = None  # how slash dates were read (month- or day-first) and why


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
    text, encoding = _decode(data)
    if not text.strip(" \t\r\n,;"):
        raise ZoomCsvError("empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _detect_delimiter(text)
    try:
        scan = _scan(text, delimiter)
    except csv.Error as exc:
        raise ZoomCsvError("malformed") from exc
    dates = _decide_dates(scan, zone, windows)
    if date_order is not None:
        dates = zoom_dates.chosen(date_order, dates)
    parser = _StampParser(zone, dates.order)
    rows: list[ZoomRow] = []
    problems: list[RowProblem] = []
    for line_no, cells, columns in scan.data:
        _read_row(line_no, cells, columns, parser, rows, problems)
    return ZoomReport(
        rows=rows,
        problems=problems,
        meeting=_read_meeting(scan, parser),
        kind=scan.kind,
        encoding=encoding,
        delimiter=delimiter,
        no_shows=scan.no_shows,
        dates=dates,
    )


# --- decoding and layout -------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
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


def _norm_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').strip().rstrip(":").lower().split())


def _is_participants_header(normed: list[str]) -> bool:
    names = set(normed)
    return bool(names & _JOIN_SET) and bool(names & _NAME_SET)


def _detect_delimiter(text: str) -> str:
    for line in text.split("\n", 5000)[:5000]:
        if "join" not in line.lower():
            continue
        for delimiter in (",", ";", "\t"):
            if delimiter in line and _is_participants_header([_norm_header(c) for c in line.split(delimiter)]):
                return delimiter
    raise ZoomCsvError("not_zoom_report")


@dataclass(slots=True)
class _Columns:
    name: int
    name_has_original: bool
    email: int | None
    join: int
    leave: int
    duration: int | None
    guest: int | None
    registrant: int | None
    attended: int | None
    headers: list[str]
    width: int


def _find(index: dict[str, int], aliases: tuple[str, ...]) -> int | None:
    for alias in aliases:
        if alias in index:
            return index[alias]
    return None


def _columns_from_header(cells: list[str], normed: list[str]) -> _Columns:
    index: dict[str, int] = {}
    for i, name in enumerate(normed):
        index.setdefault(name, i)
    name = _find(index, _NAME_HEADERS)
    join = _find(index, _JOIN_HEADERS)
    leave = _find(index, _LEAVE_HEADERS)
    if leave is None or name is None or join is None:
        missing = ", ".join(
            label for label, idx in (("Name", name), ("Join Time", join), ("Leave Time", leave)) if idx is None
        )
        raise ZoomCsvError("missing_columns", f"Laporan Zoom tidak lengkap: kolom {missing} tidak ditemukan.")
    headers = [c.replace("\ufeff", "").strip().strip('"').strip() for c in cells]
    return _Columns(
        name=name,
        name_has_original="(original name)" in normed[name],
        email=_find(index, _EMAIL_HEADERS),
        join=join,
        leave=leave,
        duration=_find(index, _DURATION_HEADERS),
        guest=_find(index, _GUEST_HEADERS),
        registrant=_find(index, _REGISTRANT_HEADERS),
        attended=_find(index, _ATTENDED_HEADERS),
        headers=headers,
        width=len(cells),
    )


@dataclass(slots=True)
class _Scan:
    data: list[tuple[int, list[str], _Columns]] = field(default_factory=list)
    meeting_header: list[str] | None = None
    meeting_cells: list[str] | None = None
    kind: str = "meeting"
    no_shows: int = 0


def _is_section_label(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    if len(filled) != 1 or not cells[0].strip():
        return False
    label = _norm_header(cells[0])
    return label.endswith(("details", "report")) or label.startswith(_SKIPPED_SECTIONS + ("attendee",))


def _scan(text: str, delimiter: str) -> _Scan:
    """Walk the records once, sorting them into meeting block, headers, section labels and data rows."""
    scan = _Scan()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns: _Columns | None = None
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
        normed = [_norm_header(c) for c in cells]
        if _is_participants_header(normed):
            columns = _columns_from_header(cells, normed)
            skipping = section_skips
            if "time in session (minutes)" in normed or "attended" in normed:
                scan.kind = "webinar"
            continue
        if "topic" in normed and any(h in normed for h in _MEETING_ID_HEADERS):
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
            label = _norm_header(cells[0])
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


def _cell(cells: list[str], idx: int | None) -> str:
    if idx is None or idx >= len(cells):
        return ""
    return cells[idx].strip()


def _is_no_show(cells: list[str], columns: _Columns) -> bool:
    if columns.attended is not None and _cell(cells, columns.attended).lower() in _NO:
        return True
    return _cell(cells, columns.join) in _NO_SHOW and _cell(cells, columns.leave) in _NO_SHOW


# --- timestamps ----------------------------------------------------------------------------------------


# Rows parsed both ways to weigh the session dates; enough to decide, bounded for huge reports.
_DECISION_SAMPLE_ROWS = 5000


def _decide_dates(scan: _Scan, zone: ZoneInfo, windows: Sequence[tuple[datetime, datetime]]) -> DateDecision:
    """Weigh values, sessions, meeting start and layout to choose month- or day-first (zoom_dates.decide)."""
    tokens: set[str] = set()
    meridiem = False
    for _, cells, columns in scan.data:
        for idx in (columns.join, columns.leave):
            if idx < len(cells):
                cell = cells[idx].strip()
                tokens.add(cell.split(" ", 1)[0])
                meridiem = meridiem or cell[-2:].upper() in ("AM", "PM")
    evidence = DateEvidence(frozenset(tokens), meridiem)
    first = zoom_dates.decide(evidence)
    if first.reason in ("values", "same_either_way"):
        return first
    inside: dict[str, int] = {}
    near: dict[str, int] = {}
    parsers = {order: _StampParser(zone, order) for order in zoom_dates.ORDERS}
    start_raw = ""
    if scan.meeting_header is not None and scan.meeting_cells is not None:
        index: dict[str, int] = {}
        for i, name in enumerate(scan.meeting_header):
            index.setdefault(name, i)
        start_raw = _cell(scan.meeting_cells, _find(index, _START_HEADERS))
    starts = {order: parser.parse(start_raw) if start_raw else None for order, parser in parsers.items()}
    # The meeting start witnesses the day only when it reads the same either way (e.g. 25/08, 04/04).
    meeting_start = starts["mdy"] if starts["mdy"] is not None and starts["mdy"] == starts["dmy"] else None
    for order, parser in parsers.items():
        hits = close = 0
        for _, cells, columns in scan.data[:_DECISION_SAMPLE_ROWS]:
            join = parser.parse(_cell(cells, columns.join))
            leave = parser.parse(_cell(cells, columns.leave))
            if join is None or leave is None:
                continue
            if any(join < end and leave > start for start, end in windows):
                hits += 1
            if meeting_start is not None and abs(join - meeting_start) <= timedelta(hours=24):
                close += 1
        inside[order], near[order] = hits, close
    return zoom_dates.decide(
        DateEvidence(frozenset(tokens), meridiem, inside=inside, windows_known=bool(windows), near_meeting=near)
    )


class _StampParser:
    """Hand-written timestamp reader: strptime is several times slower on large reports."""

    def __init__(self, zone: ZoneInfo, order: str) -> None:
        self.zone = zone
        self.order = order
        self._dates: dict[str, tuple[int, int, int] | None] = {}
        self._minutes: dict[str, datetime | None] = {}

    def _date(self, token: str) -> tuple[int, int, int] | None:
        if token in self._dates:
            return self._dates[token]
        result = None
        sep = "/" if "/" in token else "-" if "-" in token else "."
        parts = token.split(sep)
        if len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts):
            a, b, c = (int(p) for p in parts)
            if len(parts[0]) == 4:
                y, m, d = a, b, c
            else:
                y = c + 2000 if len(parts[2]) == 2 else c
                m, d = (b, a) if self.order == "dmy" else (a, b)
                if m > 12 >= d:
                    m, d = d, m
            try:
                date(y, m, d)
                result = (y, m, d)
            except ValueError:
                result = None
        self._dates[token] = result
        return result

    def _time(self, token: str) -> tuple[int, int, int, timedelta | None] | None:
        rest = token.strip()
        meridiem = rest[-2:].upper()
        if meridiem in ("AM", "PM"):
            rest = rest[:-2].rstrip()
        else:
            meridiem = ""
        offset: timedelta | None = None
        if rest.endswith("Z"):
            offset, rest = timedelta(0), rest[:-1]
        elif len(rest) > 6 and rest[-6] in "+-" and rest[-3] == ":":
            try:
                sign = -1 if rest[-6] == "-" else 1
                offset = sign * timedelta(hours=int(rest[-5:-3]), minutes=int(rest[-2:]))
            except ValueError:
                return None
            rest = rest[:-6]
        # Spreadsheets in the Indonesian locale may write 09.03.10.
        parts = rest.split(":") if ":" in rest else rest.split(".")
        if len(parts) == 3 and "." in parts[2]:
            parts[2] = parts[2].split(".", 1)[0]
        if len(parts) not in (2, 3) or not all(p.isdigit() and p.isascii() and len(p) <= 2 for p in parts):
            return None
        hour, minute = int(parts[0]), int(parts[1])
        second = int(parts[2]) if len(parts) == 3 else 0
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem == "PM" else 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        return hour, minute, second, offset

    def parse(self, text: str) -> datetime | None:
        """Return the aware UTC datetime for one stripped cell, or None when it cannot be read."""
        if len(text) == 22 and text[16] == ":" and text[19] == " ":
            # Zoom's own layout, "08/25/2022 09:03:10 AM", is nearly every cell: resolve each distinct
            # minute once, then add the seconds.
            seconds = _SECONDS.get(text[17:19])
            if seconds is None:
                return None
            minute_key = text[:16] + text[19:]
            base = self._minutes.get(minute_key, _UNSEEN)
            if base is _UNSEEN:
                base = self._minutes[minute_key] = self._parse_full(text[:17] + "00" + text[19:])
            return None if base is None else base + seconds
        return self._parse_full(text)

    def _parse_full(self, text: str) -> datetime | None:
        if len(text) == 22 and text[10] == " " and text[13] == ":" and text[16] == ":" and text[19] == " ":
            date_token = text[:10]
            hms = _twelve_hour(text[11:13], text[14:16], text[17:19], text[20:])
        elif len(text) > 10 and text[10] == "T" and text[:4].isdigit():
            date_token = text[:10]
            hms = self._time(text[11:])
        else:
            date_token, _, time_token = text.partition(" ")
            hms = self._time(time_token)
        if hms is None:
            return None
        ymd = self._dates.get(date_token, _UNSEEN)
        if ymd is _UNSEEN:
            ymd = self._date(date_token)
        if ymd is None:
            return None
        hour, minute, second, offset = hms
        if offset is None:
            offset = self.zone.utcoffset(datetime(*ymd, hour, minute))
        return datetime(*ymd, hour, minute, second, tzinfo=_UTC) - offset


def _twelve_hour(hh: str, mm: str, ss: str, meridiem: str) -> tuple[int, int, int, None] | None:
    digits = hh + mm + ss
    if not (digits.isdigit() and digits.isascii()):
        return None
    hour, minute, second = int(hh), int(mm), int(ss)
    if not (1 <= hour <= 12 and minute <= 59 and second <= 59):
        return None
    meridiem = meridiem.upper()
    if meridiem == "AM":
        return hour % 12, minute, second, None
    if meridiem == "PM":
        return hour % 12 + 12, minute, second, None
    return None


# --- rows ----------------------------------------------------------------------------------------------


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


def _read_row(
    line_no: int,
    cells: list[str],
    columns: _Columns,
    parser: _StampParser,
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
        guest = True if guest_text in _YES else False if guest_text in _NO else None
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


def _read_meeting(scan: _Scan, parser: _StampParser) -> MeetingInfo | None:
    if scan.meeting_header is None or scan.meeting_cells is None:
        return None
    index: dict[str, int] = {}
    for i, name in enumerate(scan.meeting_header):
        index.setdefault(name, i)
    cells = scan.meeting_cells
    raw_id = _cell(cells, _find(index, _MEETING_ID_HEADERS))
    meeting_id = "".join(ch for ch in raw_id if ch.isdigit()) or raw_id or None
    start_raw = _cell(cells, _find(index, _START_HEADERS))
    end_raw = _cell(cells, _find(index, _END_HEADERS))
    start = parser.parse(start_raw) if start_raw else None
    end = parser.parse(end_raw) if end_raw else None
    if end is None and start is not None:
        minutes = _number(_cell(cells, _find(index, _MEETING_DURATION_HEADERS)))
        if minutes is not None:
            end = start + timedelta(minutes=minutes)
    topic = _clean_text(_cell(cells, _find(index, _TOPIC_HEADERS))) or None
    return MeetingInfo(meeting_id=meeting_id, topic=topic, start=start, end=end)
