"""The reminders of an event: made once per event with default texts, edited by the organizer, planned.

Which participants a reminder goes to and when it is due live here; the sending itself (claim, email,
WhatsApp sender, log) is in ``sending``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bimtek.certificates import queries as certificates
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError
from bimtek.evaluation import queries as evaluation
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.i18n import format_clock, format_event_when
from bimtek.learning import queries as learning
from bimtek.registration import queries as registration
from bimtek.reminders import schedule
from bimtek.reminders.models import Reminder, ReminderSend, WhatsAppTick

MAX_SUBJECT, MAX_BODY, MAX_WA = 200, 5000, 500


def clock() -> datetime:
    """Now, from REMINDERS_CLOCK (a callable; tests and the bench move time with it) or the real clock."""
    source = current_app.config.get("REMINDERS_CLOCK")
    return as_utc(source()) if source else utcnow()


def external_url(endpoint: str, **values) -> str:
    """An absolute link on BASE_URL (the consumer builds messages outside any request)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


# ------------------------------------------------------------------------------------------ the set


def _zoom_event(event: Event) -> bool:
    return event.online_capacity > 0 and bool(event.zoom_join_url)


def insert_ignoring_duplicates(table, unique: list[str]):
    """INSERT ... ON CONFLICT (unique) DO NOTHING on PostgreSQL and SQLite: a row someone else inserted first
    (another consumer, a page opened at the same moment) is left alone instead of failing the transaction."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=unique)


def ensure_reminders(event: Event) -> list[Reminder]:
    """The event's reminders, adding any missing one with its default text (the caller commits).

    Safe when two callers add the same event's reminders at once: the unique (event, slot) keeps one each.
    """
    have = set(db.session.scalars(select(Reminder.slot).where(Reminder.event_id == event.id)))
    wanted: list[tuple[str, str, int | None, bool]] = [
        ("ticket", "ticket", None, True), ("h3", "h3", None, True), ("h1", "h1", None, True),
    ]  # fmt: skip
    if _zoom_event(event):
        sessions = list(event.sessions)
        firsts = schedule.first_of_each_day([as_utc(s.starts_at) for s in sessions], event.timezone)
        wanted += [("zoom", f"zoom:{s.id}", s.id, i in firsts) for i, s in enumerate(sessions)]
    wanted += [("evaluation", "evaluation", None, True), ("post_test", "post_test", None, True),
               ("certificate", "certificate", None, True)]  # fmt: skip
    now = utcnow()
    rows = [
        {"event_id": event.id, "kind": kind, "slot": slot, "session_id": session_id, "enabled": enabled,
         "send_time": "08:00", "updated_at": now, **schedule.DEFAULTS[kind]}
        for kind, slot, session_id, enabled in wanted if slot not in have
    ]  # fmt: skip
    if rows:
        db.session.execute(insert_ignoring_duplicates(Reminder.__table__, ["event_id", "slot"]), rows)
    items = list(db.session.scalars(select(Reminder).where(Reminder.event_id == event.id)))
    return ordered(event, items)


def ordered(event: Event, items: list[Reminder]) -> list[Reminder]:
    """In the order they happen: H-3, H-1, the Zoom sessions by start, evaluation, post-test, certificate."""
    starts = {s.id: as_utc(s.starts_at) for s in event.sessions}
    rank = {k: i for i, k in enumerate(schedule.KINDS)}
    return sorted(items, key=lambda r: (rank.get(r.kind, 99), starts.get(r.session_id) or datetime.min.replace(
        tzinfo=as_utc(event.starts_at).tzinfo), r.id or 0))  # fmt: skip


def get_reminder(event: Event, reminder_id: int) -> Reminder | None:
    """A reminder of this event (None for another event's: the page answers 404)."""
    reminder = db.session.get(Reminder, reminder_id)
    return reminder if reminder is not None and reminder.event_id == event.id else None


def update_reminder(reminder: Reminder, data: dict, *, user) -> None:
    """Save the organizer's switch, clock time and texts; unknown placeholders are refused (422)."""
    errors = {}
    wa_only = reminder.kind in schedule.WA_ONLY
    subject, body, wa_text = (str(data.get(k) or "").strip() for k in ("subject", "body", "wa_text"))
    if wa_only:  # only the WhatsApp text: registration sends the email itself
        subject, body = reminder.subject, reminder.body
    fields = [("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY), ("wa_text", wa_text, MAX_WA)]
    for name, value, limit in fields[2:] if wa_only else fields:
        if not value:
            errors[name] = _("Wajib diisi.")
        elif len(value) > limit:
            errors[name] = _("Paling banyak %(n)s karakter.", n=limit)
        else:
            allowed = schedule.allowed_tokens(reminder.kind, whatsapp=name == "wa_text")
            wrong = schedule.unknown_tokens(value, allowed)
            if wrong:
                errors[name] = _("Penanda tidak dikenal: %(tokens)s.", tokens=", ".join(wrong))
    send_time = str(data.get("send_time") or reminder.send_time).strip()
    parsed = schedule.parse_send_time(send_time)
    if parsed is None:
        errors["send_time"] = _("Tulis jam seperti 08.00.")
    if errors:
        raise DomainError("invalid_reminder", _("Periksa isian pengingat."), status=422, fields=errors)
    reminder.enabled = True if wa_only else bool(data.get("enabled"))
    reminder.send_time = parsed.strftime("%H:%M")
    reminder.subject, reminder.body, reminder.wa_text = subject, body, wa_text
    reminder.updated_by_id = getattr(user, "id", None)
    audit.record("reminders.update", reminder, event_id=reminder.event_id, actor=user,
                 details={"slot": reminder.slot, "enabled": reminder.enabled})  # fmt: skip


# ------------------------------------------------------------------------------------------ planning


@dataclass
class Context:
    """What one event's reminders need, read once: sessions, evaluation and post-test windows, certificates."""

    event: Event
    sessions: dict = field(default_factory=dict)
    evaluation: tuple | None = None
    post_test: tuple | None = None
    certificates: dict | None = None

    @classmethod
    def of(cls, event: Event) -> Context:
        return cls(
            event, {s.id: s for s in event.sessions}, evaluation.opening(event), learning.post_test_window(event)
        )

    def ready(self) -> dict:
        if self.certificates is None:
            self.certificates = certificates.ready_certificates(self.event)
        return self.certificates


def window_of(reminder: Reminder, ctx: Context) -> schedule.Window | None:
    """When the reminder is due (None: not scheduled, e.g. no evaluation time yet; per person: certificate)."""
    event = ctx.event
    if reminder.kind in schedule.DAYS_BEFORE:
        at = schedule.parse_send_time(reminder.send_time)
        return schedule.day_window(reminder.kind, as_utc(event.starts_at), event.timezone, at)
    if reminder.kind == "zoom":
        session = ctx.sessions.get(reminder.session_id)
        return schedule.session_window(as_utc(session.starts_at)) if session else None
    if reminder.kind == "evaluation" and ctx.evaluation:
        return schedule.opening_window(*ctx.evaluation)
    if reminder.kind == "post_test" and ctx.post_test and ctx.post_test[0]:
        return schedule.opening_window(*ctx.post_test)
    return None


def state_of(reminder: Reminder, window: schedule.Window | None, now: datetime) -> str:
    """wa_only, off, unscheduled, waiting, open, past or per_person (a key of core.labels kind reminder_state)."""
    if reminder.kind in schedule.WA_ONLY:
        return "wa_only"
    if not reminder.enabled:
        return "off"
    if reminder.kind == "certificate":
        return "per_person"
    if window is None:
        return "unscheduled"
    if now < window.due:
        return "waiting"
    return "open" if window.open_at(now) else "past"


def recipients(reminder: Reminder, ctx: Context) -> list[dict]:
    """Who the reminder is for: confirmed participants; online ones for Zoom; certified ones for certificates.

    Each is a plain dict (registration.queries.contacts), plus "ready_at" and "emailed" (the certificates
    feature's own email reached them) for a certificate.
    """
    event = ctx.event
    if reminder.kind == "zoom":
        return registration.contacts(event.id, mode="online")
    if reminder.kind == "certificate":
        ready = ctx.ready()
        people = registration.contacts(event.id, ids=list(ready))
        for person in people:
            person["ready_at"] = ready[person["id"]]["issued_at"]
            person["emailed"] = ready[person["id"]]["emailed"]
        return people
    return registration.contacts(event.id)


_TOKEN_MARK = "tokenmark0"  # noqa: S105 (not a secret) stands for a participant's token while a reminder's link is built once


def link_pattern(reminder: Reminder) -> str:
    """The reminder's private link with a marker for the participant's token (url_for once per reminder,
    not once per participant: thousands of messages share it)."""
    if reminder.kind == "evaluation":
        return external_url("evaluation.participant_form", token=_TOKEN_MARK)
    if reminder.kind == "post_test":
        return external_url("learning.take", token=_TOKEN_MARK, kind="post")
    if reminder.kind == "certificate":
        return external_url("certificates.participant_download", manage_token=_TOKEN_MARK, view=1)
    return external_url("registration.manage", token=_TOKEN_MARK)


def link_for(reminder: Reminder, token: str, pattern: str | None = None) -> str:
    """The participant's private link this reminder points to."""
    return (pattern or link_pattern(reminder)).replace(_TOKEN_MARK, token)


def event_values(reminder: Reminder, ctx: Context) -> dict[str, str]:
    """The placeholders that are the same for every participant (computed once per reminder)."""
    event = ctx.event
    values = {"acara": event.title, "waktu": format_event_when(event.starts_at, event.ends_at, event.timezone, "id")}
    session = ctx.sessions.get(reminder.session_id) if reminder.kind == "zoom" else None
    if session is not None:
        values["sesi"] = session.title
        values["jam"] = format_clock(session.starts_at, event.timezone, "id")
        lines = [event.zoom_join_url]
        if event.zoom_meeting_id:
            lines.append(f"Meeting ID: {event.zoom_meeting_id}")
        if event.zoom_passcode:
            lines.append(f"Kode sandi: {event.zoom_passcode}")
        values["zoom"] = "\n".join(lines)
    return values


def compose(reminder: Reminder, common: dict, person: dict, pattern: str | None = None) -> dict[str, str]:
    """Subject, body and WhatsApp text for one participant, and the link they carry (``pattern``: the
    reminder's link_pattern, when many messages are composed)."""
    link = link_for(reminder, person["manage_token"], pattern)
    values = {**common, "nama": person["full_name"], "tautan": link}
    wa_values = {k: v for k, v in values.items() if k in schedule.WA_PLACEHOLDERS}
    return {
        "subject": schedule.fill(reminder.subject, values),
        "body": schedule.fill(reminder.body, values),
        "wa_text": schedule.fill(reminder.wa_text, wa_values),
        "link": link,
    }


def plan(event: Event, now: datetime) -> list[dict]:
    """Every reminder of the event with its due time, state and send counts (for the organizer's page)."""
    items = ensure_reminders(event)
    ctx = Context.of(event)
    counts: dict = {}
    for rid, status, n in db.session.execute(
        select(ReminderSend.reminder_id, ReminderSend.status, func.count())
        .where(ReminderSend.event_id == event.id)
        .group_by(ReminderSend.reminder_id, ReminderSend.status)
    ):
        counts.setdefault(rid, {})[status] = int(n)
    out = []
    for reminder in items:
        window = window_of(reminder, ctx)
        session = ctx.sessions.get(reminder.session_id)
        subject = schedule.fill(reminder.subject, event_values(reminder, ctx))  # {nama} stays as a placeholder
        out.append({"reminder": reminder, "window": window, "state": state_of(reminder, window, now),
                    "session": session, "counts": counts.get(reminder.id, {}), "subject": subject})  # fmt: skip
    return out


def log(event: Event, limit: int = 100) -> list[dict]:
    """The latest sends of the event, newest first: who, which reminder, when, how it went."""
    rows = db.session.execute(
        select(ReminderSend, Reminder.kind, Reminder.session_id)
        .join(Reminder, Reminder.id == ReminderSend.reminder_id)
        .where(ReminderSend.event_id == event.id)
        .order_by(ReminderSend.claimed_at.desc(), ReminderSend.id.desc())
        .limit(limit)
    ).all()
    people = registration.registrations_by_id([row[0].registration_id for row in rows])
    sessions = {s.id: s.title for s in event.sessions}
    return [{"send": send, "kind": kind, "session": sessions.get(session_id, ""),
             "name": getattr(people.get(send.registration_id), "full_name", "")}
            for send, kind, session_id in rows]  # fmt: skip


def ticks(reminder: Reminder) -> dict[int, datetime]:
    """{registration id: when a staff member ticked the WhatsApp message as sent} for one reminder."""
    return dict(db.session.execute(select(WhatsAppTick.registration_id, WhatsAppTick.ticked_at)
                                   .where(WhatsAppTick.reminder_id == reminder.id)).all())  # fmt: skip


def auto_wa(reminder: Reminder) -> dict[int, str]:
    """{registration id: wa_status} of the messages the configured WhatsApp sender handled."""
    return dict(db.session.execute(select(ReminderSend.registration_id, ReminderSend.wa_status).where(
        ReminderSend.reminder_id == reminder.id, ReminderSend.wa_status != "")).all())  # fmt: skip


def set_tick(reminder: Reminder, registration_id: int, sent: bool, *, user) -> None:
    """Mark (or unmark) one participant's WhatsApp message as sent by hand; 404 for someone not in the list."""
    ctx = Context.of(db.session.get(Event, reminder.event_id))
    if registration_id not in {p["id"] for p in recipients(reminder, ctx)}:
        raise DomainError("not_recipient", _("Peserta tidak ditemukan."), status=404)
    row = db.session.scalar(select(WhatsAppTick).where(WhatsAppTick.reminder_id == reminder.id,
                                                       WhatsAppTick.registration_id == registration_id))  # fmt: skip
    if sent and row is None:
        db.session.add(WhatsAppTick(reminder_id=reminder.id, registration_id=registration_id,
                                    ticked_by_id=getattr(user, "id", None)))  # fmt: skip
    elif not sent and row is not None:
        db.session.delete(row)
    audit.record("reminders.whatsapp_tick", reminder, event_id=reminder.event_id, actor=user,
                 details={"registration_id": registration_id, "sent": sent})  # fmt: skip
