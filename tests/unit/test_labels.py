"""The one label module: every code has one label, translated when asked, and the catalogs agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bimtek.core import labels
from bimtek.core.labels import LABELS, label
from tests.catalogs import catalogs


def test_a_label_is_the_indonesian_source_without_an_app():
    assert label("registration_status", "confirmed") == "Terkonfirmasi"
    assert label("mode", "onsite") == "Luring (tatap muka)"
    assert label("role", "peserta", "id").upper() == "PESERTA"
    assert label("certificate_status", "valid", "id").upper() == "VALID"


def test_empty_and_unknown_codes():
    assert label("registration_status", None) == ""
    assert label("registration_status", "") == ""
    assert label("evaluation_audience", "") == "Semua peserta"  # "" is a code there: everyone
    assert label("registration_status", "frozen") == "frozen"  # a gap shows, so the crawler can find it


def test_labels_and_codes_keep_their_order():
    assert labels.codes("registration_status") == ("confirmed", "waitlisted", "pending", "rejected", "cancelled")
    assert list(labels.labels("mode_short").values()) == ["Luring", "Daring"]


def test_every_label_is_text_and_no_kind_is_empty():
    for kind, table in LABELS.items():
        assert table, kind
        for code, text in table.items():
            assert isinstance(text, str) and (text or code == ""), (kind, code)


def _english(po: Path) -> dict:
    with po.open("rb") as fh:
        return {
            (m.context, m.id): m.string
            for m in read_po(fh)
            if m.id and m.string and isinstance(m.id, str) and isinstance(m.string, str)
        }


def test_one_english_wording_per_msgid_across_the_catalogs():
    """Flask-Babel merges every feature's catalog and the last one wins silently: "Keluar" read "Exit" (a
    check-in scan) in the log-out button. A word that means two things takes a msgctxt instead."""
    seen: dict[tuple, dict[str, list[str]]] = {}
    for po in catalogs():
        if "/en/" not in str(po):
            continue
        for key, text in _english(po).items():
            seen.setdefault(key, {}).setdefault(text, []).append(str(po.relative_to(po.parents[4])))
    clashes = [f"{key[1]!r} (context {key[0]!r}): {wordings}" for key, wordings in seen.items() if len(wordings) > 1]
    assert not clashes, "\n".join(clashes)


@pytest.fixture(scope="module")
def english_app(tmp_path_factory):
    from bimtek import create_app
    from tests.conftest import base_config

    return create_app(base_config(tmp_path_factory.mktemp("labels"), "sqlite://"))


def test_labels_follow_the_visitors_language(english_app):
    with english_app.test_request_context("/?lang=en"):
        assert label("registration_status", "confirmed") == "Confirmed"
        assert label("attendance_source", "venue") == "On site"
        assert label("role", "peserta") == "Participant"  # the role's msgctxt, not the "Participants" tab
        assert label("role", "peserta", "id") == "Peserta"
        rendered = english_app.jinja_env.from_string('{{ "waitlisted"|label("registration_status") }}').render()
        assert rendered == "Waitlist"
    with english_app.test_request_context("/"):
        assert label("registration_status", "confirmed") == "Terkonfirmasi"


def test_stored_eligibility_reasons_read_in_english(english_app):
    from bimtek.attendance.eligibility import REASON_TEXTS
    from bimtek.attendance.reasons import reason_text

    stored = [
        REASON_TEXTS["session_short"] % {"n": 2, "minutes": 53, "duration": "90", "percent": 58, "needed": "70"},
        REASON_TEXTS["presensi_missing"] % {"n": 1, "windows": "awal dan akhir"},
        REASON_TEXTS["min_sessions"] % {"attended": 1, "total": 3, "needed": 2},
        REASON_TEXTS["inactive"],
        REASON_TEXTS["min_total_jp"] % {"jp": "2,5", "needed": "1.234"},
    ]
    with english_app.test_request_context("/?lang=en"):
        assert [reason_text(s) for s in stored] == [
            "Session 2: 53 of 90 minutes (58%), at least 70%",
            "Session 1: start and end presensi not filled in",
            "Attended 1 of 3 sessions, at least 2 sessions",
            "Registration not active",
            "Total 2.5 JP, at least 1,234 JP",
        ]
    with english_app.test_request_context("/"):
        assert reason_text(stored[0]) == stored[0] == "Sesi 2: 53 dari 90 menit (58%), minimal 70%"
        assert reason_text("Alasan lama yang tidak dikenal") == "Alasan lama yang tidak dikenal"
