"""Rotating presensi (self check-in) codes: short, typed or scanned, valid for a couple of minutes.

A code is an HMAC of (session, window, minute) under a server secret, shown as six characters of the
unambiguous alphabet. Nothing is stored per code: the server recomputes the codes of the current minute
and the previous ``grace_minutes`` and compares. A photo passed around stops working within minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import UTC, datetime

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6
ROTATION_SECONDS = 60
_SEPARATORS = frozenset(" \t\u00a0-_.")


def minute_of(now: datetime) -> int:
    """The rotation step (minutes since the epoch) that ``now`` falls in."""
    return int(now.astimezone(UTC).timestamp()) // ROTATION_SECONDS


def code_for(key: bytes, session_id: int, window_id: int, minute: int) -> str:
    """The code shown during one minute of one presensi window."""
    digest = hmac.new(key, f"presensi:{session_id}:{window_id}:{minute}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        value, index = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def current_code(key: bytes, session_id: int, window_id: int, now: datetime) -> tuple[str, int]:
    """The code for ``now`` and the seconds until it rotates."""
    seconds = int(now.astimezone(UTC).timestamp())
    return code_for(key, session_id, window_id, seconds // ROTATION_SECONDS), ROTATION_SECONDS - seconds % 60


def normalize_code(raw: str) -> str | None:
    """A typed code in canonical form ("ab c-23d" -> "ABC23D"), or None when it cannot be a code."""
    text = unicodedata.normalize("NFKC", raw or "").strip().upper()
    code = "".join(ch for ch in text if ch not in _SEPARATORS)
    if len(code) != CODE_LENGTH or not all(ch in CODE_ALPHABET for ch in code):
        return None
    return code


def verify_code(key: bytes, session_id: int, window_id: int, code: str, now: datetime, grace_minutes: int = 2) -> bool:
    """Whether ``code`` is the window's code of the current minute or of the ``grace_minutes`` before."""
    wanted = normalize_code(code)
    if wanted is None:
        return False
    minute = minute_of(now)
    found = False
    # Compare every candidate (no early exit) so timing says nothing about which minute matched.
    for step in range(grace_minutes + 1):
        found |= hmac.compare_digest(code_for(key, session_id, window_id, minute - step), wanted)
    return found
