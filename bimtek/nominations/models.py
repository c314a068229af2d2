"""Nominations: an event's intake settings, the agencies it invites with their quotas, and who they nominated.

An agency's quota per mode is held as seats of the event from the moment it is invited (the event's
`taken` counters include them), so open registration can never take them. A nomination turns one held
seat into the nominee's seat; the deadline release hands the unused ones back to open registration.
`onsite_used`/`online_used` change only by one guarded UPDATE (`used + 1 <= quota`), never count-then-insert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.core.time import utcnow
from bimtek.extensions import db

INTAKES = ("open", "nomination", "both")


class NominationSettings(db.Model):
    """An event's nomination deadline and whether unused seats go back to open registration by themselves."""

    __tablename__ = "nomination_settings"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    auto_release: Mapped[bool] = mapped_column(Boolean, default=True)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class InvitedAgency(db.Model):
    """An agency invited to nominate people, with its quota per mode, its PIC and its private link."""

    __tablename__ = "nomination_agencies"
    __table_args__ = (
        CheckConstraint("onsite_used >= 0 AND onsite_used <= onsite_quota", name="agency_onsite_quota"),
        CheckConstraint("online_used >= 0 AND online_used <= online_quota", name="agency_online_quota"),
        UniqueConstraint("event_id", "name", name="uq_nomination_agencies_event_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    province_code: Mapped[str] = mapped_column(String(8), default="")
    regency_code: Mapped[str] = mapped_column(String(8), default="")
    onsite_quota: Mapped[int] = mapped_column(Integer, default=0)
    online_quota: Mapped[int] = mapped_column(Integer, default=0)
    onsite_used: Mapped[int] = mapped_column(Integer, default=0)
    online_used: Mapped[int] = mapped_column(Integer, default=0)
    pic_name: Mapped[str] = mapped_column(String(150), default="")
    pic_email: Mapped[str] = mapped_column(String(254), default="")
    pic_phone: Mapped[str] = mapped_column(String(20), default="")
    # The private link's token is derived from the app secret and this nonce; only its SHA-256 is stored.
    token_nonce: Mapped[str] = mapped_column(String(32), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    link_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    letter_stored: Mapped[str] = mapped_column(String(80), default="")
    letter_name: Mapped[str] = mapped_column(String(200), default="")
    letter_size: Mapped[int] = mapped_column(Integer, default=0)
    letter_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def quota(self, mode: str) -> int:
        return self.onsite_quota if mode == "onsite" else self.online_quota

    def used(self, mode: str) -> int:
        return self.onsite_used if mode == "onsite" else self.online_used

    @property
    def quota_total(self) -> int:
        return self.onsite_quota + self.online_quota

    @property
    def used_total(self) -> int:
        return self.onsite_used + self.online_used

    def __repr__(self) -> str:
        return f"<InvitedAgency {self.id} event={self.event_id}>"


class Nomination(db.Model):
    """One nominee of an agency: their registration (made through registration's one door)."""

    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("nomination_agencies.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Nomination {self.id} agency={self.agency_id}>"
