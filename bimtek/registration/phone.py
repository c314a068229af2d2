"""Indonesian mobile (HP/WhatsApp) numbers: parse to E.164, display, and build WhatsApp links.

Participants type their number in every common shape: ``0812-3456-7890``, ``+62 812 3456 7890``,
``6281234567890`` or ``81234567890``; all of them are stored as ``+6281234567890``. Parsing is done by
``phonenumbers`` with region ID, so its metadata decides which prefixes are real mobile ranges.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

__all__ = ["PhoneError", "format_phone", "normalize_phone", "whatsapp_link"]

REGION = "ID"
COUNTRY_CODE = 62
# "10-13 digits written with the leading 0" means 9-12 digits after it.
_MIN_NATIONAL = 9
_MAX_NATIONAL = 12
_MAX_INPUT = 40
# Punctuation people put in numbers; letters (e.g. "ext", "x") are refused rather than silently dropped.
_PUNCTUATION = frozenset(" \t\u00a0-.()/\u2010\u2011\u2012\u2013")
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)

_MESSAGES = {
    "phone_format": "Nomor HP hanya boleh berisi angka, spasi, tanda hubung, dan awalan +.",
    "phone_not_id": "Gunakan nomor HP Indonesia (+62).",
    "phone_length": "Nomor HP harus 10-13 digit diawali 0, misalnya 0812-3456-7890.",
    "phone_invalid": "Nomor HP tidak valid. Contoh: 0812-3456-7890.",
    "phone_not_mobile": "Masukkan nomor HP/WhatsApp, bukan nomor telepon rumah atau kantor.",
}


class PhoneError(ValueError):
    """A phone number we cannot accept; ``code`` names the reason."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _MESSAGES[code]
        super().__init__(self.message)


def _check_characters(text: str) -> None:
    """Allow decimal digits, common punctuation, and one leading plus sign."""
    if not text or len(text) > _MAX_INPUT:
        raise PhoneError("phone_format")
    body = text.removeprefix("+")
    if not any(unicodedata.category(ch) == "Nd" for ch in body):
        raise PhoneError("phone_format")
    for ch in body:
        if unicodedata.category(ch) != "Nd" and ch not in _PUNCTUATION:
            raise PhoneError("phone_format")


def _parse(raw: str) -> phonenumbers.PhoneNumber:
    """Parse and check an Indonesian mobile number; raise PhoneError otherwise."""
    text = raw.strip()
    _check_characters(text)
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        raise PhoneError("phone_invalid") from None
    if number.country_code != COUNTRY_CODE:
        raise PhoneError("phone_not_id")
    national = str(number.national_number)
    if not _MIN_NATIONAL <= len(national) <= _MAX_NATIONAL:
        raise PhoneError("phone_length")
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("phone_invalid")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise PhoneError("phone_not_mobile")
    return number


def normalize_phone(raw: str) -> str:
    """Return an Indonesian mobile number in E.164 (``+6281234567890``) or raise PhoneError."""
    return phonenumbers.format_number(_parse(raw), PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Show a stored number the way Indonesians write it: ``0812-3456-7890``."""
    try:
        number = phonenumbers.parse(e164, REGION)
    except NumberParseException:
        raise PhoneError("phone_invalid") from None
    if number.country_code == COUNTRY_CODE:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def whatsapp_link(e164: str) -> str:
    """Click-to-chat link for a stored E.164 number: ``https://wa.me/6281234567890``."""
    digits = e164.removeprefix("+")
    # A national "0812..." here would make wa.me open a chat with a wrong, foreign number.
    if digits == e164 or not (digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 15):
        raise PhoneError("phone_format")
    return f"https://wa.me/{digits}"
