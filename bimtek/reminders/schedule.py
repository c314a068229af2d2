"""When each reminder of an event is due, in the event's local time (WIB/WITA/WIT), and the default texts.

Pure module. Times are UTC in and out; "H-3 at 08.00" means 08.00 on the local calendar of the event's
time zone three days before its first day. A reminder is sent inside its window ``[due, late)``: a consumer
that was down past ``late`` (or a reminder enabled too late) does not send "3 days to go" on the day itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bimtek.core.placeholders import fill, unknown

__all__ = [
    "DEFAULTS", "KINDS", "WA_ONLY", "allowed_tokens", "fill", "PLACEHOLDERS", "WA_PLACEHOLDERS", "Window", "certificate_window", "day_window",
    "first_of_each_day", "opening_window", "parse_send_time", "session_window", "unknown_tokens",
]  # fmt: skip

KINDS = ("ticket", "h3", "h1", "zoom", "evaluation", "post_test", "certificate")
# WhatsApp only, never scheduled: its email (the confirmation with the ticket) is sent by registration itself.
WA_ONLY = frozenset({"ticket"})
DAYS_BEFORE = {"h3": 3, "h1": 1}
ZOOM_LEAD = timedelta(hours=1)
OPENING_LATE = timedelta(days=3)  # evaluation / post-test: not announced later than this after they open
CERTIFICATE_LATE = timedelta(days=30)
CERTIFICATE_DELAY = timedelta(hours=1)

# Every placeholder a text may use (core.labels kind reminder_placeholder says what each stands for).
PLACEHOLDERS = ("nama", "acara", "waktu", "tautan", "sesi", "jam", "zoom")
# The WhatsApp version carries the name and the private link, never contact data, NIP or the Zoom passcode.
WA_PLACEHOLDERS = ("nama", "acara", "waktu", "tautan", "sesi", "jam")
ZOOM_ONLY = frozenset({"sesi", "jam", "zoom"})

DEFAULTS: dict[str, dict[str, str]] = {
    "ticket": {
        "subject": "",
        "body": "",
        "wa_text": "Halo {nama}, pendaftaran Anda untuk {acara} ({waktu}) sudah kami terima. Tiket, tautan Zoom, "
        "dan info ada di tautan pribadi Anda: {tautan}",
    },
    "h3": {
        "subject": "3 hari lagi: {acara}",
        "body": "Yth. {nama},\n\n{acara} dimulai {waktu}. Tiket, detail kegiatan, dan perubahan pendaftaran "
        "ada di tautan pribadi Anda:\n{tautan}\n\nSampai jumpa.",
        "wa_text": "Halo {nama}, 3 hari lagi {acara} ({waktu}). Tiket dan info: {tautan}",
    },
    "h1": {
        "subject": "Besok: {acara}",
        "body": "Yth. {nama},\n\n{acara} dimulai besok, {waktu}. Siapkan tiket Anda (peserta luring) atau "
        "tautan Zoom (peserta daring) dari tautan pribadi Anda:\n{tautan}\n\nSampai jumpa besok.",
        "wa_text": "Halo {nama}, besok {acara} ({waktu}). Tiket dan info: {tautan}",
    },
    "zoom": {
        "subject": "Satu jam lagi: {sesi}",
        "body": 'Yth. {nama},\n\nSesi "{sesi}" dari {acara} dimulai pukul {jam}. Bergabung melalui Zoom:\n'
        "{zoom}\n\nTautan pribadi Anda: {tautan}",
        "wa_text": "Halo {nama}, sesi {sesi} mulai pukul {jam}. Detail Zoom: {tautan}",
    },
    "evaluation": {
        "subject": "Evaluasi dibuka: {acara}",
        "body": "Yth. {nama},\n\nEvaluasi {acara} sudah dibuka. Mohon isi melalui tautan pribadi Anda:\n"
        "{tautan}\n\nTerima kasih.",
        "wa_text": "Halo {nama}, evaluasi {acara} sudah dibuka: {tautan}",
    },
    "post_test": {
        "subject": "Post-test dibuka: {acara}",
        "body": "Yth. {nama},\n\nPost-test {acara} sudah dibuka. Kerjakan melalui tautan pribadi Anda:\n"
        "{tautan}\n\nTerima kasih.",
        "wa_text": "Halo {nama}, post-test {acara} sudah dibuka: {tautan}",
    },
    "certificate": {
        "subject": "Sertifikat siap: {acara}",
        "body": "Yth. {nama},\n\nSertifikat Anda untuk {acara} sudah terbit. Unduh melalui tautan pribadi Anda:\n"
        "{tautan}\n\nTerima kasih atas partisipasi Anda.",
        "wa_text": "Halo {nama}, sertifikat {acara} sudah terbit: {tautan}",
    },
}
_TIME = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")


@dataclass(frozen=True)
class Window:
    """Send between ``due`` (inclusive) and ``late`` (exclusive), UTC."""

    due: datetime
    late: datetime

    def open_at(self, now: datetime) -> bool:
        return self.due <= now < self.late


def parse_send_time(text: str) -> time | None:
    """ "08.00" or "8:00" -> 08:00; None when it is not a clock time."""
    match = _TIME.match((text or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def day_window(kind: str, event_start: datetime, tz: str, send_at: time) -> Window:
    """H-3 / H-1: ``send_at`` local time, N local days before the event's first local day; late at the start."""
    zone = ZoneInfo(tz)
    first_day = event_start.astimezone(zone).date()
    due = datetime.combine(first_day - timedelta(days=DAYS_BEFORE[kind]), send_at, tzinfo=zone)
    due_utc = due.astimezone(event_start.tzinfo)
    return Window(due_utc, min(due_utc + timedelta(days=1), event_start))


def session_window(session_start: datetime) -> Window:
    """One hour before a session, until it starts."""
    return Window(session_start - ZOOM_LEAD, session_start)


def opening_window(opens: datetime, closes: datetime | None) -> Window:
    """When the evaluation or post-test opens, until it closes (at most three days)."""
    late = opens + OPENING_LATE
    return Window(opens, min(late, closes) if closes else late)


def certificate_window(issued_at: datetime) -> Window:
    """A participant's certificate: an hour after it is issued (the issuing job's own email goes first), for
    thirty days."""
    due = issued_at + CERTIFICATE_DELAY
    return Window(due, due + CERTIFICATE_LATE)


def first_of_each_day(starts: list[datetime], tz: str) -> set[int]:
    """Indexes of the sessions that open a local day (their Zoom reminder is on by default)."""
    zone = ZoneInfo(tz)
    seen: dict = {}
    for i, start in sorted(enumerate(starts), key=lambda p: p[1]):
        seen.setdefault(start.astimezone(zone).date(), i)
    return set(seen.values())


def allowed_tokens(kind: str, *, whatsapp: bool) -> tuple[str, ...]:
    """The placeholders a reminder's email or WhatsApp text may use ({sesi}, {jam}, {zoom}: Zoom reminders only)."""
    tokens = WA_PLACEHOLDERS if whatsapp else PLACEHOLDERS
    return tokens if kind == "zoom" else tuple(t for t in tokens if t not in ZOOM_ONLY)


unknown_tokens = unknown  # the ``{tokens}`` of a text that are not in ``allowed``
