"""When a test may be taken, and until when an attempt may be saved.

Pure module. A window the organizer leaves empty follows the agenda: the pre-test is open until the first
session starts, the post-test opens when the last session ends. An attempt's deadline is its start plus the
time limit, cut short by the window's close, so a late start never buys time past the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["GRACE", "Window", "attempt_deadline", "test_window"]

# A save sent just before the deadline can arrive a moment after it on a slow phone network.
GRACE = timedelta(seconds=10)


@dataclass(frozen=True)
class Window:
    opens: datetime | None
    closes: datetime | None

    def state(self, now: datetime) -> str:
        """not_open, open or closed at `now`."""
        if self.opens is not None and now < self.opens:
            return "not_open"
        if self.closes is not None and now >= self.closes:
            return "closed"
        return "open"


def test_window(
    kind: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    first_start: datetime | None,
    last_end: datetime | None,
) -> Window:
    """The effective window of the pre-test ("pre") or the post-test ("post")."""
    if kind == "pre":
        return Window(opens_at, closes_at or first_start)
    return Window(opens_at or last_end, closes_at)


def attempt_deadline(started: datetime, limit_seconds: int, window: Window) -> datetime:
    """Start + time limit, but never past the window's close."""
    deadline = started + timedelta(seconds=max(1, int(limit_seconds)))
    if window.closes is not None and window.closes < deadline:
        return window.closes
    return deadline
