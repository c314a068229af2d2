"""Every user-facing string has an English translation, and Indonesian formatting is right."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bimtek import ROOT
from bimtek.i18n import format_clock, format_datetime_long, format_long_date, format_number, format_rupiah
from tests.catalogs import catalogs

METHOD_MAP = [("bimtek/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
    "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2),
}  # fmt: skip


def english() -> dict:
    merged = {}
    for po in catalogs():
        if "/en/" not in str(po):
            continue
        with po.open("rb") as f:
            for msg in read_po(f):
                if msg.id and msg.string:
                    merged[(msg.context, msg.id if isinstance(msg.id, str) else msg.id[0])] = msg.string
    return merged


def test_every_string_is_translated_to_english():
    known = english()
    missing = set()
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and (context, msgid) not in known:
            missing.add(f"{filename}: {msgid}" + (f" (context {context!r})" if context else ""))
    assert not missing, "\n".join(sorted(missing))


def test_indonesian_dates_have_no_zero_padding():
    dt = datetime(2022, 9, 1, 2, 0, tzinfo=UTC)
    assert format_long_date(dt, "Asia/Jakarta", "id") == "Kamis, 1 September 2022"
    assert format_clock(dt, "Asia/Makassar", "id") == "10.00 WITA"
    assert format_datetime_long(dt, "Asia/Jayapura", "id") == "Kamis, 1 September 2022, pukul 11.00 WIT"


def test_indonesian_numbers_and_rupiah():
    assert format_number(1234567.5, "id") == "1.234.567,5"
    assert format_rupiah(1500000) == "Rp1.500.000"
