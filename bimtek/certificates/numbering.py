"""Certificate number patterns, e.g. ``{seq:03d}/BIMTEK-MEDSOS/KOMINFO/{roman_month}/{year}``.

Patterns are entered by organisers, so they are parsed by hand: only a fixed set of placeholders and
integer formats is accepted. ``str.format`` is never applied to the pattern, because it would allow
attribute and index look-ups (``{seq.__class__}``) and arbitrary format mini-language input.

Placeholders:
    {seq}            sequence number, no padding           -> 1
    {seq:03d}        sequence number zero-padded to width   -> 001 (any width 1..12, also {seq:3d})
    {code}           series/event code                      -> BIMTEK-MEDSOS
    {roman_month}    month of issue in Roman numerals       -> VIII
    {month}          month of issue, two digits             -> 08 ({month:d} for 8)
    {year}           year of issue, four digits             -> 2022
Literal braces are written doubled: ``{{`` and ``}}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["NumberingError", "format_number", "roman_month", "validate_pattern"]

_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# A field's spec is limited to an optional zero flag, a width and "d": enough for agency numbering,
# and small enough that nothing user-controlled reaches Python's formatting machinery.
_SPEC_RE = re.compile(r"(0?)([1-9][0-9]?)?d")
_NUMERIC_FIELDS = frozenset({"seq", "month", "year"})
_TEXT_FIELDS = frozenset({"code", "roman_month"})
_MAX_WIDTH = 12
_MAX_PATTERN_LENGTH = 200

_MESSAGES = {
    "pattern_empty": "Pola nomor sertifikat tidak boleh kosong.",
    "pattern_too_long": "Pola nomor sertifikat terlalu panjang (maksimal 200 karakter).",
    "pattern_syntax": "Pola nomor sertifikat tidak valid: kurung kurawal tidak seimbang.",
    "pattern_unknown_placeholder": "Pola nomor sertifikat memuat penanda yang tidak dikenal.",
    "pattern_bad_format": "Format penanda pada pola nomor sertifikat tidak valid.",
    "pattern_missing_seq": "Pola nomor sertifikat harus memuat nomor urut {seq}.",
    "seq_invalid": "Nomor urut sertifikat harus bilangan bulat positif.",
    "month_invalid": "Bulan harus antara 1 dan 12.",
    "code_invalid": "Kode seri sertifikat tidak boleh memuat kurung kurawal atau baris baru.",
}


class NumberingError(ValueError):
    """A certificate number pattern or its inputs are invalid; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str | None = None, *, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        text = message or _MESSAGES.get(code, "Nomor sertifikat tidak valid.")
        if detail:
            text = f"{text} ({detail})"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    zero: bool
    width: int | None
    has_spec: bool


def roman_month(m: int) -> str:
    """Return month ``m`` (1..12) in Roman numerals, e.g. 8 -> "VIII"."""
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
        raise NumberingError("month_invalid", detail=repr(m))
    return _ROMAN_MONTHS[m - 1]


def _parse_field(body: str) -> _Field:
    name, sep, spec = body.partition(":")
    if name not in _NUMERIC_FIELDS and name not in _TEXT_FIELDS:
        raise NumberingError("pattern_unknown_placeholder", detail="{" + body + "}")
    if not sep:
        return _Field(name, zero=False, width=None, has_spec=False)
    if name in _TEXT_FIELDS:
        raise NumberingError("pattern_bad_format", detail="{" + body + "}")
    match = _SPEC_RE.fullmatch(spec)
    if match is None:
        raise NumberingError("pattern_bad_format", detail="{" + body + "}")
    width = int(match.group(2)) if match.group(2) else None
    if width is not None and width > _MAX_WIDTH:
        raise NumberingError("pattern_bad_format", detail="{" + body + "}")
    return _Field(name, zero=bool(match.group(1)), width=width, has_spec=True)


def _parse(pattern: str) -> tuple[_Literal | _Field, ...]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise NumberingError("pattern_empty")
    if len(pattern) > _MAX_PATTERN_LENGTH:
        raise NumberingError("pattern_too_long")
    parts: list[_Literal | _Field] = []
    literal: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "{":
            if pattern.startswith("{{", i):
                literal.append("{")
                i += 2
                continue
            end = pattern.find("}", i + 1)
            if end == -1 or "{" in pattern[i + 1 : end]:
                raise NumberingError("pattern_syntax")
            if literal:
                parts.append(_Literal("".join(literal)))
                literal = []
            parts.append(_parse_field(pattern[i + 1 : end]))
            i = end + 1
        elif ch == "}":
            if not pattern.startswith("}}", i):
                raise NumberingError("pattern_syntax")
            literal.append("}")
            i += 2
        else:
            literal.append(ch)
            i += 1
    if literal:
        parts.append(_Literal("".join(literal)))
    if not any(isinstance(p, _Field) and p.name == "seq" for p in parts):
        raise NumberingError("pattern_missing_seq")
    return tuple(parts)


def validate_pattern(pattern: str) -> None:
    """Raise NumberingError if ``pattern`` is not a usable certificate number pattern."""
    _parse(pattern)


def _format_int(value: int, field: _Field, default_width: int | None) -> str:
    width = field.width if field.has_spec else default_width
    text = str(value)
    if width is None or len(text) >= width:
        return text
    # Without the zero flag "{seq:3d}" still pads with zeros: spaces inside a certificate number
    # would only cause look-up mismatches later.
    return text.rjust(width, "0")


def format_specimen(pattern: str, code: str, issued: date) -> str:
    """A specimen number for previews: the pattern with the sequence shown as X's ("XXX/KODE/VIII/2030").

    A preview must never carry a number that could pass for a real one.
    """
    return format_number(pattern, 1, code, issued, specimen=True)


def format_number(pattern: str, seq: int, code: str, issued: date, *, specimen: bool = False) -> str:
    """Render certificate number ``seq`` of series ``code`` issued on ``issued`` using ``pattern``."""
    parts = _parse(pattern)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise NumberingError("seq_invalid", detail=repr(seq))
    code = code or ""
    if any(ch in code for ch in "{}\r\n"):
        raise NumberingError("code_invalid")
    out: list[str] = []
    for part in parts:
        if isinstance(part, _Literal):
            out.append(part.text)
        elif part.name == "seq":
            text = _format_int(seq, part, None)
            out.append("X" * max(3, len(text)) if specimen else text)
        elif part.name == "month":
            out.append(_format_int(issued.month, part, 2))
        elif part.name == "year":
            out.append(_format_int(issued.year, part, None))
        elif part.name == "roman_month":
            out.append(roman_month(issued.month))
        else:
            out.append(code)
    return "".join(out)
