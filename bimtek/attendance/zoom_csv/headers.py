"""Finding columns by header name: the spellings Zoom (and spreadsheets re-saving its files) use."""

from __future__ import annotations

from dataclasses import dataclass

from bimtek.attendance.zoom_csv.report import ZoomCsvError

# Header spellings, compared after lower-casing and collapsing whitespace; first match wins.
NAME_HEADERS = (
    "name (original name)",
    "user name (original name)",
    "participant name (original name)",
    "name",
    "user name",
    "participant name",
    "participant",
    "display name",
)
EMAIL_HEADERS = ("user email", "email", "email address", "participant email", "user email address")
JOIN_HEADERS = ("join time",)
LEAVE_HEADERS = ("leave time",)
DURATION_HEADERS = (
    "duration (minutes)",
    "time in session (minutes)",
    "duration (mins)",
    "total duration (minutes)",
    "duration",
)
GUEST_HEADERS = ("guest", "is guest")
REGISTRANT_HEADERS = ("registrant id", "registrant_id", "registrantid")
ATTENDED_HEADERS = ("attended",)

MEETING_ID_HEADERS = ("meeting id", "webinar id")
TOPIC_HEADERS = ("topic",)
START_HEADERS = ("start time", "actual start time")
END_HEADERS = ("end time", "actual end time")
MEETING_DURATION_HEADERS = ("actual duration (minutes)", "duration (minutes)")

_NAME_SET = frozenset(NAME_HEADERS)
_JOIN_SET = frozenset(JOIN_HEADERS)


def norm_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').strip().rstrip(":").lower().split())


def is_participants_header(normed: list[str]) -> bool:
    names = set(normed)
    return bool(names & _JOIN_SET) and bool(names & _NAME_SET)


@dataclass(slots=True)
class Columns:
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


def find(index: dict[str, int], aliases: tuple[str, ...]) -> int | None:
    for alias in aliases:
        if alias in index:
            return index[alias]
    return None


def columns_from_header(cells: list[str], normed: list[str]) -> Columns:
    index = header_index(normed)
    name = find(index, NAME_HEADERS)
    join = find(index, JOIN_HEADERS)
    leave = find(index, LEAVE_HEADERS)
    if leave is None or name is None or join is None:
        missing = ", ".join(
            label for label, idx in (("Name", name), ("Join Time", join), ("Leave Time", leave)) if idx is None
        )
        raise ZoomCsvError("missing_columns", f"Laporan Zoom tidak lengkap: kolom {missing} tidak ditemukan.")
    headers = [c.replace("\ufeff", "").strip().strip('"').strip() for c in cells]
    return Columns(
        name=name,
        name_has_original="(original name)" in normed[name],
        email=find(index, EMAIL_HEADERS),
        join=join,
        leave=leave,
        duration=find(index, DURATION_HEADERS),
        guest=find(index, GUEST_HEADERS),
        registrant=find(index, REGISTRANT_HEADERS),
        attended=find(index, ATTENDED_HEADERS),
        headers=headers,
        width=len(cells),
    )


def header_index(normed: list[str]) -> dict[str, int]:
    """Map each normalised header to its first column."""
    index: dict[str, int] = {}
    for i, name in enumerate(normed):
        index.setdefault(name, i)
    return index
