"""Background work of nominations: reminders to lagging agencies and the release at the deadline."""

from __future__ import annotations

import logging

from huey import crontab

from bimtek.core.time import utcnow
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.jobs import _in_app, huey, task
from bimtek.registration.tasks import email_registration

log = logging.getLogger("bimtek.nominations")


@task(retries=1, retry_delay=30)
def remind_agencies(event_id: int) -> int:
    """Email every lagging agency of an event its link again; commits after each email is queued."""
    from bimtek.nominations import notify, services

    sent = 0
    for agency in services.laggards(event_id):
        if notify.send_pic_email(agency, "reminder"):
            sent += 1
        db.session.commit()
    return sent


@task(retries=1, retry_delay=30)
def invite_agencies(event_id: int) -> int:
    """Email the invitation to every agency of an event that has an email and was not invited yet."""
    from bimtek.nominations import notify, services

    sent = 0
    for agency in services.agencies(event_id):
        if agency.invited_at is None and agency.pic_email and notify.send_pic_email(agency, "invite"):
            sent += 1
        db.session.commit()
    return sent


def release_due(now=None) -> list[int]:
    """Release the unused seats of every event whose nomination deadline has passed; one commit per event."""
    from bimtek.nominations import services

    now = now or utcnow()
    done = []
    for event_id in services.due_for_release(now):
        event = db.session.get(Event, event_id)
        out = services.release_unused(event, now=now, actor="system")
        db.session.commit()
        for registration_id in out["promoted_ids"]:
            email_registration(registration_id, "promoted")
        done.append(event_id)
    if done:
        log.info("Released unused nomination seats of %d event(s)", len(done))
    return done


@huey.periodic_task(crontab(minute="*/5"))
@_in_app
def release_due_nominations() -> None:
    """Every five minutes in the consumer: deadlines that passed hand their unused seats to open registration."""
    release_due()
