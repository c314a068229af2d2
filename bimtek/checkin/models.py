"""The check-in log: one row per admitted scan at the venue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.core.time import utcnow
from bimtek.extensions import db

KINDS = ("entry", "exit")
SOURCES = ("scan", "manual", "walkin", "offline")
FLAGS = ("late_upload", "duplicate_offline", "admitted_online_override", "clock_skew")


class CheckIn(db.Model):
    """One scan that let someone in (or out) at a gate, for a session or for a whole day.

    `admit_key` holds "<registration>:<slot>" on the one entry row that admitted a person to a session or
    day, and NULL on every other row (exits, undone entries, a second device's offline admit). Its unique
    constraint is what makes two parallel scans of one ticket give one admit; `nonce` makes a retried scan
    create nothing new.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_event_day", "event_id", "day", "session_id"),
        Index("ix_checkins_registration", "registration_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="SET NULL"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(5), default="entry")
    gate: Mapped[str] = mapped_column(String(60), default="")
    device: Mapped[str] = mapped_column(String(100), default="")
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(10), default="scan")
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    admit_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # Any flag set: the organizer should look at this row (kept as a column so it can be filtered).
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration = relationship("Registration")
    staff = relationship("User", foreign_keys=[staff_user_id])

    @property
    def slot(self) -> str:
        """Which session or day this row counts for: "s<id>" or "d<YYYY-MM-DD>"."""
        return slot_key(self.session_id, self.day)

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} reg={self.registration_id} {self.kind} {self.slot} {self.source}>"


def slot_key(session_id: int | None, day: date) -> str:
    """A session's check-ins count per session; without a session, per day."""
    return f"s{session_id}" if session_id else f"d{day.isoformat()}"
