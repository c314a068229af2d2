"""Redis at start-up and per request: a clear message when it is wrong or down, never an HTTP 500.

Rate limits are the only thing a web request asks Redis for. When Redis is unreachable Flask-Limiter
falls back to counting in this process's memory (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``) and, should
anything else in the limiter fail, lets the request through (``RATELIMIT_SWALLOW_ERRORS``): login,
certificate verification and registration keep working, with limits per process until Redis is back.
Short socket timeouts keep a firewalled (silent) Redis from hanging every request.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

log = logging.getLogger("bimtek.ops")

# Seconds: a dead Redis costs a request at most this much before the fallback takes over.
SOCKET_TIMEOUT = 0.5


def redact(url: str) -> str:
    """The URL without its password, fit for a log line or the health page."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def ping(url: str, timeout: float = SOCKET_TIMEOUT) -> tuple[bool, float | None, str]:
    """(reachable, round trip in ms, reason) for a Redis URL; the reason never carries a password."""
    import redis

    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except ValueError:
        return False, None, "bad_url"
    except redis.AuthenticationError:
        return False, None, "authentication_failed"
    except redis.ResponseError as exc:
        # A wrong db number or a server that refuses commands answers with an error, not a pong.
        return False, None, "refused: " + str(exc).split("\n", 1)[0][:80]
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False, None, "unreachable"
    return True, round((time.perf_counter() - started) * 1000, 2), "ok"


def configure_rate_limits(app: Flask) -> None:
    """Point Flask-Limiter at Redis when configured, with an in-memory fallback and short timeouts."""
    url = app.config.get("REDIS_URL") or ""
    if url:
        app.config.setdefault("RATELIMIT_STORAGE_URI", url)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if not app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        app.config["RATELIMIT_STORAGE_OPTIONS"] = options
    # Flask-Limiter logs its fallback under its own name; make sure an operator sees it.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)


def check_at_startup(app: Flask) -> bool:
    """Ping the configured Redis once and say clearly, in the log, what a failure means. Never raises."""
    url = app.config.get("REDIS_URL") or ""
    if not url or app.config.get("REDIS_STARTUP_CHECK") is False:
        return True
    ok, _, reason = ping(url)
    app.extensions["bimtek_redis_startup"] = {"ok": ok, "reason": reason}
    if not ok:
        log.error(
            "Redis at %s is not usable (%s). The app keeps serving: rate limits fall back to per-process "
            "memory and background jobs cannot be queued until Redis answers. Check BIMTEK_REDIS_URL.",
            redact(url),
            reason,
        )
    return ok
