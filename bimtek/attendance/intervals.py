"""Time-interval arithmetic for attendance: union, clipping and minute totals.

An interval is a ``(start, end)`` pair of aware datetimes. Intervals whose end is not after their start
carry no time and are dropped, so a malformed row can never add minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

Interval = tuple[datetime, datetime]


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Return the union of the intervals as sorted, non-overlapping pairs (touching pairs are joined)."""
    ordered = sorted((start, end) for start, end in intervals if end > start)
    merged: list[Interval] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """Return the union of the intervals restricted to the window ``[start, end]``."""
    clipped = []
    for s, e in merge_intervals(intervals):
        if e <= start or s >= end:
            continue
        clipped.append((max(s, start), min(e, end)))
    return clipped


def total_minutes(intervals: Iterable[Interval]) -> float:
    """Return the minutes covered by the intervals, counting overlapping time once."""
    return sum((e - s).total_seconds() for s, e in merge_intervals(intervals)) / 60.0


def minutes_in_window(intervals: Iterable[Interval], window_start: datetime, window_end: datetime) -> float:
    """Return the minutes of the intervals that fall inside the window, counting overlaps once."""
    return sum((e - s).total_seconds() for s, e in clip(intervals, window_start, window_end)) / 60.0
