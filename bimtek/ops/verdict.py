"""The health verdict: which failing check makes the instance unfit to serve (pure; no Flask, no DB).

The database is the one dependency without which nothing works: the load balancer must take the instance
out (HTTP 503). Redis, the queue and the disk degrade the service but pages still answer (HTTP 200 with
``status: degraded``) so an operator sees it without the balancer emptying the pool.
"""

from __future__ import annotations

__all__ = ["DISK_LOW_BYTES", "DISK_LOW_SHARE", "QUEUE_STALE_SECONDS", "disk_status", "overall", "queue_status"]

DISK_LOW_BYTES = 1024**3  # below 1 GiB free the PDFs of one big event may not fit
DISK_LOW_SHARE = 0.05
QUEUE_STALE_SECONDS = 15 * 60  # a job waiting this long means no consumer is taking work


def disk_status(free: int, total: int) -> str:
    """'ok' or 'low' for the instance folder's file system."""
    if total <= 0:
        return "unknown"
    return "low" if free < DISK_LOW_BYTES or free / total < DISK_LOW_SHARE else "ok"


def queue_status(oldest_waiting_seconds: float | None) -> str:
    """'ok' while no job waits longer than QUEUE_STALE_SECONDS, else 'stalled'."""
    if oldest_waiting_seconds is not None and oldest_waiting_seconds > QUEUE_STALE_SECONDS:
        return "stalled"
    return "ok"


def overall(checks: dict[str, str]) -> tuple[str, int]:
    """('ok' | 'degraded' | 'down', HTTP status) from each check's status."""
    if checks.get("database") != "ok":
        return "down", 503
    if any(status not in ("ok", "not_configured") for status in checks.values()):
        return "degraded", 200
    return "ok", 200
