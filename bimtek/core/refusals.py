"""One structured log line per refusal on a security boundary, so bursts can be seen and alerted on.

A line names the event ("refusal"), the HTTP status, the route *pattern* (`/r/<token>/tiket`, never the
path, which can hold a private token), a machine reason, the acting staff id and the client address. It never
holds the ticket, a token, an email, a name or any request body.
"""

from __future__ import annotations

import json
import logging
import re

from flask import Flask, g, has_request_context, request

log = logging.getLogger("bimtek.security")

_REASON = re.compile(r"^[a-z0-9_.:-]{1,60}$")
# Any refusal with these statuses is logged, wherever it happens.
ALWAYS = frozenset({401, 403, 429})
# On the API and webhooks (machine doors), malformed or oversized input is a refusal too.
API_STATUSES = frozenset({400, 413})
_STATUS_REASONS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 413: "too_large", 429: "rate_limited"}


def _actor_id() -> int | None:
    user = g.get("api_user")
    if user is not None:
        return user.id
    try:
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id
    except Exception:  # no user loader on this request; the line still goes out
        return None
    return None


def log_refusal(reason: str, status: int, *, actor_id: int | None = None) -> None:
    """Write the refusal line for this request (once per request)."""
    if not has_request_context() or g.get("_refusal_logged"):
        return
    g._refusal_logged = True
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    line = {
        "event": "refusal",
        "status": status,
        "method": request.method,
        "route": rule,
        "reason": reason if _REASON.match(reason or "") else _STATUS_REASONS.get(status, "refused"),
        "actor_id": actor_id if actor_id is not None else _actor_id(),
        "client": request.remote_addr,
    }
    log.warning(json.dumps(line, ensure_ascii=True))


def _reason_from(resp) -> str:
    reason = g.get("refusal_reason")
    if reason:
        return reason
    if resp.is_json and not resp.is_streamed:
        body = resp.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return body["error"]
    return _STATUS_REASONS.get(resp.status_code, "refused")


def init_refusal_log(app: Flask) -> None:
    """Log every refusal that no view or guard has logged yet."""
    # A logging config applied earlier in the process (Alembic's fileConfig disables existing loggers)
    # must not silence the security log.
    log.disabled = False

    @app.after_request
    def _log_refusals(resp):
        status = resp.status_code
        machine_door = request.path.startswith("/api/")
        if status in ALWAYS or (status in API_STATUSES and machine_door) or g.get("refusal_reason"):
            if 400 <= status < 500:
                log_refusal(_reason_from(resp), status)
        return resp
