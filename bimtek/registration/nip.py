"""NIP (Nomor Induk Pegawai) and NIK (Nomor Induk Kependudukan): parse, check, format, mask.

NIP, 18 digits (Perka BKN 22/2007), positions counted from 1:

    1-8    birth date YYYYMMDD
    9-14   TMT CPNS YYYYMM for PNS; for PPPK digits 13-14 are a cohort code, not a month
    15     gender: 1 or 2
    16-18  serial, never 000

NIK, 16 digits: 1-6 region of first registration (province, kabupaten/kota, kecamatan), 7-12 DDMMYY with 40
added to DD for women, 13-16 serial, never 0000.

Neither number has a check digit, so these checks only catch typing mistakes; they cannot prove that a number
belongs to the person typing it. Pure module: the clock is a parameter.
"""

from __future__ import annotations

import calendar
from datetime import date

__all__ = [
    "NikError",
    "NipError",
    "format_nip",
    "mask_nik",
    "normalize_nik",
    "normalize_nip",
]

# Separators people paste from letters, spreadsheets and SK documents. Anything else (letters, full-width
# or other non-ASCII digits) is refused rather than guessed at.
_SEPARATORS = frozenset(" \t\u00a0.-\u2010\u2011\u2012\u2013")
_ASCII_DIGITS = frozenset("0123456789")

NIP_LENGTH = 18
NIK_LENGTH = 16
MIN_AGE = 17
MAX_AGE = 80

_NIP_MESSAGES = {
    "nip_format": "NIP hanya boleh berisi angka 0-9 (spasi, titik, atau tanda hubung diperbolehkan).",
    "nip_length": "NIP harus terdiri dari 18 digit.",
    "nip_birth_date": "8 digit pertama NIP harus berupa tanggal lahir yang valid (TTTTBBHH).",
    "nip_tmt": "Digit 9-14 NIP (TMT CPNS/PPPK) tidak valid.",
    "nip_gender": "Digit ke-15 NIP (jenis kelamin) harus 1 atau 2.",
    "nip_serial": "3 digit terakhir NIP (nomor urut) tidak boleh 000.",
}

_NIK_MESSAGES = {
    "nik_format": "NIK hanya boleh berisi angka 0-9.",
    "nik_length": "NIK harus terdiri dari 16 digit.",
    "nik_region": "6 digit pertama NIK (kode wilayah) tidak valid.",
    "nik_date": "Digit 7-12 NIK (tanggal lahir) tidak valid.",
    "nik_serial": "4 digit terakhir NIK (nomor urut) tidak boleh 0000.",
}

# Kemendagri province codes (38 provinces, including the Papua provinces created in 2022).
_PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

STATUS_PNS = "pns"
STATUS_PPPK = "pppk"


class NipError(ValueError):
    """A NIP that cannot be right; ``code`` says which rule failed."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _NIP_MESSAGES[code]
        super().__init__(self.message)


class NikError(ValueError):
    """A NIK that cannot be right; ``code`` says which rule failed."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _NIK_MESSAGES[code]
        super().__init__(self.message)


def _digits_only(raw: str) -> str | None:
    """Drop allowed separators; None when anything but ASCII digits remains."""
    kept = [ch for ch in raw.strip() if ch not in _SEPARATORS]
    if not all(ch in _ASCII_DIGITS for ch in kept):
        return None
    return "".join(kept)


def _age_on(birth: date, today: date) -> int:
    """Completed years between ``birth`` and ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def normalize_nip(raw: str, status: str = STATUS_PNS, *, today: date) -> str:
    """Return the NIP as 18 ASCII digits, or raise NipError naming the first rule it breaks.

    ``status`` is "pns" or "pppk" (the month check on the TMT applies to PNS only); ``today`` anchors the
    age and TMT-year checks.
    """
    kind = status.strip().lower()
    if kind not in (STATUS_PNS, STATUS_PPPK):
        raise ValueError(f"unknown status for NIP: {status!r}")
    digits = _digits_only(raw)
    if digits is None:
        raise NipError("nip_format")
    if len(digits) != NIP_LENGTH:
        raise NipError("nip_length")

    try:
        birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise NipError("nip_birth_date") from None
    if not MIN_AGE <= _age_on(birth, today) <= MAX_AGE:
        raise NipError("nip_birth_date")

    tmt_year, tmt_month = int(digits[8:12]), int(digits[12:14])
    if not birth.year + MIN_AGE <= tmt_year <= today.year:
        raise NipError("nip_tmt")
    if kind == STATUS_PNS and not 1 <= tmt_month <= 12:
        raise NipError("nip_tmt")

    if digits[14] not in "12":
        raise NipError("nip_gender")
    if digits[15:18] == "000":
        raise NipError("nip_serial")
    return digits


def format_nip(nip: str) -> str:
    """Group a stored NIP 8-6-1-3 for display: "19660801 198803 1 001"."""
    digits = _digits_only(nip)
    if digits is None:
        raise NipError("nip_format")
    if len(digits) != NIP_LENGTH:
        raise NipError("nip_length")
    return f"{digits[0:8]} {digits[8:14]} {digits[14]} {digits[15:18]}"


def _nik_date_possible(dd: int, mm: int, yy: int) -> bool:
    """True when DD/MM exists in 19YY or 20YY (the century is not encoded, so either may be meant)."""
    if dd > 40:
        dd -= 40  # women: 40 is added to the day
    if not 1 <= mm <= 12 or dd < 1:
        return False
    longest = max(calendar.monthrange(1900 + yy, mm)[1], calendar.monthrange(2000 + yy, mm)[1])
    return dd <= longest


def normalize_nik(raw: str) -> str:
    """Return the NIK as 16 ASCII digits, or raise NikError.

    Checks only what the number itself can show (region codes, a possible date, serial). It is never compared
    with a birth date the participant typed: registration data and Dukcapil data legitimately disagree.
    """
    digits = _digits_only(raw)
    if digits is None:
        raise NikError("nik_format")
    if len(digits) != NIK_LENGTH:
        raise NikError("nik_length")
    if digits[0:2] not in _PROVINCE_CODES or digits[2:4] == "00" or digits[4:6] == "00":
        raise NikError("nik_region")
    if not _nik_date_possible(int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
        raise NikError("nik_date")
    if digits[12:16] == "0000":
        raise NikError("nik_serial")
    return digits


def mask_nik(nik: str) -> str:
    """Hide the middle of a NIK for display: "3171********0001"."""
    digits = _digits_only(nik)
    if digits is None or len(digits) != NIK_LENGTH:
        raise NikError("nik_length" if digits is not None else "nik_format")
    return digits[:4] + "*" * 8 + digits[-4:]
