"""Server-side staff sessions: start, check, touch and end them.

The signed Flask cookie alone cannot be revoked: whoever copied it keeps it. So the cookie also carries a
random session key, and only its SHA-256 lives in `staff_sessions`. A request is signed in only while that
row is live: not ended, used within the idle limit and younger than the absolute limit. Ending every row of
a user (and bumping `users.session_version`) is "sign out everywhere".
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bimtek.accounts.models import StaffSession, User
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.extensions import db

# last_seen_at is written at most this often per session, so a busy scanner does not write on every scan.
TOUCH_EVERY = timedelta(seconds=60)

END_REASONS = ("logout", "password", "reset", "deactivated", "signout_all", "ended_by_user", "idle", "expired")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User, *, ip: str | None = "", user_agent: str | None = "") -> str:
    """Record a new session for a user and return its key (for the cookie only; never stored)."""
    key = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(user_id=user.id, key_hash=_hash(key), ip=(ip or "")[:45], user_agent=(user_agent or "")[:200])
    )
    db.session.flush()
    return key


def live_session(
    user: User, key: str | None, *, now: datetime, idle: timedelta, max_age: timedelta
) -> StaffSession | None:
    """The user's session with this key when it is still live, else None."""
    if not key or not isinstance(key, str) or len(key) > 100:
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key)))
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return None
    if as_utc(row.last_seen_at) + idle <= now or as_utc(row.created_at) + max_age <= now:
        return None
    return row


def needs_touch(row: StaffSession, now: datetime) -> bool:
    """Whether last_seen_at is old enough to be worth a write."""
    return as_utc(row.last_seen_at) + TOUCH_EVERY <= now


def touch(session_id: int, now: datetime) -> None:
    """Move a session's last_seen_at forward (one UPDATE)."""
    db.session.execute(update(StaffSession).where(StaffSession.id == session_id).values(last_seen_at=now))


def end_session(key: str | None, reason: str = "logout") -> None:
    """End the session with this key (logout)."""
    if key and isinstance(key, str):
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.key_hash == _hash(key), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason)
        )


def end_session_of(user: User, session_id: int, *, actor=None) -> bool:
    """End one of the user's sessions from their sessions page; False when it is not theirs or already ended."""
    row = db.session.get(StaffSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    row.ended_at, row.end_reason = utcnow(), "ended_by_user"
    audit.record("session.end", row, actor=actor or user)
    return True


def end_all_sessions(user: User, reason: str, *, actor=None) -> int:
    """End every session of a user at once and invalidate any cookie minted before now; returns how many."""
    result = db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    # The version in the cookie's user id is a second, independent lock on the same door.
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()
    audit.record("session.end_all", user, actor=actor, details={"reason": reason, "count": result.rowcount})
    return result.rowcount


def active_sessions(user: User, *, now: datetime, idle: timedelta, max_age: timedelta) -> list[StaffSession]:
    """The user's live sessions, most recently used first."""
    rows = db.session.scalars(
        select(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .where(StaffSession.created_at > now - max_age, StaffSession.last_seen_at > now - idle)
        .order_by(StaffSession.last_seen_at.desc())
    ).all()
    return list(rows)
