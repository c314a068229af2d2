"""Person names as printed on certificates, and a search key for finding them.

The name a participant types, with gelar, is printed on the certificate exactly as typed
("Dr. Ir. H. Ahmad, S.Kom., M.T.", "Ni Luh Putu Ayu Sri Dewi", "Tan Sioe Lie", "O'Neil"). So normalising
only removes what no one means to type (outer and repeated spaces, decomposed accents) and refuses
characters that hide or reorder text: controls, bidi overrides and zero-width characters would let a
printed certificate differ from what an organiser sees on screen.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_NAME_LENGTH", "PersonNameError", "name_search_key", "normalize_person_name"]

MAX_NAME_LENGTH = 150
# More stacked marks than any real orthography uses (Vietnamese needs two); "zalgo" text breaks PDF layout.
_MAX_COMBINING_RUN = 3

# Explicit bidi embeddings/overrides/isolates and marks, including the Arabic letter mark.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width and invisible characters; some are letters (Lo) or marks (Mn) to Unicode, so list them.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)
# Whitespace that is collapsed to one ordinary space instead of being refused.
_SPACES = frozenset("\t\n\r")

_MESSAGES = {
    "name_empty": "Nama wajib diisi.",
    "name_too_long": f"Nama terlalu panjang (maksimal {MAX_NAME_LENGTH} karakter).",
    "name_control": "Nama berisi karakter kontrol yang tidak diperbolehkan.",
    "name_bidi": "Nama berisi karakter pengatur arah teks yang tidak diperbolehkan.",
    "name_invisible": "Nama berisi karakter tak terlihat (lebar nol) yang tidak diperbolehkan.",
    "name_combining": "Nama berisi terlalu banyak tanda diakritik bertumpuk.",
    "name_no_letter": "Nama harus berisi huruf.",
}

# Letters that NFKD does not split into base letter + accent.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "ŧ": "t",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ŋ": "n",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u0060": "'",
        "\u00b4": "'",
    }
)


class PersonNameError(ValueError):
    """A name we refuse to store or print; ``code`` names the reason."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _MESSAGES[code]
        super().__init__(self.message)


def _is_space(ch: str) -> bool:
    """Space separators (including no-break and ideographic spaces) plus tab and line breaks."""
    return ch in _SPACES or unicodedata.category(ch) == "Zs"


def _collapse_spaces(text: str) -> str:
    """Trim and turn each run of whitespace into a single ASCII space."""
    out: list[str] = []
    pending = False
    for ch in text:
        if _is_space(ch):
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            pending = False
        out.append(ch)
    return "".join(out)


def _refusal(ch: str) -> str | None:
    """Error code for a character that must not appear in a name, else None."""
    if ch in _BIDI:
        return "name_bidi"
    if ch in _INVISIBLE:
        return "name_invisible"
    if _is_space(ch):
        return None
    category = unicodedata.category(ch)
    if category in ("Cf", "Zl", "Zp"):
        return "name_invisible"
    if category[0] == "C":  # Cc controls, Co private use, Cs surrogates, Cn unassigned
        return "name_control"
    return None


def normalize_person_name(raw: str) -> str:
    """Return the name NFC-normalised with tidy spaces, otherwise exactly as typed; raise PersonNameError."""
    text = unicodedata.normalize("NFC", raw)
    for ch in text:
        code = _refusal(ch)
        if code:
            raise PersonNameError(code)
    text = _collapse_spaces(text)
    if not text:
        raise PersonNameError("name_empty")
    if len(text) > MAX_NAME_LENGTH:
        raise PersonNameError("name_too_long")
    run = 0
    for ch in text:
        run = run + 1 if unicodedata.combining(ch) else 0
        if run > _MAX_COMBINING_RUN:
            raise PersonNameError("name_combining")
    if not any(ch.isalpha() for ch in text):
        raise PersonNameError("name_no_letter")
    return text


def name_search_key(name: str) -> str:
    """Accent- and case-insensitive key for prefix search: "Łukasz Ñúñez" -> "lukasz nunez"."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _collapse_spaces(text.translate(_FOLD))


MAX_WORD = 60
_WORDS = re.compile(r"\w+")


def search_words(text: str) -> list[str]:
    """The distinct folded words of a name or instansi, for "starts a word" search, in order of appearance.

    "Dr. Ñúñez García, S.Kom." -> ["dr", "nunez", "garcia", "s", "kom"]; the same folding serves the stored
    words and the typed query, so "NUNEZ", "nuñez" and "nun" all find Ñúñez. Each word is cut at MAX_WORD.
    """
    return list(dict.fromkeys(w[:MAX_WORD] for w in _WORDS.findall(name_search_key(text or ""))))
