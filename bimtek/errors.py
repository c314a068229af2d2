"""Domain errors carry a machine code; the edges turn them into pages or JSON."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound
from werkzeug.routing import RoutingException

from bimtek.core.urls import safe_next
from bimtek.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class DomainError(Exception):
    """An expected failure: a code for machines, a message for people, and an HTTP status."""

    status = 400

    def __init__(self, code: str, message: str | None = None, *, status: int | None = None, fields=None, **extra):
        super().__init__(code)
        self.code = code
        self.message = message or code
        if status is not None:
            self.status = status
        self.fields = fields or {}
        self.extra = extra


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


def wants_json() -> bool:
    """API routes and clients that ask for JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_json(code: str, message: str, status: int, fields=None, **extra):
    body = {"error": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return jsonify(body), status


HTTP_MESSAGES = {
    400: ("bad_request", lambda: _("Permintaan tidak dapat diproses.")),
    401: ("unauthorized", lambda: _("Anda perlu masuk terlebih dahulu.")),
    403: ("forbidden", lambda: _("Anda tidak memiliki akses ke halaman ini.")),
    404: ("not_found", lambda: _("Halaman tidak ditemukan.")),
    405: ("method_not_allowed", lambda: _("Metode tidak diizinkan.")),
    409: ("conflict", lambda: _("Data bertentangan dengan data yang sudah ada.")),
    413: ("too_large", lambda: _("Berkas terlalu besar.")),
    422: ("invalid", lambda: _("Data tidak valid.")),
    429: ("rate_limited", lambda: _("Terlalu banyak permintaan. Coba lagi sebentar lagi.")),
    500: ("server_error", lambda: _("Terjadi kesalahan pada server. Silakan coba lagi.")),
}


def _same_site_referer() -> str | None:
    """The Referer's path and query when it comes from this site (scheme and host checked), else None."""
    from bimtek.core.guard import allowed_origins  # the guard owns what "this site" means

    referer = request.headers.get("Referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if not parts.scheme or not parts.netloc:
        return None
    if f"{parts.scheme.lower()}://{parts.netloc.lower()}" not in allowed_origins():
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path, "") or None


def _answers_get(path: str) -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(path, method="GET")
    except (RouteNotFound, MethodNotAllowed):
        return False
    except RoutingException:  # a redirect rule (trailing slash) still means a page lives there
        return True
    return True


def back_to_form() -> str | None:
    """Where a refused form goes back to: the same-site page it was sent from, else this URL if it is a page.

    Only for state-changing requests: a GET that fails has nothing to roll back, and sending it back to
    itself would loop, so it keeps the error page (as does a POST with neither a Referer nor a page).
    """
    if request.method in SAFE_METHODS:
        return None
    target = _same_site_referer()
    if target:
        return target
    if _answers_get(request.path):
        return request.full_path.rstrip("?")
    return None


def register_error_handlers(app: Flask) -> None:
    """Turn domain errors and HTTP errors into Indonesian pages or JSON, never a stack trace."""

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        """JSON clients get the error shape; a refused HTML form goes back to its page with the message."""
        db.session.rollback()
        if wants_json():
            return error_json(err.code, err.message, err.status, err.fields, **err.extra)
        # Security refusals (401, 403, 404, 413, 429) keep their status; a refused business rule goes back to its form.
        target = back_to_form() if err.status in (400, 409, 422) else None
        if target:
            flash(_(str(err.message)), "error")
            return redirect(target, 303)
        return render_template("errors/error.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code == 401 and not wants_json():
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        code, message = HTTP_MESSAGES.get(err.code or 500, ("error", lambda: err.description))
        text = message()
        if err.code == 400 and getattr(err, "description", "") and "CSRF" in str(err.description):
            code, text = "csrf", _("Sesi formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")
            g.refusal_reason = "csrf"  # a refusal on a security boundary: the refusal log writes it
        if wants_json():
            resp, status = error_json(code, text, err.code or 500)
        else:
            resp = app.make_response((render_template("errors/error.html", status=err.code, message=text), err.code))
            status = err.code
        if err.code == 405 and hasattr(err, "valid_methods") and err.valid_methods:
            resp.headers["Allow"] = ", ".join(err.valid_methods)
        return resp, status

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        # Private links (/r/<token>/...) are credentials: never write the token to the log.
        app.logger.exception("Unhandled error on %s %s", request.method, re.sub(r"^/r/[^/]+", "/r/…", request.path))
        code, message = HTTP_MESSAGES[500]
        if wants_json():
            return error_json(code, message(), 500)
        return render_template("errors/error.html", status=500, message=message()), 500
