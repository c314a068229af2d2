"""Sending due reminders, once each: claim the (reminder, registration) row, then email, then log.

``send_due`` is what the consumer's periodic task runs every minute (outside any request). For each
enabled reminder whose window is open it takes the participants not yet in the log, and per batch:

1. inserts their ``reminder_sends`` rows as "claimed" (INSERT ... ON CONFLICT DO NOTHING RETURNING) and
   commits, so only the rows this run inserted are sent: a second consumer, a second run or a restart
   finds them taken;
2. emails each (core.mail: nothing is uncommitted, so it leaves at once) and, when an operator configured
   a WhatsApp sender, posts the WhatsApp version too;
3. records sent or failed per row and commits.

A crash between 1 and 3 leaves "claimed" rows: the log shows them as not certainly sent, and they are never
sent again (at most once; a person reads the log rather than receive a reminder twice).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from bimtek.core.mail import send_email
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.phone import PhoneError
from bimtek.reminders import schedule, services, whatsapp
from bimtek.reminders.models import Reminder, ReminderSend

log = logging.getLogger("bimtek.reminders")
BATCH = 200
# Events whose reminders may still be due: not yet over, or over less than the certificate window ago.
HORIZON = schedule.CERTIFICATE_LATE + timedelta(days=1)


def sender():
    """The configured WhatsApp sender, or None (staff send by hand from the WhatsApp page)."""
    cfg = current_app.config
    return whatsapp.make_sender(cfg.get("WHATSAPP_SENDER") or "", cfg.get("WHATSAPP_URL") or "",
                                cfg.get("WHATSAPP_TOKEN") or "")  # fmt: skip


def active_events(now: datetime) -> list[Event]:
    """Published or closed events that have not been over for longer than the horizon."""
    return list(db.session.scalars(
        select(Event).where(Event.status.in_(("published", "closed")), Event.ends_at > now - HORIZON)
        .order_by(Event.id)
    ))  # fmt: skip


def send_due(now: datetime | None = None) -> int:
    """Send every reminder due at ``now`` (default: the reminders clock) to whoever has not had it; the count."""
    now = now or services.clock()
    try:
        wa = sender()
    except ValueError as err:  # a mistyped BIMTEK_WHATSAPP_SENDER must not stop the emails
        log.error("WhatsApp sender not used: %s", err)
        wa = None
    total = 0
    for event_id in [e.id for e in active_events(now)]:
        try:
            event = db.session.get(Event, event_id)
            services.ensure_reminders(event)
            db.session.commit()
            total += send_event(event, now, wa)
        except Exception:  # one event's failure (logged) must not keep the others' reminders back
            db.session.rollback()
            log.exception("Reminders of event %s could not be sent", event_id)
    return total


def send_event(event: Event, now: datetime, wa=None) -> int:
    """Send the due reminders of one event; the number of emails sent."""
    ctx = services.Context.of(event)
    total = 0
    for reminder in services.ordered(event, list(db.session.scalars(
            select(Reminder).where(Reminder.event_id == event.id, Reminder.enabled.is_(True))))):  # fmt: skip
        if reminder.kind == "certificate":
            # The certificates feature emails each new certificate itself; this reminder reaches the others
            # (issued without email, or the email failed) an hour later, by email and WhatsApp.
            people = [p for p in services.recipients(reminder, ctx)
                      if not p["emailed"] and schedule.certificate_window(p["ready_at"]).open_at(now)]  # fmt: skip
        else:
            window = services.window_of(reminder, ctx)
            if window is None or not window.open_at(now):
                continue
            people = services.recipients(reminder, ctx)
        if people:
            total += send_reminder(reminder, ctx, people, now, wa)
    return total


def send_reminder(reminder: Reminder, ctx: services.Context, people: list[dict], now: datetime, wa=None) -> int:
    """Claim, send and log one reminder for the given participants (those already in the log are skipped)."""
    reminder_id, event_id = reminder.id, reminder.event_id
    done = set(db.session.scalars(select(ReminderSend.registration_id).where(ReminderSend.reminder_id == reminder_id)))
    todo = [p for p in people if p["id"] not in done]
    common, pattern = services.event_values(reminder, ctx), services.link_pattern(reminder)
    sent_total = 0
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        won = claim(reminder_id, event_id, [p["id"] for p in batch], now)
        outcome: dict[str, list[int]] = {"sent": [], "failed": []}
        wa_outcome: dict[str, list[int]] = {"sent": [], "failed": []}
        for person in batch:
            if person["id"] not in won:
                continue
            message = services.compose(reminder, common, person, pattern)
            ok = send_email(person["email"], message["subject"], "reminder", event=ctx.event,
                            body=message["body"], link=message["link"])  # fmt: skip
            outcome["sent" if ok else "failed"].append(person["id"])
            if wa is not None and person["phone"]:
                wa_outcome[_send_whatsapp(wa, person["phone"], message["wa_text"])].append(person["id"])
        record(reminder_id, outcome, wa_outcome, services.clock())
        sent_total += len(outcome["sent"])
    if todo:
        log.info("Reminder %s of event %s: %d sent", reminder.slot, event_id, sent_total)
    return sent_total


def _send_whatsapp(wa, phone: str, text: str) -> str:
    try:
        wa.send(phone, text)
        return "sent"
    except (whatsapp.SendError, PhoneError) as err:
        log.warning("WhatsApp sender refused a message: %s", err)  # the error text carries no number
        return "failed"


def claim(reminder_id: int, event_id: int, registration_ids: list[int], now: datetime) -> set[int]:
    """Insert the claim rows this run wins (the unique pair refuses the others) and commit; the won ids."""
    if not registration_ids:
        return set()
    table = ReminderSend.__table__
    stmt = services.insert_ignoring_duplicates(table, ["reminder_id", "registration_id"]).returning(
        table.c.registration_id
    )
    rows = [{"reminder_id": reminder_id, "registration_id": rid, "event_id": event_id, "status": "claimed",
             "claimed_at": now, "wa_status": ""} for rid in registration_ids]  # fmt: skip
    won = set(db.session.execute(stmt, rows).scalars().all())
    db.session.commit()
    return won


def record(reminder_id: int, outcome: dict, wa_outcome: dict, at: datetime) -> None:
    """Write how each claimed message went, then commit."""
    table = ReminderSend.__table__
    for status, ids in outcome.items():
        if ids:
            values = {"status": status, "sent_at": at} if status == "sent" else {"status": status}
            db.session.execute(update(table).where(table.c.reminder_id == reminder_id,
                                                   table.c.registration_id.in_(ids)).values(**values))  # fmt: skip
    for status, ids in wa_outcome.items():
        if ids:
            db.session.execute(update(table).where(table.c.reminder_id == reminder_id,
                                                   table.c.registration_id.in_(ids)).values(wa_status=status))  # fmt: skip
    db.session.commit()
