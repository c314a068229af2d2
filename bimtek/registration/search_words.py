"""Words for participant search: accent- and case-folded, split on anything that is not a letter or digit.

Pure: "Dr. Ñúñez García, S.Kom." -> ["dr", "nunez", "garcia", "s", "kom"]. The same folding serves the
stored words and the typed query, so "NUNEZ", "nuñez" and "nun" all find Ñúñez.
"""

from __future__ import annotations

import re

from bimtek.registration.names import name_search_key

__all__ = ["MAX_WORD", "words"]

MAX_WORD = 60
_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The distinct folded words of a text, in order of appearance (each at most MAX_WORD characters)."""
    return list(dict.fromkeys(w[:MAX_WORD] for w in _WORDS.findall(name_search_key(text or ""))))
