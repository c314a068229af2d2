"""Background work of the evaluation: emailing each participant their evaluation link."""

from __future__ import annotations

from bimtek.core.models import Job
from bimtek.evaluation import services
from bimtek.extensions import db
from bimtek.jobs import finish_job, task


@task()
def send_invitations_task(job_id: int) -> None:
    """Queue entry point of an invitation job."""
    run_invitation_job(job_id)


def run_invitation_job(job_id: int, *, batch_size: int = 100) -> Job | None:
    """Email every confirmed participant who has neither answered nor been invited; commits per batch.

    Each email is recorded as sent in the batch's transaction, so a job that is run again (or restarted
    after a crash) only writes to the people it has not reached yet.
    """
    job = db.session.get(Job, job_id)
    if job is None or job.status == "done":
        return job
    job.status, job.done, job.failed = "running", 0, 0
    db.session.commit()
    refused: set[int] = set()
    try:
        while True:
            regs = services.invitation_recipients(job.event_id, limit=batch_size, exclude=refused)
            if not regs:
                break
            sent, failed = services.send_invitations(regs)
            refused.update(failed)  # tried once in this run; a later run tries them again
            job.done += sent
            job.failed += len(failed)
            db.session.commit()
        finish_job(job)
    except Exception as err:  # record the failure for the organizer's progress view
        db.session.rollback()
        job = db.session.get(Job, job_id)
        finish_job(job, error=type(err).__name__)
    db.session.commit()
    return job
