"""Background jobs: one lifecycle and one resume door for every job kind, on huey.

A job a person watches is a ``Job`` row. Its life, the same for every kind:

1. ``start_job`` records it (status queued) in the caller's transaction; ``enqueue`` hands it to the queue
   after that transaction commits (bimtek.core.outbox). A queue that refuses it (Redis down) leaves the row
   queued with ``queued_at`` NULL and a readable note: the consumer's sweep sends it later, nothing is lost.
2. A consumer claims it with one conditional UPDATE that takes a lease (``lease_until``), so two consumers
   never run one job; a heartbeat thread renews the lease while the body runs.
3. The body reports progress and commits per batch; it ends ``done``, or ``failed`` with a clean message.
4. A consumer that starts, and a periodic sweep, put back in the queue every job whose lease lapsed (its
   consumer died) and every queued job the queue never received. Bodies are idempotent, so a resumed job
   finishes the work without doing any of it twice.

``resume`` is the one door a person (page, CLI, API) uses to run a stopped job again: it refuses a finished
or live job and writes the audit line.

huey needs its instance at import time (tasks register on it by decorator), so this module reads
BIMTEK_REDIS_URL, BIMTEK_JOBS_QUEUE and BIMTEK_INSTANCE_PATH from the environment once; create_app can
still switch it to immediate mode for tests.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer, Scheduler, Worker
from sqlalchemy import and_, or_, select, update

from bimtek.core import outbox
from bimtek.core.time import utcnow

log = logging.getLogger("bimtek.jobs")

STATUS_LABELS = {
    "queued": _l("Menunggu giliran"),
    "running": _l("Sedang berjalan"),
    "done": _l("Sudah selesai"),
    "failed": _l("Gagal"),
}
QUEUE_DOWN_NOTE = "Antrean pekerjaan tidak terjangkau; pekerjaan ini dijalankan otomatis begitu pemroses kembali."
DEFAULT_LEASE_SECONDS = 30
QUEUE_GRACE = timedelta(minutes=10)  # a queued job the queue accepted but nobody ran for this long is sent again
RESUME_ACTIONS = {"certificates.issue": "certificates.issue_resume"}


def _make_huey():
    name = os.environ.get("BIMTEK_JOBS_QUEUE") or "bimtek"
    redis_url = os.environ.get("BIMTEK_REDIS_URL")
    if redis_url:
        from redis import ConnectionPool
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Short timeouts and one retry: a dead Redis answers "unreachable" at once instead of holding a web
        # request through redis-py's default retries; the consumer paces its own retries (QueueHealth).
        pool = ConnectionPool.from_url(
            redis_url, socket_timeout=5, socket_connect_timeout=2, retry=Retry(NoBackoff(), 1)
        )
        return RedisHuey(name, connection_pool=pool)
    instance = Path(os.environ.get("BIMTEK_INSTANCE_PATH") or Path(__file__).resolve().parent.parent / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(instance / "jobs.sqlite3"))


huey = _make_huey()
_worker_app: Flask | None = None
JOB_KINDS: dict[str, QueuedTask] = {}


def init_app(app: Flask) -> None:
    """Tests (and JOBS_IMMEDIATE=1) run tasks inline, inside the caller's app context."""
    if app.config.get("JOBS_IMMEDIATE") or app.testing:
        huey.immediate = True


def use_app(app: Flask) -> None:
    """The consumer runs its tasks in this app (the one `flask jobs worker` was started with)."""
    global _worker_app
    _worker_app = app


def _app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from bimtek import create_app

        _worker_app = create_app()
    return _worker_app


def worker_id() -> str:
    """Who holds a lease: host and process id (no personal data)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_seconds() -> int:
    """How long a claim lasts without a heartbeat (JOBS_LEASE_SECONDS / BIMTEK_JOBS_LEASE_SECONDS)."""
    value = current_app.config.get("JOBS_LEASE_SECONDS") if has_app_context() else None
    return int(value or os.environ.get("BIMTEK_JOBS_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)


# ----------------------------------------------------------------------------------------- queued tasks


class QueuedTask:
    """A huey task whose call waits for the caller's commit; the queue refusing it never loses the work.

    Calling it as before (``bulk_email(job.id)``) enqueues after the transaction commits. If the queue is
    unreachable, a job task leaves its row for the sweep (with a note a person reads) and a plain task
    (one participant email) runs right here instead.
    """

    def __init__(self, task, *, job_kind: str | None = None, body=None):
        self.task = task
        self.job_kind = job_kind
        self.body = body
        functools.update_wrapper(self, task.func)

    def __call__(self, *args, **kwargs) -> None:
        outbox.later(functools.partial(self.send, *args, **kwargs), what=f"task {self.__name__}")

    def send(self, *args, **kwargs) -> bool:
        """Put the task on the queue now; True when the queue took it."""
        try:
            self.task(*args, **kwargs)
        except Exception as err:
            log.warning("Job queue refused %s: %s", self.__name__, type(err).__name__)
            if self.job_kind:
                _mark(args[0], queued_at=None, error=QUEUE_DOWN_NOTE)
            else:
                self.task.call_local(*args, **kwargs)
            return False
        if self.job_kind and not huey.immediate:
            _mark(args[0], queued_at=utcnow(), error=None)
        return True

    def call_local(self, *args, **kwargs):
        """Run the body here and now (no queue, no commit wait)."""
        return self.task.call_local(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.task, name)


def _in_app(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        with _app().app_context():
            return fn(*args, **kwargs)

    return run


def task(**task_kwargs):
    """Register a huey task that runs inside a Flask app context (no request: the consumer has none)."""

    def decorator(fn):
        return QueuedTask(huey.task(**task_kwargs)(_in_app(fn)))

    return decorator


def job_task(kind: str, **task_kwargs):
    """Register the body of a job kind: ``body(job)`` runs under the lifecycle of ``run_job``.

    The returned callable takes a job id and enqueues after commit, like every task.
    """

    def decorator(body):
        @functools.wraps(body)
        def entry(job_id: int):
            return run_job(job_id, body)

        queued = QueuedTask(huey.task(**task_kwargs)(_in_app(entry)), job_kind=kind, body=body)
        JOB_KINDS[kind] = queued
        return queued

    return decorator


def import_tasks() -> None:
    """Import every feature's tasks module so the consumer (and ``enqueue``) know all tasks."""
    from bimtek import FEATURES, feature_module

    for feature in FEATURES:
        feature_module(feature, "tasks")


# ----------------------------------------------------------------------------------------- the lifecycle


def start_job(kind: str, *, event_id: int | None, total: int, params: dict | None = None, user=None):
    """Create the progress record of a job (flushes; the caller commits, then ``enqueue``s)."""
    from bimtek.core.models import Job
    from bimtek.extensions import db

    job = Job(kind=kind, event_id=event_id, total=total, params=params or {}, created_by_id=getattr(user, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def enqueue(job) -> None:
    """Hand a job to the consumer once the current transaction commits (now if nothing is uncommitted)."""
    if job.kind not in JOB_KINDS:
        import_tasks()
    JOB_KINDS[job.kind](job.id)


def _mark(job_id: int, **values) -> None:
    """Note the queue hand-off on a still-queued job, in its own short transaction."""
    from bimtek.core.models import Job
    from bimtek.extensions import db

    try:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(**values))
    except Exception as err:  # the job row stays queued: the sweep still finds it
        log.warning("Could not note the queue hand-off of job %s: %s", job_id, type(err).__name__)


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
        RESUME_ACTIONS.get(job.kind, "job.resume"), job, event_id=job.event_id, actor=actor,
        details={"kind": job.kind, "from": previous},
    )  # fmt: skip
    if enqueue_now:
        enqueue(job)


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
        .where(Job.status == "queued", or_(Job.queued_at.is_(None), Job.queued_at < now - QUEUE_GRACE))
        .order_by(Job.id)
    ).all()
    db.session.commit()  # hold no transaction (on SQLite: no write lock) while the queue and _mark work
    ids = []
    for job_id, kind in waiting:
        if kind not in JOB_KINDS:
            import_tasks()
        if kind in JOB_KINDS and JOB_KINDS[kind].send(job_id):
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


# ----------------------------------------------------------------------------------------- the consumer


class QueueHealth:
    """Whether the queue answers; a dead one is asked again after a growing pause (1 s up to 30 s)."""

    def __init__(self, queue):
        self.queue = queue
        self.delay = 1.0
        self.next_check = 0.0
        self.up = True
        self.lock = threading.Lock()
        self.on_recover = None

    def ping(self) -> None:
        """Raise if the queue can't be reached."""
        conn = getattr(self.queue.storage, "conn", None)
        if conn is not None and hasattr(conn, "ping"):
            conn.ping()
        else:
            self.queue.storage.queue_size()

    def ok(self) -> bool:
        """True when the queue answers; logs one line per failed attempt, never a traceback storm."""
        with self.lock:
            now = time.monotonic()
            if now < self.next_check:
                return self.up
            try:
                self.ping()
            except Exception as err:
                log.warning("Job queue unreachable (%s); trying again in %.0f s", type(err).__name__, self.delay)
                self.up, self.next_check = False, now + self.delay
                self.delay = min(self.delay * 2, 30.0)
                return False
            recovered = not self.up
            self.up, self.delay, self.next_check = True, 1.0, now + 1.0
        if recovered:
            log.warning("Job queue reachable again")
            if self.on_recover:
                self.on_recover()
        return True


class BackoffWorker(Worker):
    """A huey worker that waits while the queue is down instead of logging a traceback per poll."""

    health: QueueHealth

    def loop(self, now=None):
        if not self.health.ok():
            self.stop_flag.wait(1.0)
            return
        super().loop(now)


class BackoffScheduler(Scheduler):
    """The scheduler, quiet and patient while the queue is down."""

    health: QueueHealth

    def loop(self, now=None):
        if not self.health.ok():
            self.stop_flag.wait(1.0)
            return
        super().loop(now)


def consumer(workers: int = 2) -> Consumer:
    """A huey consumer that backs off while the queue is down and sweeps when it comes back."""
    health = QueueHealth(huey)

    def recovered() -> None:
        with _app().app_context():
            sweep()

    health.on_recover = recovered
    worker_class = type("Worker", (BackoffWorker,), {"health": health})
    scheduler_class = type("Scheduler", (BackoffScheduler,), {"health": health})
    klass = type("BimtekConsumer", (Consumer,), {"worker_class": worker_class, "scheduler_class": scheduler_class})
    made = klass(huey, workers=workers, worker_type="thread")
    made.health = health
    return made


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
    if job.kind not in JOB_KINDS:
        import_tasks()
    return run_job(job.id, JOB_KINDS[job.kind].body)
