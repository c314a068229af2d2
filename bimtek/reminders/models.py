"""Reminders of an event, the log of what was sent to whom, and the WhatsApp messages staff ticked off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.core.time import utcnow
from bimtek.extensions import db

SEND_STATUSES = ("claimed", "sent", "failed")


class Reminder(db.Model):
    """One scheduled message of an event: its kind, the session it is for (Zoom), its texts and switch.

    ``slot`` names it within the event ("h3", "zoom:12", "certificate"), unique per event, so the set of
    reminders is made once however often the page is opened.
    """

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("event_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    slot: Mapped[str] = mapped_column(String(40))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    send_time: Mapped[str] = mapped_column(String(5), default="08:00")  # local clock time (H-3, H-1)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    wa_text: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<Reminder {self.id} {self.slot} {'on' if self.enabled else 'off'}>"


class ReminderSend(db.Model):
    """One reminder to one participant. The row is claimed (inserted) before the email leaves; the unique
    (reminder, registration) pair is what makes a second run, another consumer or a restart send nothing."""

    __tablename__ = "reminder_sends"
    __table_args__ = (
        UniqueConstraint("reminder_id", "registration_id"),
        Index("ix_reminder_sends_event_claimed", "event_id", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "" (not sent automatically: staff use the WhatsApp page), "sent" or "failed" through the configured sender.
    wa_status: Mapped[str] = mapped_column(String(12), default="")

    def __repr__(self) -> str:
        return f"<ReminderSend r{self.reminder_id} reg{self.registration_id} {self.status}>"


class WhatsAppTick(db.Model):
    """A staff member marked the WhatsApp version of a reminder as sent to one participant by hand."""

    __tablename__ = "reminder_wa_ticks"
    __table_args__ = (UniqueConstraint("reminder_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    ticked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ticked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<WhatsAppTick r{self.reminder_id} reg{self.registration_id}>"
