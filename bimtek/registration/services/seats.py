"""The one seat allocator: single registrations, imports, walk-ins, approvals and promotions all take seats here.

A seat is taken by one conditional UPDATE (`taken + n <= capacity`), so under any concurrency a mode is never
oversold; the CHECK constraints on events (0 <= taken <= capacity) guard the counters besides. Nothing here
counts registrations and then inserts.
"""

from __future__ import annotations

from sqlalchemy import select, update

from bimtek.events.models import Event
from bimtek.extensions import db


def _columns(mode: str):
    if mode == "onsite":
        return Event.onsite_taken, Event.onsite_capacity
    return Event.online_taken, Event.online_capacity


def _take(event_id: int, mode: str, n: int) -> bool:
    col, cap = _columns(mode)
    result = db.session.execute(
        update(Event)
        .where(Event.id == event_id, col + n <= cap)
        .values({col: col + n})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def take_seats(event_id: int, mode: str, wanted: int = 1) -> int:
    """Take up to `wanted` seats of a mode; returns how many were taken (0 when the mode is full).

    Each attempt is one conditional UPDATE that takes all it asks for or nothing. A batch that does not
    fit whole asks again for what is free now (read only as a hint: the UPDATE re-checks it), so a bulk
    import fills the remaining seats first come, first served, and never more.
    """
    want = wanted
    while want > 0:
        if _take(event_id, mode, want):
            return want
        if wanted == 1:
            return 0
        col, cap = _columns(mode)
        free = db.session.scalar(select(cap - col).where(Event.id == event_id)) or 0
        want = min(want - 1, max(free, 0))
    return 0


def take_seat(event_id: int, mode: str) -> bool:
    """Take one seat of a mode; False when the mode is full."""
    return take_seats(event_id, mode, 1) == 1


def release_seat(event_id: int, mode: str, n: int = 1) -> None:
    """Give one seat (or `n` seats, e.g. an agency's unused quota) of a mode back."""
    if n < 1:
        return
    col, _cap = _columns(mode)
    db.session.execute(
        update(Event)
        .where(Event.id == event_id, col >= n)
        .values({col: col - n})
        .execution_options(synchronize_session=False)
    )
