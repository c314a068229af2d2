"""The reminders feature's public read API (plain values out), e.g. for a participant's history."""

from __future__ import annotations

from sqlalchemy import select

from bimtek.extensions import db
from bimtek.reminders.models import Reminder, ReminderSend

__all__ = ["sent_to"]


def sent_to(registration_id: int) -> list[dict]:
    """The reminders emailed to one participant: {"kind", "status", "at"} in the order they were sent."""
    rows = db.session.execute(
        select(Reminder.kind, ReminderSend.status, ReminderSend.claimed_at)
        .join(Reminder, Reminder.id == ReminderSend.reminder_id)
        .where(ReminderSend.registration_id == registration_id)
        .order_by(ReminderSend.claimed_at, ReminderSend.id)
    ).all()
    return [{"kind": kind, "status": status, "at": at} for kind, status, at in rows]
