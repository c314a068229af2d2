"""Events, agenda sessions and speakers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.core.time import as_utc, utcnow
from bimtek.extensions import db

EVENT_STATUSES = ("draft", "published", "closed", "archived")
MODES = ("onsite", "online")


class Event(db.Model):
    """A bimtek: where and when, seats per mode, Zoom details, and its lifecycle status."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("onsite_taken >= 0 AND onsite_taken <= onsite_capacity", name="onsite_seats"),
        CheckConstraint("online_taken >= 0 AND online_taken <= online_capacity", name="online_seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    organizer_unit: Mapped[str] = mapped_column(String(300), default="")
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(String(400), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    province_code: Mapped[str] = mapped_column(String(8), default="")
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    onsite_capacity: Mapped[int] = mapped_column(Integer, default=0)
    online_capacity: Mapped[int] = mapped_column(Integer, default=0)
    # Seats taken per mode: changed only by one conditional UPDATE (taken < capacity), never count-then-insert.
    onsite_taken: Mapped[int] = mapped_column(Integer, default=0)
    online_taken: Mapped[int] = mapped_column(Integer, default=0)
    zoom_join_url: Mapped[str] = mapped_column(String(500), default="")
    zoom_meeting_id: Mapped[str] = mapped_column(String(40), default="")
    zoom_passcode: Mapped[str] = mapped_column(String(40), default="")
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who may take a seat: "open" (anyone through the form), "nomination" (only agencies' PICs, see
    # bimtek.nominations) or "both". Set by the nominations feature; the public form follows it.
    intake: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    jp_minutes: Mapped[int] = mapped_column(Integer, default=45)
    # The organizer profile (kop, logo, signatories) its documents print; owned by bimtek.organizers.
    organizer_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer_profiles.id", ondelete="SET NULL"), index=True
    )
    # Per-event Ed25519 key pair for signing QR tickets (raw 32-byte keys).
    ticket_private_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    ticket_public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at"
    )

    def capacity(self, mode: str) -> int:
        """Seats for a mode."""
        return self.onsite_capacity if mode == "onsite" else self.online_capacity

    def taken(self, mode: str) -> int:
        """Seats taken in a mode."""
        return self.onsite_taken if mode == "onsite" else self.online_taken

    def seats_left(self, mode: str) -> int:
        """Seats still free in a mode."""
        return max(0, self.capacity(mode) - self.taken(mode))

    @property
    def modes(self) -> list[str]:
        """The modes this event offers (a mode with no seats is not offered)."""
        return [m for m in MODES if self.capacity(m) > 0]

    @property
    def is_public(self) -> bool:
        return self.status in ("published", "closed")

    def registration_open(self, now: datetime) -> bool:
        """Whether the public can register at `now`."""
        if self.status != "published" or self.intake == "nomination":
            return False
        opens, closes = as_utc(self.registration_opens_at), as_utc(self.registration_closes_at)
        if opens and now < opens:
            return False
        if closes and now > closes:
            return False
        return now < as_utc(self.ends_at)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.code} {self.status}>"


class EventSession(db.Model):
    """One item of the agenda, with its JP and speakers."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    jp: Mapped[float] = mapped_column(Float, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="sessions")
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Speaker.position"
    )

    @property
    def minutes(self) -> float:
        """Scheduled length in minutes."""
        return (as_utc(self.ends_at) - as_utc(self.starts_at)).total_seconds() / 60

    def __repr__(self) -> str:
        return f"<EventSession {self.id} {self.title!r}>"


SPEAKER_ROLES = ("narasumber", "moderator")


class Speaker(db.Model):
    """A narasumber or moderator of a session, with their institution."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(20), default="narasumber")
    email: Mapped[str] = mapped_column(String(254), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[EventSession] = relationship(back_populates="speakers")

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.role}>"
