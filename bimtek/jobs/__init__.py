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
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey
from sqlalchemy import update

from bimtek.core import outbox
from bimtek.core.time import utcnow

log = logging.getLogger("bimtek.jobs")

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


# The lifecycle and the consumer live in their own modules; everything is reachable as bimtek.jobs.<name>.
from bimtek.jobs.consumer import QueueHealth, consumer  # noqa: E402
from bimtek.jobs.lifecycle import (  # noqa: E402
    claim,
    clean_message,
    fail,
    finish,
    lease_is_live,
    progress,
    resume,
    resume_here,
    run_job,
    sweep,
)

__all__ = [
    "JOB_KINDS", "QUEUE_DOWN_NOTE", "QueueHealth", "QueuedTask", "claim", "clean_message",
    "consumer", "enqueue", "fail", "finish", "huey", "import_tasks", "init_app", "job_task", "lease_is_live",
    "lease_seconds", "progress", "resume", "resume_here", "run_job", "start_job", "sweep", "task", "use_app",
    "worker_id",
]  # fmt: skip
