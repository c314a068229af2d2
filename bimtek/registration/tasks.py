"""Background work of registration: participant emails and bulk emails, through the job queue."""

from __future__ import annotations

import logging

from bimtek.core.mail import send_email
from bimtek.core.models import Job
from bimtek.extensions import db
from bimtek.jobs import finish_job, task
from bimtek.registration.models import Registration

log = logging.getLogger("bimtek.registration")


@task(retries=2, retry_delay=30)
def email_registration(registration_id: int, kind: str) -> bool:
    """Send one status email (confirmation, promotion, rejection...) to a participant."""
    from bimtek.registration.notify import send_registration_email

    reg = db.session.get(Registration, registration_id)
    if reg is None:
        return False
    return send_registration_email(reg, kind)


def _email_each(job_id: int, send, label: str) -> None:
    """Run `send(registration) -> bool` for every registration of a job, recording progress per batch."""
    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.status = "running"
    db.session.commit()
    ids = list(job.params.get("registration_ids", []))
    try:
        for start in range(0, len(ids), 100):
            batch = db.session.scalars(db.select(Registration).where(Registration.id.in_(ids[start : start + 100])))
            for reg in batch:
                if send(reg):
                    job.done += 1
                else:
                    job.failed += 1
            db.session.commit()
        finish_job(job)
    except Exception as err:  # a broken job must still show as failed, not hang at "running"
        log.exception("%s job %s failed", label, job_id)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        finish_job(job, error=str(err)[:500])
    db.session.commit()


@task()
def bulk_email(job_id: int) -> None:
    """Write one organizer message to each registration in the job, recording progress as it goes."""
    from bimtek.registration.notify import external_url

    job = db.session.get(Job, job_id)
    if job is None:
        return
    subject, body = job.params.get("subject", ""), job.params.get("body", "")

    def send(reg: Registration) -> bool:
        return send_email(
            reg.email, subject, "registration_bulk", reg=reg, event=reg.event, body=body,
            manage_url=external_url("registration.manage", token=reg.manage_token),
        )  # fmt: skip

    _email_each(job_id, send, "Bulk email")


@task()
def confirm_many(job_id: int) -> None:
    """Send the confirmation email (ticket, calendar, manage link) to each imported registration."""
    from bimtek.registration.notify import send_registration_email

    _email_each(job_id, lambda reg: send_registration_email(reg, "confirmed"), "Confirmation")
