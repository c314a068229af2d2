"""Background work of the evaluation: emailing each participant their evaluation link."""

from __future__ import annotations

import functools

from bimtek.core.models import Job
from bimtek.evaluation import services
from bimtek.jobs import job_task, progress, run_job


@job_task("evaluation.invite")
def send_invitations_task(job: Job) -> None:
    """Queue entry point of an invitation job (the consumer runs it under the job lifecycle)."""
    _invite(job)


def run_invitation_job(job_id: int, *, batch_size: int = 100) -> Job | None:
    """Run an invitation job here and now (CLI, tests); it may restart a failed job."""
    return run_job(job_id, functools.partial(_invite, batch_size=batch_size), direct=True)


def _invite(job: Job, *, batch_size: int = 100) -> None:
    """Email every confirmed participant who has neither answered nor been invited; commits per batch.

    Each email is recorded as sent in the batch's transaction, so a job that is run again (or restarted
    after a crash) only writes to the people it has not reached yet.
    """
    done = failed = 0
    progress(job, done=0, failed=0)
    refused: set[int] = set()
    while services.accepts_answers(job.event_id):  # closed meanwhile: nobody is invited to a closed form
        regs = services.invitation_recipients(job.event_id, limit=batch_size, exclude=refused)
        if not regs:
            break
        sent, not_sent = services.send_invitations(regs)
        refused.update(not_sent)  # tried once in this run; a later run tries them again
        done, failed = done + sent, failed + len(not_sent)
        progress(job, done=done, failed=failed)
