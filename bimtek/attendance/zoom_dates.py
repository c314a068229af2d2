"""Deciding whether a Zoom report's dates are month-first (Zoom) or day-first (re-saved in Indonesia).

Zoom writes ``08/25/2022 09:03:10 AM``: month first, 12-hour clock. A report opened and re-saved by a
spreadsheet in the Indonesian locale comes back as ``25/08/2022 09:03`` — day first, 24-hour, no AM/PM.
For any date on days 1–12 the two readings are both valid dates, so the values alone cannot decide, and a
wrong guess silently credits everyone 0 minutes.

The decision weighs, in this order, everything the importer knows:

1. the values: a first part above 12 can only be a day, a second part above 12 only a day;
2. nothing to decide: every date reads the same either way (``04/04``) or is ISO (year first);
3. the session dates the file is imported for: an order that puts every row outside the sessions is wrong;
4. the meeting block's start time, when it reads the same either way: the rows are on that day;
5. the layout: AM/PM with ``/`` is Zoom's own (month first); ``.`` or ``-`` with a two-digit first part is
   the Indonesian locale (day first).

When none of these decides, or the sessions and the layout point different ways, the decision is *ambiguous*: the preview asks the organizer and the import
cannot be confirmed until they answer. The invariant: the importer never picks an order silently when
both readings are plausible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["ORDERS", "DateDecision", "DateEvidence", "decide", "readings"]

ORDERS = ("mdy", "dmy")


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """What a report shows about its dates; counts per order come from parsing the rows both ways."""

    tokens: frozenset[str]  # distinct date parts (before the first space) of the join/leave cells
    meridiem: bool = False  # some cell ends with AM or PM
    inside: dict[str, int] = field(default_factory=dict)  # rows overlapping a session, per order
    windows_known: bool = False  # the sessions the file is imported for were given
    near_meeting: dict[str, int] = field(default_factory=dict)  # rows within a day of a certain start


@dataclass(frozen=True, slots=True)
class DateDecision:
    """The order used and why; ``ambiguous`` means the organizer must choose before confirming."""

    order: str
    reason: str  # values, same_either_way, sessions, meeting, zoom_layout, local_separator, chosen,
    # ambiguous (nothing decides) or conflict (the sessions and the layout disagree): both ask
    ambiguous: bool = False
    sample: str | None = None  # a date token of the file, one that reads two ways when there is one
    inside: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain values for storing in a preview summary."""
        return {
            "order": self.order,
            "reason": self.reason,
            "ambiguous": self.ambiguous,
            "sample": self.sample,
            "inside": dict(self.inside),
        }


def _parts(token: str) -> tuple[int, int, int, str] | None:
    """(first, second, year, separator) of a day/month token with a two-digit-or-less first part."""
    sep = "/" if "/" in token else "-" if "-" in token else "." if "." in token else ""
    if not sep:
        return None
    parts = token.split(sep)
    if len(parts) != 3 or not all(p.isdigit() and p.isascii() for p in parts) or len(parts[0]) > 2:
        return None
    year = int(parts[2])
    return int(parts[0]), int(parts[1]), year + 2000 if len(parts[2]) == 2 else year, sep


def readings(token: str) -> dict[str, date | None]:
    """The date a token means under each order (None where it is not a date), for showing the choice."""
    parsed = _parts(token)
    out: dict[str, date | None] = {"mdy": None, "dmy": None}
    if parsed is None:
        return out
    first, second, year, _ = parsed
    for order, (m, d) in (("mdy", (first, second)), ("dmy", (second, first))):
        try:
            out[order] = date(year, m, d)
        except ValueError:
            out[order] = None
    return out


def decide(evidence: DateEvidence) -> DateDecision:
    """Choose month-first or day-first from everything known; ambiguous when nothing decides."""
    day_first = month_first = False
    sample = shown = None
    separators: set[str] = set()
    for token in sorted(evidence.tokens):
        parsed = _parts(token)
        if parsed is None:
            continue
        first, second, _, sep = parsed
        separators.add(sep)
        day_first = day_first or first > 12 >= second
        month_first = month_first or second > 12 >= first
        if sample is None and first != second and first <= 12 and second <= 12:
            sample = token
        shown = shown or token
    inside = dict(evidence.inside)

    def made(order: str, reason: str, ambiguous: bool = False) -> DateDecision:
        return DateDecision(order, reason, ambiguous, sample or shown, inside)

    if day_first != month_first:
        return made("dmy" if day_first else "mdy", "values")
    if sample is None:
        return made("mdy", "same_either_way")
    layout = None
    if evidence.meridiem and separators == {"/"}:
        layout = ("mdy", "zoom_layout")
    elif separators and separators <= {".", "-"} and not evidence.meridiem:
        layout = ("dmy", "local_separator")
    if evidence.windows_known:
        fits = [o for o in ORDERS if inside.get(o, 0) > 0]
        if len(fits) == 1:
            # The sessions and the layout pointing different ways is a question, not a guess.
            if layout is not None and layout[0] != fits[0]:
                return made(fits[0], "conflict", ambiguous=True)
            return made(fits[0], "sessions")
    near = [o for o in ORDERS if evidence.near_meeting.get(o, 0) > 0]
    if len(near) == 1:
        return made(near[0], "meeting")
    if layout is not None:
        return made(*layout)
    return made("mdy", "ambiguous", ambiguous=True)


def chosen(order: str, previous: DateDecision | None = None) -> DateDecision:
    """The organizer's answer to an ambiguous preview."""
    if order not in ORDERS:
        raise ValueError(order)
    return DateDecision(
        order, "chosen", False, previous.sample if previous else None, previous.inside if previous else {}
    )
