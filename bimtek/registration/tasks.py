"""Background work of registration: participant emails and bulk emails, through the job queue."""

from __future__ import annotations

from bimtek.core.mail import send_email
from bimtek.core.models import Job
from bimtek.extensions import db
from bimtek.jobs import job_task, progress, task
from bimtek.registration.models import Registration

BATCH = 100


@task(retries=2, retry_delay=30)
def email_registration(registration_id: int, kind: str) -> bool:
    """Send one status email (confirmation, promotion, rejection...) to a participant."""
    from bimtek.registration.notify import send_registration_email

    reg = db.session.get(Registration, registration_id)
    if reg is None:
        return False
    return send_registration_email(reg, kind)


@task(retries=2, retry_delay=30)
def email_links(email: str) -> bool:
    """ "Lupa tautan?": one email to an address listing the manage link of each of its registrations.

    Nothing is sent (and nothing logged) when the address has no registration.
    """
    from bimtek.registration.notify import send_links_email
    from bimtek.registration.services import registrations_by_email

    regs = registrations_by_email(email)
    if not regs:
        return False
    return send_links_email(regs)


def _email_each(job: Job, send) -> None:
    """Run ``send(registration) -> bool`` for every registration of a job, recording progress per batch.

    Counts are kept aside and written after each batch, so nothing is uncommitted while an email leaves
    and each outcome is known (see bimtek.core.outbox). A resumed job starts after the last recorded
    batch: only the batch a crash interrupted can be written to twice.
    """
    ids = list((job.params or {}).get("registration_ids", []))
    done, failed = job.done or 0, job.failed or 0
    for start in range(min(done + failed, len(ids)), len(ids), BATCH):
        batch = db.session.scalars(db.select(Registration).where(Registration.id.in_(ids[start : start + BATCH])))
        for reg in batch:
            if send(reg):
                done += 1
            else:
                failed += 1
        progress(job, done=done, failed=failed)


def placeholder_values(reg: Registration) -> dict[str, str]:
    """What {nama}, {kode} and {tautan} mean for one recipient."""
    from bimtek.registration.notify import external_url

    return {
        "nama": reg.full_name,
        "kode": reg.code,
        "tautan": external_url("registration.manage", token=reg.manage_token),
    }


def send_bulk_message(reg: Registration, subject: str, body: str, *, to: str | None = None) -> bool:
    """The organizer's message with its placeholders filled for ``reg``, sent to ``to`` (default: reg)."""
    from bimtek.registration.placeholders import fill

    values = placeholder_values(reg)
    return send_email(
        to or reg.email, fill(subject, values), "registration_bulk", reg=reg, event=reg.event,
        body=fill(body, values), manage_url=values["tautan"],
    )  # fmt: skip


@job_task("registration.bulk_email")
def bulk_email(job: Job) -> None:
    """Write one organizer message to each registration in the job, recording progress as it goes."""
    subject, body = job.params.get("subject", ""), job.params.get("body", "")

    def send(reg: Registration) -> bool:
        return send_bulk_message(reg, subject, body)

    _email_each(job, send)


@job_task("registration.confirm_many")
def confirm_many(job: Job) -> None:
    """Send the confirmation email (ticket, calendar, manage link) to each imported registration."""
    from bimtek.registration.notify import send_registration_email

    _email_each(job, lambda reg: send_registration_email(reg, "confirmed"))
