"""The request guard: hostile input is refused once, at the edge, before any view sees it.

- JSON bodies: bounded size and nesting depth, integers that fit an INTEGER column, finite numbers, and text that
  is valid Unicode without NUL (an unpaired surrogate such as "\\ud800" cannot be encoded to UTF-8 and
  crashed the database driver; PostgreSQL refuses NUL in text).
- Ids in paths: the `int` converter is replaced app-wide by one bounded to the id columns (32 bits on
  PostgreSQL), so /manage/events/99999999999999999999999 is a 404 instead of an overflow in the driver.
- Ids and page numbers in query strings and forms (`id`, `*_id`, `page`, `per_page`): digits that do not
  fit are a 400.
- State-changing requests from a foreign Origin (or, without Origin, Referer) are a 403 whatever the
  scheme, on top of the CSRF token.

Every refusal here is logged through bimtek.core.refusals and answered in the usual error shape.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, ValidationError

from bimtek.core.refusals import log_refusal

# Ids are INTEGER columns: 32-bit on PostgreSQL (a larger bound parameter is "integer out of range"), 64-bit
# on SQLite. Numbers in JSON bodies get the same 32-bit bound (counts, capacities, ids all land in INTEGER
# columns); signed webhooks from Zoom carry 11-digit meeting ids and get the 64-bit bound.
MAX_ID = 2**31 - 1
MAX_JSON_INT = 2**31 - 1
MAX_WIDE_INT = 2**63 - 1
WIDE_INT_ENDPOINTS = frozenset({"api.zoom_webhook"})
MAX_PAGE = 1_000_000
_MAX_ID_DIGITS = len(str(MAX_WIDE_INT))
_BAD_TEXT = re.compile("[\ud800-\udfff\x00]")
_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

MESSAGES = {
    "too_large": _l("Isi permintaan terlalu besar."),
    "too_deep": _l("Isi permintaan bersarang terlalu dalam."),
    "number_too_large": _l("Angka dalam permintaan terlalu besar."),
    "bad_number": _l("Angka tidak valid: di luar batas."),
    "bad_text": _l("Teks berisi karakter yang tidak valid."),
    "malformed": _l("Isi permintaan harus berupa JSON yang valid."),
    "foreign_origin": _l(
        "Permintaan ditolak: formulir dikirim dari situs lain. Muat ulang halaman ini lalu coba lagi."
    ),
}


class JSONRefused(ValueError):
    """JSON that parses but is refused: too deep, a number out of range, invalid text."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _int_parser(limit: int):
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > _MAX_ID_DIGITS or abs(int(text)) > limit:
            raise JSONRefused("number_too_large")
        return int(text)

    return parse


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRefused("number_too_large")
    return value


def _no_constant(_name: str):
    raise JSONRefused("malformed")  # NaN, Infinity, -Infinity are not JSON


def check_tree(value, max_depth: int) -> None:
    """Raise JSONRefused when parsed JSON is deeper than max_depth or holds invalid text (iterative)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if _BAD_TEXT.search(node):
                raise JSONRefused("bad_text")
        elif isinstance(node, (dict, list)):
            if depth > max_depth:
                raise JSONRefused("too_deep")
            if isinstance(node, dict):
                for key, item in node.items():
                    if _BAD_TEXT.search(key):
                        raise JSONRefused("bad_text")
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)


def strict_loads(data: str | bytes, max_depth: int = 32, max_int: int = MAX_JSON_INT):
    """json.loads with the guard's rules; every refusal is a ValueError (JSONRefused)."""
    try:
        value = json.loads(data, parse_int=_int_parser(max_int), parse_float=_finite_float, parse_constant=_no_constant)
    except RecursionError as err:
        raise JSONRefused("too_deep") from err
    except JSONRefused:
        raise
    except ValueError as err:  # includes UnicodeDecodeError and JSONDecodeError
        raise JSONRefused("malformed") from err
    check_tree(value, max_depth)
    return value


def _int_limit() -> int:
    if has_request_context() and request.endpoint in WIDE_INT_ENDPOINTS:
        return MAX_WIDE_INT
    return MAX_JSON_INT


class BoundedIntConverter(IntegerConverter):
    """The `int` URL converter, bounded to the INTEGER column: a longer number is no match (404), never an overflow."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)

    def to_python(self, value: str):
        if len(value.lstrip("-")) > _MAX_ID_DIGITS:
            raise ValidationError()
        return super().to_python(value)


def _refuse(code: str, status: int = 400):
    from bimtek.errors import DomainError

    log_refusal(code, status)
    return DomainError(code, str(MESSAGES[code]), status=status)


def _numeric_name(name: str) -> bool:
    return name in ("id", "page", "per_page") or name.endswith("_id")


def _check_numbers(values) -> None:
    for name, value in values.items(multi=True):
        if not _numeric_name(name) or not isinstance(value, str) or not _NUMBER.match(value):
            continue
        digits = value.strip().lstrip("+-")
        limit = MAX_PAGE if name in ("page", "per_page") else MAX_ID
        if len(digits) > _MAX_ID_DIGITS or int(digits) > limit:
            raise _refuse("bad_number")


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def allowed_origins() -> set[str]:
    """This site's origins: the request's own host, BASE_URL and BIMTEK_TRUSTED_ORIGINS."""
    allowed = {_origin(request.host_url), _origin(current_app.config.get("BASE_URL") or "")}
    allowed.update(_origin(o) for o in current_app.config.get("TRUSTED_ORIGINS") or [])
    allowed.discard(None)
    return allowed


def _check_origin() -> None:
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        if not referer:
            return  # not a browser (scanner, script, webhook): the token or CSRF check decides
        origin = _origin(referer) or "null"
    if origin.strip().lower() not in allowed_origins():
        raise _refuse("foreign_origin", 403)


def _check_json_body() -> None:
    max_bytes = current_app.config["JSON_MAX_BYTES"]
    if request.content_length is not None and request.content_length > max_bytes:
        raise _refuse("too_large", 413)
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise _refuse("too_large", 413)
    if not raw.strip():
        return
    try:
        strict_loads(raw, current_app.config["JSON_MAX_DEPTH"], _int_limit())
    except JSONRefused as err:
        raise _refuse(err.code) from err


def init_guard(app: Flask) -> None:
    """Install the bounded id converter and the before-request checks.

    JSON bodies are checked here, before any view parses them; a body that passes is at most JSON_MAX_DEPTH
    deep, so the view's own request.get_json() cannot recurse out of stack.
    """
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def _guard():
        if request.method in STATE_CHANGING:
            _check_origin()
        _check_numbers(request.args)
        if request.method in STATE_CHANGING:
            if request.is_json:
                _check_json_body()
            elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                _check_numbers(request.form)
