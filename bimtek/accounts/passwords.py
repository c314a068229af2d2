"""Password strength: refuse common and guessable passwords (ASVS 5.0 V6).

Length alone lets `password123`, `1234567890`, `qwertyuiop` and `Password1!` through. zxcvbn estimates how
many guesses an attacker needs, knowing the common-password lists, keyboard walks, dates, l33t substitutions
and, through `user_inputs`, the person's own name and email. A pure module: plain values in, a code out.
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

__all__ = ["MIN_LENGTH", "MAX_LENGTH", "MIN_SCORE", "weakness"]

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn scores 0–4; 3 means "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_SCORE = 3
# zxcvbn's matching is super-linear in the length; what it sees of a long password is plenty to judge it.
_JUDGED = 100


def _personal_words(name: str, email: str) -> list[str]:
    local = email.split("@")[0]
    words = [name, email, local, re.sub(r"\W+", "", name), *re.split(r"[\s.,@_+-]+", f"{name} {email}")]
    return [w.lower() for w in words if len(w) >= 3]


def weakness(password: str, *, name: str = "", email: str = "") -> str | None:
    """None when the password is strong enough, else why not: too_short, too_long, personal or guessable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    personal = _personal_words(name, email)
    lowered = password.lower()
    if any(len(w) >= 4 and w in lowered and len(w) * 2 >= len(lowered) for w in personal):
        return "personal"
    result = zxcvbn(password[:_JUDGED], user_inputs=personal)
    if result["score"] < MIN_SCORE:
        return "guessable"
    return None
