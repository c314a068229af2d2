"""A stored eligibility reason (or Zoom report warning), read in the visitor's language.

Verdicts keep their reasons as the Indonesian text that ``eligibility.REASON_TEXTS`` produced, and Zoom
imports their warnings likewise (the API returns them as they are). A page matches a stored text against those same templates and asks the
catalog for the template's translation with the same figures, so "Sesi 2: tidak hadir" reads
"Session 2: absent" in English. A text no template matches (an old wording) is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import gettext

from bimtek.attendance.eligibility import REASON_TEXTS, WINDOWS_JOIN
from bimtek.core.labels import LABELS, label
from bimtek.i18n import format_number

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in [*REASON_TEXTS.values(), *LABELS["zoom_warning"].values()]:
        parts = _PLACEHOLDER.split(template.replace("%%", "%"))
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(f"^{regex}$"), template))
    return out


def _windows(text: str) -> str:
    by_word = {v: k for k, v in LABELS["presensi_window"].items()}
    names = [label("presensi_window", by_word[w]) if w in by_word else w for w in text.split(WINDOWS_JOIN)]
    return gettext(" dan ").join(names) if len(names) > 1 else names[0]


_INDONESIAN_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+")


def _number(text: str) -> str:
    """ "72,5" or "1.234" (as the verdict wrote it) in the current language's notation."""
    if not _INDONESIAN_NUMBER.fullmatch(text):
        return text
    return format_number(float(text.replace(".", "").replace(",", ".")))


def reason_text(stored: str) -> str:
    """The stored Indonesian reason in the current language."""
    text = str(stored)
    for pattern, template in _patterns():
        match = pattern.match(text)
        if match:
            params = {name: _number(value) for name, value in match.groupdict().items()}
            if "windows" in params:
                params["windows"] = _windows(params["windows"])
            return gettext(template, **params)
    return gettext(text)
