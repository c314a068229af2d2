"""Security headers on every response; the request guard, bounded ids and the refusal log."""

from __future__ import annotations

from flask import Flask, g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_security(app: Flask) -> None:
    """CSP without inline script, nosniff, no framing, a strict referrer policy; guard and refusal log."""
    from bimtek.core.guard import init_guard
    from bimtek.core.refusals import init_refusal_log

    def _fresh_security_state(*_args):
        # Scripts and tests may run many requests in one app context (one `g`): nothing may carry over,
        # least of all the signed-in user, or a revoked cookie would look alive. Cleared before and after,
        # since an earlier before-request hook (CSRF) may refuse the request before ours runs.
        for key in ("_login_user", "staff_session", "_refusal_logged", "refusal_reason"):
            g.pop(key, None)

    app.before_request(_fresh_security_state)
    app.teardown_request(_fresh_security_state)

    init_guard(app)
    init_refusal_log(app)

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE") and request.is_secure:
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith(("/manage", "/api/", "/r/", "/account")):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
