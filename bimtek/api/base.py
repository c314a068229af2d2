"""The /api/v1 blueprint, token authentication and response helpers."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, g, jsonify, request

from bimtek.accounts.services import user_for_token
from bimtek.errors import Invalid
from bimtek.extensions import csrf, db

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent automatically by browsers, so CSRF does not apply to the API.
csrf.exempt(api_bp)


def token_required(view):
    """401 without a valid bearer token; sets g.api_user."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            abort(401)
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def json_body() -> dict:
    """The request's JSON object, or a 400 malformed error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("malformed", "Isi permintaan harus berupa objek JSON.", status=400)
    return data


def page_args(default: int = 50, maximum: int = 200) -> tuple[int, int]:
    """page and per_page from the query string, bounded."""
    try:
        page = max(1, int(request.args.get("page", 1)))
        per_page = min(maximum, max(1, int(request.args.get("per_page", default))))
    except ValueError as err:
        raise Invalid("invalid", "page dan per_page harus berupa angka.", status=400) from err
    return page, per_page


def list_response(items: list, total: int, page: int, per_page: int, *, exact: bool = True):
    """The uniform list shape; `total_exact` is false when a search stopped counting (total is a lower bound)."""
    return jsonify({"items": items, "total": total, "total_exact": exact, "page": page, "per_page": per_page})


def paginate(stmt):
    """db.paginate of a SELECT with the query string's page and per_page (bounded as page_args does)."""
    page, per_page = page_args()
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=None, error_out=False)


def page_response(found, items: list):
    """The uniform list shape of one page (a Flask-SQLAlchemy Pagination or a core.pages.Page)."""
    return list_response(items, found.total, found.page, found.per_page, exact=getattr(found, "exact", True))
