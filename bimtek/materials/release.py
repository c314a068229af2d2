"""When a material may be given to participants. Pure module.

"now": as soon as it is uploaded; "after_session": once its session has ended (the event's end when it
belongs to no session); "never": organizers only. A public material is also listed on the event's public
page, under the same timing rule.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["is_released", "released_at"]


def released_at(rule: str, session_end: datetime | None, event_end: datetime) -> datetime | None:
    """The moment the material becomes available, or None when it never does ("now" is the distant past)."""
    if rule == "now":
        return datetime.min.replace(tzinfo=event_end.tzinfo)
    if rule == "after_session":
        return session_end or event_end
    return None


def is_released(rule: str, session_end: datetime | None, event_end: datetime, now: datetime) -> bool:
    """Whether participants may download the material at `now`."""
    moment = released_at(rule, session_end, event_end)
    return moment is not None and now >= moment
