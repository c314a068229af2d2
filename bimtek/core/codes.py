"""Short registration codes people read aloud or type, and private-link tokens.

The code is for a check-in desk whose camera fails: staff type what the participant shows. Its alphabet
leaves out characters that are misread for each other (0/O, 1/I/L) and U (reads as V, and avoids
accidental words), so each remaining character has one reading. Manage and certificate-download links use
a separate, long random token: the short code is meant to be seen by others and grants nothing on its own.
"""

from __future__ import annotations

import secrets
import unicodedata

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "format_code",
    "new_private_token",
    "new_registration_code",
    "normalize_code",
]

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
_ALPHABET_SET = frozenset(CODE_ALPHABET)
# What people put between groups when they copy or type a code.
_SEPARATORS = frozenset(" \t\u00a0-_.\u2010\u2011\u2012\u2013")
_GROUP = 4
_TOKEN_BYTES = 32


def new_registration_code(length: int = CODE_LENGTH) -> str:
    """A random code of ``length`` characters from the unambiguous alphabet (30**8 ~ 6.6e11 for 8)."""
    if length < 1:
        raise ValueError("length must be positive")
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalize_code(raw: str, length: int = CODE_LENGTH) -> str | None:
    """Canonical form of a typed code ("abcd-2345" -> "ABCD2345"), or None if it cannot be one.

    Characters outside the alphabet (O, 0, I, 1, L, U) are refused instead of guessed: each could stand for
    two different alphabet characters, and a wrong guess would find someone else's registration.
    """
    # NFKC folds full-width letters and digits typed on CJK/phone keyboards to ASCII.
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    code = "".join(ch for ch in text if ch not in _SEPARATORS)
    if len(code) != length or not all(ch in _ALPHABET_SET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    """Group a code in fours for reading aloud: "ABCD2345" -> "ABCD-2345"."""
    return "-".join(code[i : i + _GROUP] for i in range(0, len(code), _GROUP))


def new_private_token() -> str:
    """A URL-safe random token (32 bytes of entropy, 43 characters) for private links."""
    return secrets.token_urlsafe(_TOKEN_BYTES)
