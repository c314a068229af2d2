"""Health facts for the load balancer and the operator: database, Redis, queue, disk. No personal data.

Every fact is a count, an age, a size or a status word; no URL, host name, email or job parameter leaves.
Each check catches its own failure so one broken dependency never hides the others.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text

from bimtek.core.models import Job
from bimtek.core.time import as_utc, utcnow
from bimtek.extensions import db
from bimtek.ops import redis_check, verdict

WAITING = ("queued",)
ACTIVE = ("queued", "running")


def _database() -> dict:
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means: cannot serve
        db.session.rollback()
        return {"status": "down", "reason": type(exc).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2), "dialect": db.engine.name}


def _redis() -> dict:
    url = current_app.config.get("REDIS_URL") or ""
    if not url:
        return {"status": "not_configured"}
    ok, latency, reason = redis_check.ping(url)
    if not ok:
        return {"status": "down", "reason": reason.split(":", 1)[0]}
    return {"status": "ok", "latency_ms": latency}


def _queue(now: datetime, database_ok: bool) -> dict:
    facts: dict = {"status": "ok"}
    try:
        from bimtek import jobs

        facts["pending_in_broker"] = int(jobs.huey.pending_count())
    except Exception as exc:  # the broker (Redis or SQLite) is down: the count is unknown
        facts["pending_in_broker"] = None
        facts["broker_error"] = type(exc).__name__
    if not database_ok:
        return facts
    try:
        counts = dict(
            db.session.execute(
                select(Job.status, func.count(Job.id)).where(Job.status.in_(ACTIVE)).group_by(Job.status)
            ).all()
        )
        oldest = db.session.scalar(select(func.min(Job.created_at)).where(Job.status.in_(WAITING)))
    except Exception as exc:
        db.session.rollback()
        facts.update(status="unknown", reason=type(exc).__name__)
        return facts
    age = round((now - as_utc(oldest)).total_seconds(), 1) if oldest is not None else None
    facts.update(
        queued=counts.get("queued", 0),
        running=counts.get("running", 0),
        oldest_waiting_seconds=age,
        status=verdict.queue_status(age),
    )
    if facts["pending_in_broker"] is None:
        facts["status"] = "unknown"
    return facts


def _disk() -> dict:
    try:
        usage = shutil.disk_usage(current_app.instance_path)
    except OSError as exc:
        return {"status": "unknown", "reason": type(exc).__name__}
    return {
        "status": verdict.disk_status(usage.free, usage.total),
        "free_bytes": usage.free,
        "total_bytes": usage.total,
        "free_percent": round(100 * usage.free / usage.total, 1) if usage.total else None,
    }


def report(now: datetime | None = None) -> tuple[dict, int]:
    """The health document and its HTTP status (503 when the database is down)."""
    now = now or utcnow()
    database = _database()
    checks = {
        "database": database,
        "redis": _redis(),
        "queue": _queue(now, database["status"] == "ok"),
        "disk": _disk(),
    }
    status, http = verdict.overall({name: check["status"] for name, check in checks.items()})
    return {"status": status, "checked_at": now.isoformat(), "checks": checks}, http
