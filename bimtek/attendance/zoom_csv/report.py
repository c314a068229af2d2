"""What reading a Zoom report produces: rows, row problems, the meeting block, and the one error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bimtek.attendance.zoom_dates import DateDecision

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
