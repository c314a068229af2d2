"""Background jobs: bulk issuing (crash-safe and resumable) and the "your certificate is ready" email."""

from __future__ import annotations

import functools
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bimtek.accounts.models import User
from bimtek.certificates.models import Certificate
from bimtek.certificates.pdf.kit import FONTS_DIR
from bimtek.certificates.pdf.render import render_certificate
from bimtek.certificates.services.holders import holders_for
from bimtek.certificates.services.issuing import issue_batch, issue_context, verify_url
from bimtek.core.mail import send_email
from bimtek.core.models import Job
from bimtek.core.time import utcnow
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.jobs import job_task, progress, run_job, task
from bimtek.registration.models import Registration

log = logging.getLogger("bimtek.certificates")
BATCH_SIZE = 10
RETRIES = 3

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def render_processes() -> int:
    """How many processes render PDFs for one job (CERT_RENDER_PROCESSES / BIMTEK_CERT_RENDER_PROCESSES)."""
    value = current_app.config.get("CERT_RENDER_PROCESSES") or 1
    return max(1, int(value))


def pool_renderer(processes: int):
    """A renderer that spreads a batch over worker processes (rendering is pure CPU work).

    The workers come from a forkserver, so they never inherit the parent's database connections.
    """
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != processes:
            if _pool is not None:
                _pool.shutdown(wait=False)
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["bimtek.certificates.pdf.render"])
            _pool, _pool_size = ProcessPoolExecutor(processes, mp_context=ctx), processes
        pool = _pool

    def render(items, template):
        fn = functools.partial(render_certificate, template=template, fonts_dir=FONTS_DIR)
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (2 * processes))))

    return render


@job_task("certificates.issue")
def issue_certificates_task(job: Job) -> None:
    """Queue entry point of a bulk issue job (the consumer runs it under the job lifecycle)."""
    _issue(job)


@task()
def send_ready_emails_task(certificate_ids: list[int]) -> None:
    """Queue entry point: tell participants their certificate is ready."""
    send_ready_emails(certificate_ids)


def run_issue_job(job_id: int, *, batch_size: int = BATCH_SIZE, render_hook=None) -> Job | None:
    """Run an issue job here and now (CLI, tests); it may restart a failed job. Errors propagate."""
    body = functools.partial(_issue, batch_size=batch_size, render_hook=render_hook)
    return run_job(job_id, body, direct=True, reraise=True)


def _issue(job: Job, *, batch_size: int = BATCH_SIZE, render_hook=None) -> None:
    """Issue a job's certificates, committing every batch; safe to run again after a crash.

    Who to issue for is recomputed on every run, and each batch skips people who already hold a current
    certificate, so a restarted (or duplicated) job finishes the work without issuing anyone twice.
    A number is taken in the same transaction that inserts its certificate, so a failed batch gives its
    numbers back: no gaps.
    """
    event = db.session.get(Event, job.event_id)
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    params = dict(job.params or {})
    holders = holders_for(
        event, params.get("scope", "eligible"), registration_ids=params.get("registration_ids"),
        names=params.get("names"),
    )  # fmt: skip
    ctx = issue_context(event, user=user, job_id=job.id)
    ctx.render_hook = render_hook
    processes = render_processes()
    if processes > 1:
        ctx.renderer = pool_renderer(processes)
        batch_size = max(batch_size, 8 * processes)
    progress(job, total=len(holders), done=0, failed=0)
    done = 0
    for start in range(0, len(holders), batch_size):
        batch = holders[start : start + batch_size]
        for attempt in range(RETRIES):
            try:
                issued, _already = issue_batch(ctx, batch, actor=user or "system")
                progress(job, done=done + len(batch))
                break
            except IntegrityError:
                # Another run got there first despite the lock (e.g. a series created concurrently):
                # nothing of this batch was kept; look again at who still needs one.
                db.session.rollback()
                if attempt == RETRIES - 1:
                    raise
        done += len(batch)
        ids = [c.id for c in issued if c.role == "peserta"]
        if ids and params.get("notify", True):
            send_ready_emails_task(ids)


def send_ready_emails(certificate_ids: list[int]) -> int:
    """Email each participant once (emailed_at marks it), with their private download link."""
    base = current_app.config["BASE_URL"].rstrip("/")
    sent = 0
    rows = db.session.execute(
        select(Certificate, Registration)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Certificate.id.in_(certificate_ids), Certificate.emailed_at.is_(None), Certificate.status == "valid")
    ).all()
    for cert, reg in rows:
        link = f"{base}/r/{reg.manage_token}/sertifikat"
        ok = send_email(
            reg.email,
            f"Sertifikat Anda sudah terbit: {cert.event_title}"[:200],
            "certificates_ready",
            name=cert.name,
            number=cert.number,
            event_title=cert.event_title,
            organizer=cert.organizer,
            link=link,
            verify_link=verify_url(base, cert.verification_code),
        )
        if ok:
            cert.emailed_at = utcnow()
            db.session.commit()
            sent += 1
    return sent
