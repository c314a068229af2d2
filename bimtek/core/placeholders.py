"""``{token}`` placeholders in organizers' texts (bulk email, reminders, WhatsApp), filled per recipient.

Pure module. An organizer's text is never handed to ``str.format`` or Jinja (``{0.__class__}`` and friends
would reach into Python objects): known tokens are replaced in a single pass by plain lookup, so a value that
itself contains "{kode}" is never expanded again, and any other braces stay as typed. Each feature says which
tokens its texts may use.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

__all__ = ["fill", "unknown"]

_TOKEN = re.compile(r"\{([a-z_]{1,30})\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known ``{token}`` replaced by its value; unknown tokens stay as typed."""
    return _TOKEN.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def unknown(text: str, allowed: Collection[str]) -> list[str]:
    """The ``{tokens}`` of a text that are not in ``allowed`` (probably typing mistakes), in order, once each."""
    return list(dict.fromkeys(f"{{{t}}}" for t in _TOKEN.findall(text or "") if t not in allowed))
