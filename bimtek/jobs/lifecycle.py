"""The life of a job: claim with a lease, heartbeat, finish or fail cleanly; the resume door; the sweep."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from huey import crontab
from sqlalchemy import and_, or_, select, update

from bimtek import jobs
from bimtek.core.time import utcnow
from bimtek.jobs import _in_app, huey, lease_seconds, worker_id

log = logging.getLogger("bimtek.jobs")


def claim(job_id: int, *, allow_failed: bool = False) -> bool:
    """Take the job's lease (one atomic UPDATE, then commit); False if it is done or another holds it."""
    from bimtek.core.models import Job
    from bimtek.extensions import db

    now = utcnow()
    free = or_(
        Job.status == "queued",
        and_(Job.status == "running", or_(Job.lease_until.is_(None), Job.lease_until < now)),
    )
    if allow_failed:
        free = or_(free, Job.status == "failed")
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, free)
        .values(
            status="running", lease_until=now + timedelta(seconds=lease_seconds()), heartbeat_at=now,
            leased_by=worker_id(), attempts=Job.attempts + 1, error=None, finished_at=None,
        )
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.commit()
    return result.rowcount == 1


class Heartbeat:
    """Renews a claimed job's lease from a side thread, on its own connection, while the body runs."""

    def __init__(self, engine, job_id: int, holder: str, seconds: int):
        self.engine, self.job_id, self.holder, self.seconds = engine, job_id, holder, seconds
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(5)

    def beat(self) -> None:
        """Push the lease forward once."""
        from bimtek.core.models import Job

        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.status == "running", Job.leased_by == self.holder)
                .values(lease_until=now + timedelta(seconds=self.seconds), heartbeat_at=now)
            )

    def _run(self) -> None:
        while not self.stopped.wait(max(1.0, self.seconds / 3)):
            try:
                self.beat()
            except Exception as err:  # a busy database delays a beat; the next one retries
                log.warning("Heartbeat of job %s failed: %s", self.job_id, type(err).__name__)


def clean_message(err: BaseException) -> str:
    """One readable line for the job's page: the domain message, else the error's kind and text."""
    from bimtek.errors import DomainError

    if isinstance(err, DomainError):
        text = err.message
    else:
        first = (str(err).strip().splitlines() or [""])[0]
        text = f"{type(err).__name__}: {first}" if first else type(err).__name__
    return text[:500]


def finish(job) -> None:
    """Mark a job done and give its lease back (the caller commits)."""
    job.status, job.error, job.finished_at = "done", None, utcnow()
    job.lease_until = job.leased_by = None


def fail(job_id: int, err: BaseException | str) -> None:
    """Record a failure with a clean message, in a fresh transaction (the body's work was rolled back)."""
    from bimtek.core.models import Job
    from bimtek.extensions import db

    db.session.rollback()
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        return
    job.status, job.finished_at = "failed", utcnow()
    job.error = err if isinstance(err, str) else clean_message(err)
    job.lease_until = job.leased_by = None
    db.session.commit()


def run_job(job_id: int, body, *, direct: bool = False, reraise: bool = False):
    """Claim, run ``body(job)`` under a heartbeat, then finish or fail; returns the job (None if missing).

    ``direct`` (a CLI or test running a job by hand) may also restart a failed job. A job that is done,
    or held by a live consumer, is left alone and returned as it is.
    """
    from bimtek.core.models import Job
    from bimtek.extensions import db

    if not claim(job_id, allow_failed=direct):
        return db.session.get(Job, job_id, populate_existing=True)
    job = db.session.get(Job, job_id, populate_existing=True)
    kind, error = job.kind, None
    with Heartbeat(db.engine, job_id, job.leased_by, lease_seconds()):
        try:
            body(job)
            finish(job)
            db.session.commit()
        except Exception as err:
            db.session.rollback()  # first give the database back (SQLite: its write lock) to the heartbeat
            error = err
    if error is not None:
        fail(job_id, error)
        log.error("Job %s (%s) failed: %s", job_id, kind, clean_message(error), exc_info=error)
        if reraise:
            raise error
    return db.session.get(Job, job_id)


def progress(job, *, done: int | None = None, failed: int | None = None, total: int | None = None) -> None:
    """Record how far a job got and commit (the body's batch and its progress land together)."""
    from bimtek.extensions import db

    if total is not None:
        job.total = total
    if done is not None:
        job.done = done
    if failed is not None:
        job.failed = failed
    db.session.commit()


# ----------------------------------------------------------------------------------------- resume and sweep


def lease_is_live(job, now=None) -> bool:
    """Whether a consumer holds the job right now."""
    from bimtek.core.time import as_utc

    now = now or utcnow()
    return job.status == "running" and job.lease_until is not None and as_utc(job.lease_until) > now


def resume(job, *, actor=None, enqueue_now: bool = True) -> None:
    """The one door to run a stopped job again (page, CLI, API): refuse finished or live jobs, audit it.

    The caller commits; the job reaches the queue after that commit (unless ``enqueue_now`` is False, for
    a CLI that runs it in place).
    """
    from bimtek.core import audit
    from bimtek.errors import Conflict

    if job.status == "done":
        raise Conflict("job_done", "Pekerjaan ini sudah selesai.")
    if lease_is_live(job):
        raise Conflict("job_running", "Pekerjaan ini sedang berjalan; tunggu sampai selesai atau terhenti.")
    previous = job.status
    job.status, job.error, job.queued_at, job.lease_until, job.leased_by = "queued", None, None, None, None
    audit.record(
        jobs.RESUME_ACTIONS.get(job.kind, "job.resume"), job, event_id=job.event_id, actor=actor,
        details={"kind": job.kind, "from": previous},
    )  # fmt: skip
    if enqueue_now:
        jobs.enqueue(job)


def _holder_dead(holder: str | None) -> bool:
    """A lease held by a process of this machine that no longer exists (its consumer was killed)."""
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep(now=None) -> list[int]:
    """Re-queue jobs whose consumer died (lease lapsed, or holder gone from this machine) and queued jobs
    the queue never received; returns their ids. Safe to run from several consumers at once.
    """
    from bimtek.core import audit
    from bimtek.core.models import Job
    from bimtek.extensions import db

    now = now or utcnow()
    running = db.session.scalars(select(Job).where(Job.status == "running")).all()
    for job in running:
        if lease_is_live(job, now) and not _holder_dead(job.leased_by):
            continue
        reason = "lease" if not lease_is_live(job, now) else "holder_gone"
        taken = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == "running", Job.leased_by == job.leased_by,
                   Job.lease_until == job.lease_until)
            .values(status="queued", queued_at=None, lease_until=None, leased_by=None)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if taken.rowcount == 1:
            log.warning("Job %s (%s) re-queued: its consumer %s stopped (%s)", job.id, job.kind, job.leased_by, reason)
            audit.record("job.requeued", job, event_id=job.event_id, details={"kind": job.kind, "reason": reason})
    db.session.commit()
    waiting = db.session.execute(
        select(Job.id, Job.kind)
        .where(Job.status == "queued", or_(Job.queued_at.is_(None), Job.queued_at < now - jobs.QUEUE_GRACE))
        .order_by(Job.id)
    ).all()
    db.session.commit()  # hold no transaction (on SQLite: no write lock) while the queue and _mark work
    ids = []
    for job_id, kind in waiting:
        if kind not in jobs.JOB_KINDS:
            jobs.import_tasks()
        if kind in jobs.JOB_KINDS and jobs.JOB_KINDS[kind].send(job_id):
            ids.append(job_id)
    if ids:
        log.info("Sent %d waiting or orphaned job(s) to the queue: %s", len(ids), ids)
    db.session.expire_all()
    return ids


@huey.periodic_task(crontab(minute="*"))
@_in_app
def sweep_jobs() -> None:
    """Every minute in the consumer: pick up jobs left behind by a dead consumer or a dead queue."""
    sweep()


def resume_here(job_id: int, *, kind: str | None = None, actor: str = "cli"):
    """The CLI's resume: the same door as the page (refusal, audit), then the job runs in this process."""
    from bimtek.core.models import Job
    from bimtek.errors import NotFound
    from bimtek.extensions import db

    job = db.session.get(Job, job_id)
    if job is None or (kind and job.kind != kind):
        raise NotFound("job_not_found", "Pekerjaan tidak ditemukan.")
    resume(job, actor=actor, enqueue_now=False)
    db.session.commit()
    if job.kind not in jobs.JOB_KINDS:
        jobs.import_tasks()
    return run_job(job.id, jobs.JOB_KINDS[job.kind].body)
