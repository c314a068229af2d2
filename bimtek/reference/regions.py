"""Indonesian provinces and kabupaten/kota with Kemendagri codes, and each province's time zone.

Data: idn-area-data 4.0.1 (ODbL), see data/ATTRIBUTION.md. Codes are Kemendagri's, not BPS's (they differ
for the Papua provinces): provinces "21", regencies "21.71". Pure module: no Flask, no database.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import ClassVar, Literal

__all__ = [
    "TIMEZONE_ABBREVIATIONS",
    "Province",
    "Regency",
    "RegionError",
    "province",
    "provinces",
    "regencies",
    "regency",
    "timezone_for_province",
    "zone_abbreviation",
]

TimeZone = Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
RegencyKind = Literal["kabupaten", "kota"]

WIB: TimeZone = "Asia/Jakarta"
WITA: TimeZone = "Asia/Makassar"
WIT: TimeZone = "Asia/Jayapura"

TIMEZONE_ABBREVIATIONS: dict[str, str] = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}

# Every province is listed on purpose (no "default to WIB"): a province added to the data without a
# decision here must fail loudly at load instead of silently getting Jakarta time.
_PROVINCE_ZONES: dict[str, TimeZone] = {
    # Sumatra and Kepulauan Riau, Java, West and Central Kalimantan
    **dict.fromkeys(["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"], WIB),
    **dict.fromkeys(["31", "32", "33", "34", "35", "36"], WIB),
    **dict.fromkeys(["61", "62"], WIB),
    # Bali and Nusa Tenggara, South/East/North Kalimantan, Sulawesi
    **dict.fromkeys(["51", "52", "53"], WITA),
    **dict.fromkeys(["63", "64", "65"], WITA),
    **dict.fromkeys(["71", "72", "73", "74", "75", "76"], WITA),
    # Maluku and the Papua provinces
    **dict.fromkeys(["81", "82"], WIT),
    **dict.fromkeys(["91", "92", "93", "94", "95", "96"], WIT),
}

_KIND_PREFIXES: tuple[tuple[str, RegencyKind], ...] = (("Kabupaten ", "kabupaten"), ("Kota ", "kota"))


class RegionError(ValueError):
    """An unknown province, regency or time zone; `.code` is the machine reason."""

    messages: ClassVar[dict[str, str]] = {
        "unknown_province": "Provinsi tidak dikenal.",
        "unknown_regency": "Kabupaten/kota tidak dikenal.",
        "unknown_timezone": "Zona waktu tidak dikenal.",
    }

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(message or self.messages.get(code, "Wilayah tidak valid."))


@dataclass(frozen=True, slots=True)
class Province:
    """A province: Kemendagri code ("21"), official name, IANA time zone."""

    code: str
    name: str
    timezone: TimeZone


@dataclass(frozen=True, slots=True)
class Regency:
    """A kabupaten or kota: Kemendagri code ("21.71"), its province's code, official name, kind."""

    code: str
    province_code: str
    name: str
    kind: RegencyKind


@dataclass(frozen=True, slots=True)
class _Tables:
    provinces: tuple[Province, ...]
    province_by_code: dict[str, Province]
    regencies_by_province: dict[str, tuple[Regency, ...]]
    regency_by_code: dict[str, Regency]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def _kind_of(name: str) -> RegencyKind:
    for prefix, kind in _KIND_PREFIXES:
        if name.startswith(prefix):
            return kind
    raise RuntimeError(f"regencies.csv: cannot tell kabupaten from kota in {name!r}")


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    provs: list[Province] = []
    for row in _read_csv("provinces.csv"):
        code = row["code"]
        if code not in _PROVINCE_ZONES:
            raise RuntimeError(f"provinces.csv: province {code} has no time zone in regions.py")
        provs.append(Province(code=code, name=row["name"], timezone=_PROVINCE_ZONES[code]))
    province_by_code = {p.code: p for p in provs}

    grouped: dict[str, list[Regency]] = {p.code: [] for p in provs}
    regency_by_code: dict[str, Regency] = {}
    for row in _read_csv("regencies.csv"):
        reg = Regency(
            code=row["code"], province_code=row["province_code"], name=row["name"], kind=_kind_of(row["name"])
        )
        if reg.province_code not in grouped or not reg.code.startswith(reg.province_code + "."):
            raise RuntimeError(f"regencies.csv: {reg.code} does not belong to a known province")
        grouped[reg.province_code].append(reg)
        regency_by_code[reg.code] = reg

    return _Tables(
        provinces=tuple(provs),
        province_by_code=province_by_code,
        regencies_by_province={code: tuple(regs) for code, regs in grouped.items()},
        regency_by_code=regency_by_code,
    )


def provinces() -> list[Province]:
    """All 38 provinces in Kemendagri code order."""
    return list(_tables().provinces)


def province(code: str) -> Province:
    """The province with this code ("21"); raises RegionError("unknown_province") if there is none."""
    found = _tables().province_by_code.get(code.strip()) if isinstance(code, str) else None
    if found is None:
        raise RegionError("unknown_province")
    return found


def regencies(province_code: str) -> list[Regency]:
    """The kabupaten/kota of one province in code order; raises RegionError for an unknown province."""
    return list(_tables().regencies_by_province[province(province_code).code])


def regency(code: str) -> Regency:
    """The kabupaten/kota with this code ("21.71"); raises RegionError("unknown_regency") if there is none."""
    found = _tables().regency_by_code.get(code.strip()) if isinstance(code, str) else None
    if found is None:
        raise RegionError("unknown_regency")
    return found


def timezone_for_province(code: str) -> TimeZone:
    """The IANA time zone of a province: "Asia/Jakarta", "Asia/Makassar" or "Asia/Jayapura"."""
    return province(code).timezone


def zone_abbreviation(tz: str) -> str:
    """The Indonesian abbreviation of one of the three zones: "WIB", "WITA" or "WIT"."""
    try:
        return TIMEZONE_ABBREVIATIONS[tz]
    except (KeyError, TypeError):
        raise RegionError("unknown_timezone") from None
