"""Timestamps: the hand-written reader (strptime is several times slower on large reports) and the
month- or day-first decision for slash dates, weighed on the rows and the sessions (zoom_dates.decide)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bimtek.attendance import zoom_dates
from bimtek.attendance.zoom_csv.headers import START_HEADERS, find, header_index
from bimtek.attendance.zoom_csv.layout import Scan, cell_text
from bimtek.attendance.zoom_dates import DateDecision, DateEvidence

_UTC = UTC
_UNSEEN: object = object()
_SECONDS = {f"{n:02d}": timedelta(seconds=n) for n in range(60)}


# Rows parsed both ways to weigh the session dates; enough to decide, bounded for huge reports.
_DECISION_SAMPLE_ROWS = 5000


def decide_dates(scan: Scan, zone: ZoneInfo, windows: Sequence[tuple[datetime, datetime]]) -> DateDecision:
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
    parsers = {order: StampParser(zone, order) for order in zoom_dates.ORDERS}
    start_raw = ""
    if scan.meeting_header is not None and scan.meeting_cells is not None:
        index = header_index(scan.meeting_header)
        start_raw = cell_text(scan.meeting_cells, find(index, START_HEADERS))
    starts = {order: parser.parse(start_raw) if start_raw else None for order, parser in parsers.items()}
    # The meeting start witnesses the day only when it reads the same either way (e.g. 25/08, 04/04).
    meeting_start = starts["mdy"] if starts["mdy"] is not None and starts["mdy"] == starts["dmy"] else None
    for order, parser in parsers.items():
        hits = close = 0
        for _, cells, columns in scan.data[:_DECISION_SAMPLE_ROWS]:
            join = parser.parse(cell_text(cells, columns.join))
            leave = parser.parse(cell_text(cells, columns.leave))
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


class StampParser:
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
