"""Matching Zoom participants to registrations.

Only exact keys credit attendance automatically: Zoom's registrant id, the email address, the
registration code or NIP written into the display name, or a display name an organizer has already
linked by hand. A name alone never does (two people can share a name, and anyone can type one), so
name matches and conflicting keys are returned for review.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = frozenset(CODE_ALPHABET)

# Separators participants put between instansi and name: "DISKOMINFO KEPRI_Budi", "Budi - Kominfo", "A | B".
_SEGMENT_SPLIT = re.compile(r"\s*_+\s*|\s+[-\u2013\u2014]+\s+|\s*\|\s*")
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NIP = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){17}(?![0-9])")
_CODE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})-?([0-9A-Za-z]{4})(?![0-9A-Za-z])")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Titles written before a name (academic, religious, honorific) and common forms of address.
_PREFIX_TITLES = _word_set(
    "dr drs dra drg ir prof h hj hajah haji kh ust ustadz ustazah ns apt bpk bapak ibu bu pak sdr sdri "
    "mr mrs ms mas mbak kak"
)
# Degrees written after a name without a comma; dotted forms such as "S.Kom." are recognised by shape.
_SUFFIX_DEGREES = _word_set(
    "se sh st skom spd mpd msi mm mt mkom mba msc phd ssos sip sag mag map ak cpa ssi sp sked mkes skm amd "
    "sikom sstp mh ma bsc"
)
_DOTTED_DEGREE = re.compile(r"^(?:[A-Za-z]{1,4}\.){1,4}[A-Za-z]{0,5}\.?$")
_INSTANSI_WORDS = _word_set(
    "diskominfo kominfo komdigi dinas kementerian kemenkeu kemendagri kemenkes kemenag kemdikbud pemkab "
    "pemkot pemprov pemda prov provinsi kab kabupaten kota setda sekretariat badan biro bagian bidang dprd "
    "bps bpk bumn universitas kantor kecamatan kelurahan desa humas bappeda bkn bkd bkpsdm rsud puskesmas "
    "polres polda kodim diskominfotik diskominfosan kepri"
)
# Letters that NFKD does not decompose into a base letter plus accent.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


class ZoomLikeRow(Protocol):
    """What matching reads from a Zoom row (report row or webhook event)."""

    display_name: str
    original_name: str | None
    email: str | None
    registrant_id: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registration that Zoom rows may belong to."""

    id: int
    email: str | None
    code: str | None
    nip: str | None
    name: str
    zoom_registrant_id: str | None = None


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Outcome of matching one row; ``automatic`` is True only for exact keys."""

    kind: str  # registrant_id | email | code | nip | link | name | ambiguous | none
    registration_ids: list[int]
    automatic: bool


@dataclass(slots=True)
class MatchIndex:
    """Lookup tables built once per event by ``build_index``."""

    by_registrant: dict[str, list[int]] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=dict)
    by_code: dict[str, list[int]] = field(default_factory=dict)
    by_nip: dict[str, list[int]] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)


# Most Zoom names are plain ASCII: one translate call does what the per-character loop below does.
_ASCII_PUNCT = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_PUNCT).split())
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    out = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).split())


def link_key(display_name: str) -> str:
    """Return the key under which an organizer's manual link for a display name is remembered."""
    return _fold(display_name)


def _strip_leading_titles(tokens: list[str]) -> None:
    # Handles "Dr.", "Hj", and run-together forms such as "Prof.Dr.Ir." or "Dr.Budi".
    while tokens:
        pieces = tokens[0].split(".")
        count = 0
        while count < len(pieces) and pieces[count] and pieces[count].casefold() in _PREFIX_TITLES:
            count += 1
        if count == 0:
            return
        remainder = ".".join(pieces[count:]).lstrip(".")
        if remainder:
            tokens[0] = remainder
        elif len(tokens) > 1:
            tokens.pop(0)
        else:
            return


def _strip_titles(segment: str) -> str:
    # Degrees follow the first comma in Indonesian usage: "Budi Santoso, S.Kom., M.T."
    tokens = segment.split(",", 1)[0].split()
    _strip_leading_titles(tokens)
    while len(tokens) > 1 and (
        tokens[-1].replace(".", "").casefold() in _SUFFIX_DEGREES
        or ("." in tokens[-1] and _DOTTED_DEGREE.match(tokens[-1]) and len(tokens[-1]) > 2)
    ):
        tokens.pop()
    return " ".join(tokens)


def _remove_keys(text: str) -> str:
    text = _NIP.sub(" ", text)
    # Letters-only candidates stay: they are as likely to be part of a name written in capitals.
    return _CODE.sub(lambda m: " " if _looks_like_code(m) and not m.group(0).isalpha() else m.group(0), text)


def _segments(name: str) -> list[str]:
    without_parens = _PARENS.sub(" ", name)
    if not without_parens.strip():
        without_parens = name.replace("(", " ").replace(")", " ")
    parts = [p for p in _SEGMENT_SPLIT.split(_remove_keys(without_parens)) if p.strip()]
    return parts


def _instansi_score(segment: str) -> int:
    words = _fold(segment).split()
    return sum(1 for w in words if w in _INSTANSI_WORDS or w.isdigit())


def _name_keys(name: str) -> list[str]:
    """Cleaned keys for every segment of a display name, the likeliest person name first."""
    keys: list[str] = []
    segments = _segments(name)
    # The person's name is the segment with the fewest instansi words; ties go to the last segment,
    # because participants are asked to write "INSTANSI_NAMA".
    ranked = sorted(enumerate(segments), key=lambda item: (_instansi_score(item[1]), -item[0]))
    for _, segment in ranked:
        key = _fold(_strip_titles(segment))
        if key and key not in keys:
            keys.append(key)
    return keys


def clean_display_name(name: str) -> str:
    """Reduce a Zoom display or registered name to a comparable key: no instansi, gelar, case or accents."""
    keys = _name_keys(name)
    return keys[0] if keys else ""


def _looks_like_code(match: re.Match[str]) -> bool:
    raw = match.group(1) + match.group(2)
    upper = raw.upper()
    if not all(ch in _CODE_CHARS for ch in upper):
        return False
    # A plain upper-case word of eight letters ("HERMAWAN") is more likely a name than a code typed in
    # lower case, so letters-only candidates count only when written in capitals.
    return any(ch.isdigit() for ch in raw) or raw.isupper()


def normalize_code(code: str) -> str:
    """Return a registration code in stored form: upper case, no hyphen or spaces."""
    return "".join(code.split()).replace("-", "").upper()


def extract_keys(name: str) -> tuple[list[str], list[str]]:
    """Find registration codes and 18-digit NIPs written inside a display name."""
    nips: list[str] = []
    for match in _NIP.finditer(name):
        digits = re.sub(r"[ .\-]", "", match.group(0))
        if digits not in nips:
            nips.append(digits)
    codes: list[str] = []
    for match in _CODE.finditer(_NIP.sub(" ", name)):
        if _looks_like_code(match):
            code = (match.group(1) + match.group(2)).upper()
            if code not in codes:
                codes.append(code)
    return codes, nips


def _add(table: dict[str, list[int]], key: str | None, reg_id: int) -> None:
    if key:
        ids = table.setdefault(key, [])
        if reg_id not in ids:
            ids.append(reg_id)


def build_index(candidates: Iterable[Candidate], links: dict[str, int] | None = None) -> MatchIndex:
    """Build the lookup tables for one event's registrations and remembered display-name links."""
    index = MatchIndex()
    for c in candidates:
        _add(index.by_registrant, (c.zoom_registrant_id or "").strip(), c.id)
        _add(index.by_email, (c.email or "").strip().lower(), c.id)
        _add(index.by_code, normalize_code(c.code or ""), c.id)
        _add(index.by_nip, re.sub(r"\D", "", c.nip or "") if c.nip else None, c.id)
        _add(index.by_name, clean_display_name(c.name), c.id)
    for key, reg_id in (links or {}).items():
        index.links[link_key(key)] = reg_id
    return index


def _lookup_all(table: dict[str, list[int]], keys: Iterable[str]) -> list[int]:
    found: list[int] = []
    for key in keys:
        for reg_id in table.get(key, ()):
            if reg_id not in found:
                found.append(reg_id)
    return found


def match_row(row: ZoomLikeRow, index: MatchIndex) -> MatchResult:
    """Match one Zoom row to registrations; only exact keys come back with ``automatic=True``."""
    names = [n for n in (row.display_name, getattr(row, "original_name", None)) if n]
    codes: list[str] = []
    nips: list[str] = []
    for name in names:
        found_codes, found_nips = extract_keys(name)
        codes += [c for c in found_codes if c not in codes]
        nips += [n for n in found_nips if n not in nips]
    registrant = (getattr(row, "registrant_id", None) or "").strip()
    email = (row.email or "").strip().lower()
    exact = (
        ("registrant_id", _lookup_all(index.by_registrant, [registrant] if registrant else [])),
        ("email", _lookup_all(index.by_email, [email] if email else [])),
        ("code", _lookup_all(index.by_code, codes)),
        ("nip", _lookup_all(index.by_nip, nips)),
        ("link", [index.links[link_key(n)] for n in names if link_key(n) in index.links]),
    )
    # Keys that name exactly one registration decide, but only if they agree: a colleague's Zoom account
    # (email of one person, code of another in the display name) must go to review, not credit either.
    # A shared office email naming several registrations is not decisive, so a code can still settle it.
    decisive: list[tuple[str, int]] = [(kind, ids[0]) for kind, ids in exact if len(set(ids)) == 1]
    if decisive:
        chosen = list(dict.fromkeys(reg_id for _, reg_id in decisive))
        if len(chosen) == 1:
            return MatchResult(decisive[0][0], chosen, True)
        return MatchResult("ambiguous", chosen, False)
    undecided = list(dict.fromkeys(reg_id for _, ids in exact for reg_id in ids))
    name_ids = _lookup_all(index.by_name, [k for n in names for k in _name_keys(n)])
    if undecided:
        narrowed = [i for i in undecided if i in name_ids]
        return MatchResult("ambiguous", narrowed or undecided, False)
    if len(name_ids) == 1:
        return MatchResult("name", name_ids, False)
    if name_ids:
        return MatchResult("ambiguous", name_ids, False)
    return MatchResult("none", [], False)
