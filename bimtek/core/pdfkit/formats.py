"""Indonesian formats for printed documents: numbers 1.234,5, dates "Kamis, 25 Agustus 2022", "09.00 WIB",
NIPs grouped 8-6-1-3 with non-breaking spaces, codes grouped "FM4Q-SNQQ", a place said once."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

__all__ = [
    "NBSP", "clock", "date_range", "group_code", "long_date", "nip_text", "number", "place_line", "short_date",
    "to_local",
]  # fmt: skip

NBSP = "\u00a0"
_SEPARATORS = str.maketrans({",": ".", ".": ","})
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def number(value, digits: int = 2) -> str:
    """Indonesian number: 1.234.567,5 (integers without decimals; None as an en dash)."""
    if value is None:
        return "–"
    # Written out rather than through Babel: a 5,000-row annex formats 20,000 numbers.
    if isinstance(value, float) and not value.is_integer():
        text = f"{round(value, digits):,.{digits}f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.translate(_SEPARATORS)


def to_local(value: datetime | str, tz: str) -> datetime:
    """A UTC datetime (or ISO text) in the event's zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(ZoneInfo(tz))


def long_date(value: date | datetime | str, tz: str = "Asia/Jakarta") -> str:
    """ "Kamis, 25 Agustus 2022" (no zero-padded day; Babel's ``full`` pads it)."""
    if isinstance(value, (datetime, str)):
        value = to_local(value, tz)
    return format_date(value, "EEEE, d MMMM y", locale="id")


def date_range(
    start: date | datetime | str, end: date | datetime | str, tz: str = "Asia/Jakarta", locale: str = "id"
) -> str:
    """A multi-day span written once: "Kamis–Jumat, 25–26 Agustus 2022"; one day as ``long_date``.

    Across months "Rabu–Kamis, 31 Agustus–1 September 2022"; across years both dates in full.
    """
    a = to_local(start, tz).date() if isinstance(start, (datetime, str)) else start
    b = to_local(end, tz).date() if isinstance(end, (datetime, str)) else end
    if b <= a:
        return format_date(a, "EEEE, d MMMM y", locale=locale)
    days = f"{format_date(a, 'EEEE', locale=locale)}–{format_date(b, 'EEEE', locale=locale)}"
    if a.year != b.year:
        return f"{format_date(a, 'EEEE, d MMMM y', locale=locale)} – {format_date(b, 'EEEE, d MMMM y', locale=locale)}"
    if a.month != b.month:
        return f"{days}, {format_date(a, 'd MMMM', locale=locale)}–{format_date(b, 'd MMMM y', locale=locale)}"
    return f"{days}, {a.day}–{format_date(b, 'd MMMM y', locale=locale)}"


def short_date(value: date | datetime | str, tz: str = "Asia/Jakarta") -> str:
    """ "25 Agustus 2022"."""
    if isinstance(value, (datetime, str)):
        value = to_local(value, tz)
    return format_date(value, "d MMMM y", locale="id")


def clock(value: datetime | str, tz: str = "Asia/Jakarta") -> str:
    """ "09.00 WIB"."""
    local = to_local(value, tz)
    return f"{local:%H.%M} {ZONES.get(tz, '')}".strip()


def nip_text(nip: str | None) -> str:
    """An 18-digit NIP grouped 8-6-1-3 with non-breaking spaces, so no line break ever splits it."""
    digits = "".join(ch for ch in (nip or "") if ch.isascii() and ch.isdigit())
    if len(digits) != 18:
        return (nip or "").replace(" ", NBSP)
    return NBSP.join((digits[:8], digits[8:14], digits[14], digits[15:]))


def group_code(code: str) -> str:
    """A registration code as people read it on badge and ticket alike: "FM4Q-SNQQ"."""
    code = (code or "").replace("-", "")
    return f"{code[:4]}-{code[4:]}" if len(code) > 4 else code


def place_line(
    venue_name: str | None, address: str | None = "", city: str | None = "", province: str | None = ""
) -> str:
    """Venue, address, city and province, comma-separated, each said once.

    "Hotel Aston Makassar" in Makassar reads "Hotel Aston Makassar, Jl. Sultan Hasanuddin No. 10", never
    "Hotel Aston Makassar Makassar": a part already said, as whole words, in an earlier part is left out.
    """
    parts: list[str] = []
    for raw in (venue_name, address, city, province):
        part = " ".join((raw or "").split())
        if not part:
            continue
        said = re.compile(rf"(?<!\w){re.escape(part)}(?!\w)", re.IGNORECASE)
        if not any(said.search(earlier) for earlier in parts):
            parts.append(part)
    return ", ".join(parts)
