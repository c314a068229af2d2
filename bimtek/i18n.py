"""Language choice and Indonesian formatting of dates, times and numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_app_context, has_request_context, redirect, request, session, url_for
from flask_babel import LazyString, get_locale, gettext, pgettext

from bimtek.core import labels as label_table
from bimtek.core.urls import safe_next

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
LANG_COOKIE = "bimtek_lang"


def select_locale() -> str:
    """The chosen language (cookie), else Bahasa Indonesia; never guessed from Accept-Language.

    Outside a request (the job consumer, CLI commands) there is no visitor to ask: the language set on
    ``g.locale`` by the caller, else the default. Emails choose theirs in bimtek.core.mail.
    """
    if not has_request_context():
        lang = g.get("locale")
        return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _locale() -> str:
    try:
        return str(get_locale() or "id")
    except (RuntimeError, AttributeError):
        return "id"


def to_zone(value: datetime, tz: str) -> datetime:
    """A UTC (or naive UTC) datetime shown in the event's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz))


def format_long_date(value: datetime, tz: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """ "Kamis, 25 Agustus 2022" (no zero padding, unlike Babel's full format)."""
    local = to_zone(value, tz) if isinstance(value, datetime) else value
    return babel_format_date(local, "EEEE, d MMMM y", locale=locale or _locale())


def format_short_date(value: datetime, tz: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """ "25 Agustus 2022"."""
    local = to_zone(value, tz) if isinstance(value, datetime) else value
    return babel_format_date(local, "d MMMM y", locale=locale or _locale())


def format_clock(value: datetime, tz: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """ "09.00 WIB" in Indonesian, "09:00 WIB" in English."""
    local = to_zone(value, tz)
    sep = "." if (locale or _locale()) == "id" else ":"
    return f"{local:%H}{sep}{local:%M} {ZONE_ABBREVIATIONS.get(tz, local.tzname())}"


def format_datetime_long(value: datetime, tz: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """ "Kamis, 25 Agustus 2022, pukul 09.00 WIB"."""
    loc = locale or _locale()
    word = "pukul" if loc == "id" else "at"
    return f"{format_long_date(value, tz, loc)}, {word} {format_clock(value, tz, loc)}"


def format_date_range(
    start: datetime, end: datetime | None, tz: str = "Asia/Jakarta", locale: str | None = None
) -> str:
    """ "Kamis–Jumat, 25–26 Agustus 2022" for a multi-day event, "Kamis, 25 Agustus 2022" for one day."""
    from bimtek.core.pdfkit.formats import date_range

    return date_range(start, end or start, tz, locale or _locale())


def format_event_when(
    start: datetime, end: datetime | None, tz: str = "Asia/Jakarta", locale: str | None = None
) -> str:
    """ "Kamis–Jumat, 25–26 Agustus 2022, pukul 09.00 WIB": the dates of the whole event and its start."""
    loc = locale or _locale()
    word = "pukul" if loc == "id" else "at"
    return f"{format_date_range(start, end, tz, loc)}, {word} {format_clock(start, tz, loc)}"


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs typed in a text box (blank lines between them, whatever the line endings)."""
    normalized = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in re.split(r"\n\s*\n", normalized) if p.strip()]


def format_number(value, locale: str | None = None) -> str:
    """1.234.567,5 in Indonesian."""
    return format_decimal(value, locale=locale or _locale())


def format_rupiah(value: int) -> str:
    """Rp1.500.000."""
    return "Rp" + format_decimal(int(value), locale="id")


def format_local_input(value: datetime | None, tz: str = "Asia/Jakarta") -> str:
    """Value for an <input type=datetime-local> in the event's zone."""
    return to_zone(value, tz).strftime("%Y-%m-%dT%H:%M") if value else ""


# (language, kind, msgid) -> text: labels are read on hot paths (every scan answer carries one) and the
# catalogs do not change while the process runs.
_LABEL_TEXT: dict[tuple[str, str, str], str] = {}


def translate_label(msgid: str, kind: str) -> str:
    """A label's msgid in the current language (the kind's msgctxt first); outside an app, the Indonesian.

    The msgids are Bahasa Indonesia, the default language, so Indonesian needs no catalog look-up at all.
    """
    if not msgid or not has_app_context():
        return msgid
    lang = _locale()
    if lang == current_app.config["BABEL_DEFAULT_LOCALE"]:
        return msgid
    key = (lang, kind, msgid)
    text = _LABEL_TEXT.get(key)
    if text is None:
        text = pgettext(kind, msgid)
        text = _LABEL_TEXT[key] = text if text != msgid else gettext(msgid)
    return text


def lazy_label(kind: str, code) -> LazyString:
    """A label translated when it is shown (module-level form choices are built before any request)."""
    return LazyString(label_table.label, kind, code)


def lazy_choices(kind: str) -> list:
    """The codes of a kind with lazy labels, as choices of a WTForms select built at import time."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(code, lazy_label(kind, code)) for code in label_table.codes(kind)]


def label_filter(code, kind: str, lang: str | None = None) -> str:
    """``{{ reg.status|label("registration_status") }}``."""
    return label_table.label(kind, code, lang)


def init_i18n(app: Flask) -> None:
    """Template filters and the language switch route."""
    label_table.set_translator(translate_label)
    app.add_template_filter(label_filter, "label")
    app.add_template_global(label_table.labels, "labels_of")
    app.add_template_filter(format_long_date, "long_date")
    app.add_template_filter(format_short_date, "short_date")
    app.add_template_filter(format_clock, "clock")
    app.add_template_filter(format_datetime_long, "datetime_long")
    app.add_template_filter(format_date_range, "date_range")
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_rupiah, "rupiah")
    app.add_template_filter(format_local_input, "localinput")

    @app.context_processor
    def _inject_locale():
        return {"current_locale": _locale()}

    @app.get("/lang/<code>")
    def set_language(code: str):
        """Remember the chosen language in a cookie and go back where the visitor was."""
        target = safe_next(request.args.get("next"), url_for("events.public_list"))
        resp = redirect(target)
        if code in app.config["LANGUAGES"]:
            resp.set_cookie(LANG_COOKIE, code, max_age=3600 * 24 * 365, samesite="Lax", httponly=True)
            session.pop("_flashes", None)
        return resp
