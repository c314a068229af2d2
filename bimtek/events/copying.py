"""Copy an event as the start of the next edition ("use last year's bimtek as the start").

What is copied: the event's details, its sessions with their speakers (moved to the new date), and,
through each feature's own service, the extra form questions, the eligibility rule, the evaluation
(questions and window) and the certificate design. What is not: people (registrations, check-ins,
attendance, answers, certificates) and the status: the copy is a draft. Services flush, never commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bimtek.core import audit
from bimtek.core.time import as_utc
from bimtek.errors import Invalid
from bimtek.events import services
from bimtek.events.models import Event


def shift_for(source: Event, starts_on: date) -> timedelta:
    """How far the copy moves: the same local time of day on ``starts_on`` (in the event's zone)."""
    zone = ZoneInfo(source.timezone or "Asia/Jakarta")
    old = as_utc(source.starts_at).astimezone(zone)
    new = datetime.combine(starts_on, old.time(), tzinfo=zone)
    return as_utc(new) - as_utc(old)


def _moved(value: datetime | None, shift: timedelta) -> datetime | None:
    return None if value is None else as_utc(value) + shift


def copy_event(source: Event, *, starts_on: date | None, title: str = "", slug: str = "", user) -> Event:
    """A draft copy of ``source`` starting on ``starts_on``, with its sessions, speakers and settings.

    ``slug`` (optional) names the copy's public address; by default it is ``<code>-<year>``."""
    slug = (slug or "").strip()
    if starts_on is None:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields={"starts_on": "Wajib diisi."})
    if slug:
        services.check_slug(slug)
    shift = shift_for(source, starts_on)
    raw = {name: getattr(source, name) for name in services.EVENT_FIELDS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        raw[name] = _moved(raw[name], shift)
    raw["title"] = (title or "").strip() or source.title
    event = services.create_event(raw, user=user)
    event.jp_minutes = source.jp_minutes
    if slug:
        event.slug = slug
    for s in source.sessions:
        services.add_session(event, {
            "title": s.title, "starts_at": _moved(s.starts_at, shift), "ends_at": _moved(s.ends_at, shift),
            "jp": s.jp,
            "speakers": [{"name": sp.name, "institution": sp.institution, "role": sp.role} for sp in s.speakers],
        }, user=user)  # fmt: skip
    _copy_feature_settings(source, event, shift, user)
    audit.record("event.copy", event, event_id=event.id, actor=user, details={"from_event_id": source.id})
    return event


def _copy_feature_settings(source: Event, event: Event, shift: timedelta, user) -> None:
    # Each feature copies its own tables through its services (events never reads them).
    from bimtek.attendance.services import copy_rule
    from bimtek.certificates.services.settings import copy_settings
    from bimtek.evaluation.services import copy_evaluation
    from bimtek.organizers import services as organizers
    from bimtek.registration.services import copy_questions

    if source.organizer_profile_id:
        organizers.assign(event, source.organizer_profile_id, actor=user)
    copy_questions(source.id, event)
    copy_rule(source.id, event)
    copy_evaluation(source.id, event, shift=shift)
    copy_settings(source.id, event)
