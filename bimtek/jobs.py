"""Background jobs with huey: SQLite storage by default, Redis at scale, inline in tests.

huey needs its instance at import time (tasks are registered on it by decorator), so this module reads
BIMTEK_REDIS_URL and BIMTEK_INSTANCE_PATH from the environment once; create_app can still switch it to
immediate mode for tests.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey

from bimtek.core.time import utcnow


def _make_huey():
    redis_url = os.environ.get("BIMTEK_REDIS_URL")
    if redis_url:
        return RedisHuey("bimtek", url=redis_url)
    instance = Path(os.environ.get("BIMTEK_INSTANCE_PATH") or Path(__file__).resolve().parent.parent / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("bimtek", filename=str(instance / "jobs.sqlite3"))


huey = _make_huey()
_worker_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Tests (and JOBS_IMMEDIATE=1) run tasks inline, inside the caller's app context."""
    if app.config.get("JOBS_IMMEDIATE") or app.testing:
        huey.immediate = True


def _app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from bimtek import create_app

        _worker_app = create_app()
    return _worker_app


def task(**task_kwargs):
    """Register a huey task that runs inside a Flask app context (the worker builds one app per process)."""

    def decorator(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            if has_app_context():
                return fn(*args, **kwargs)
            with _app().app_context():
                return fn(*args, **kwargs)

        return huey.task(**task_kwargs)(run)

    return decorator


def start_job(kind: str, *, event_id: int | None, total: int, params: dict | None = None, user=None):
    """Create the progress record of a job (the caller commits before enqueueing)."""
    from bimtek.core.models import Job
    from bimtek.extensions import db

    job = Job(kind=kind, event_id=event_id, total=total, params=params or {}, created_by_id=getattr(user, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def finish_job(job, *, error: str | None = None) -> None:
    """Mark a job done or failed."""
    job.status = "failed" if error else "done"
    job.error = error
    job.finished_at = utcnow()


def import_tasks() -> None:
    """Import every feature's tasks module so the consumer knows all tasks."""
    from bimtek import FEATURES, feature_module

    for feature in FEATURES:
        feature_module(feature, "tasks")
