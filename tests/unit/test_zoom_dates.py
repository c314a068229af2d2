"""Day/month order of Zoom reports (bimtek.attendance.zoom_dates and its use in zoom_csv)."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bimtek.attendance import zoom_dates
from bimtek.attendance.zoom_csv import parse_zoom_report
from bimtek.attendance.zoom_dates import DateEvidence, decide

WIB = "Asia/Jakarta"
HEADER = "Name (Original Name);User Email;Join Time;Leave Time;Duration (Minutes);Guest"


def resaved(day: str, *, sep: str = "/", meeting: str | None = None) -> bytes:
    """A Zoom report re-saved by Excel in the Indonesian locale: ';', 24-hour, no AM/PM, day first."""
    d = day.replace("/", sep)
    lines = []
    if meeting:
        lines += ["Meeting ID;Topic;Start Time;End Time", f"812 3456 7890;Bimtek;{meeting};", ""]
    lines += [
        HEADER,
        f"Rina Marlina;rina@x.go.id;{d} 08:52;{d} 10:31;100;No",
        f"Ahmady;ahmady@x.go.id;{d} 09:31;{d} 10:20;49;No",
    ]
    return "\n".join(lines).encode()


def wib(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - timedelta(hours=7)


def session(y, m, d) -> list[tuple[datetime, datetime]]:
    return [(wib(y, m, d, 9), wib(y, m, d, 10, 30))]


def test_pure_module_imports_no_flask_or_database():
    tree = ast.parse(Path(zoom_dates.__file__).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {n for n in names if n and n.split(".")[0] in ("flask", "sqlalchemy")}
    assert "bimtek.extensions" not in names


@pytest.mark.parametrize(
    ("evidence", "order", "reason", "ambiguous"),
    [
        (DateEvidence(frozenset({"25/08/2022"})), "dmy", "values", False),
        (DateEvidence(frozenset({"08/25/2022"}), meridiem=True), "mdy", "values", False),
        (DateEvidence(frozenset({"04/04/2027", "2027-02-04"})), "mdy", "same_either_way", False),
        (
            DateEvidence(frozenset({"04/02/2027"}), inside={"mdy": 0, "dmy": 2}, windows_known=True),
            "dmy",
            "sessions",
            False,
        ),
        (
            DateEvidence(frozenset({"04/02/2027"}), inside={"mdy": 2, "dmy": 0}, windows_known=True),
            "mdy",
            "sessions",
            False,
        ),
        (DateEvidence(frozenset({"04/02/2027"}), near_meeting={"mdy": 0, "dmy": 2}), "dmy", "meeting", False),
        (DateEvidence(frozenset({"02/04/2027"}), meridiem=True), "mdy", "zoom_layout", False),
        # Zoom's own layout says month first, yet only day-first fits the session: ask.
        (
            DateEvidence(frozenset({"02/04/2027"}), meridiem=True, inside={"mdy": 0, "dmy": 3}, windows_known=True),
            "dmy",
            "conflict",
            True,
        ),
        (
            DateEvidence(frozenset({"02/04/2027"}), meridiem=True, inside={"mdy": 3, "dmy": 0}, windows_known=True),
            "mdy",
            "sessions",
            False,
        ),
        (DateEvidence(frozenset({"04.02.2027"})), "dmy", "local_separator", False),
        (DateEvidence(frozenset({"04-02-2027"})), "dmy", "local_separator", False),
        # Both readings hit a session (an event on 4 February and on 2 April): ask.
        (
            DateEvidence(frozenset({"04/02/2027"}), inside={"mdy": 2, "dmy": 2}, windows_known=True),
            "mdy",
            "ambiguous",
            True,
        ),
        (DateEvidence(frozenset({"04/02/2027"})), "mdy", "ambiguous", True),
        # Values that contradict each other decide nothing by themselves.
        (DateEvidence(frozenset({"25/08/2022", "08/26/2022", "04/02/2027"})), "mdy", "ambiguous", True),
    ],
)
def test_decide(evidence, order, reason, ambiguous):
    decision = decide(evidence)
    assert (decision.order, decision.reason, decision.ambiguous) == (order, reason, ambiguous)


def test_readings_show_both_dates_for_the_question():
    assert zoom_dates.readings("04/02/2027") == {"mdy": date(2027, 4, 2), "dmy": date(2027, 2, 4)}
    assert zoom_dates.readings("25/08/22") == {"mdy": None, "dmy": date(2022, 8, 25)}


@pytest.mark.parametrize(
    ("day", "windows", "expected_join"),
    [
        # The Excel-re-saved file of a session on 4 February 2027: only day-first puts rows in the session.
        ("04/02/2027", session(2027, 2, 4), wib(2027, 2, 4, 8, 52)),
        # The same layout for a session on 25 August 2022: the values decide.
        ("25/08/2022", session(2022, 8, 25), wib(2022, 8, 25, 8, 52)),
        # A file truly for 2 April (month first, as Zoom writes) imported for a session on 2 April.
        ("04/02/2027", session(2027, 4, 2), wib(2027, 4, 2, 8, 52)),
    ],
)
def test_resaved_file_reads_the_date_the_session_is_on(day, windows, expected_join):
    report = parse_zoom_report(resaved(day), WIB, windows=windows)
    assert not report.dates.ambiguous
    assert report.rows[0].join_utc == expected_join


def test_meeting_start_that_reads_one_way_decides_the_rows():
    # A meeting start of 13/02 can only be 13 February: rows of 12/02 are then 12 February, not 2 December.
    report = parse_zoom_report(resaved("12/02/2027", meeting="12/02/2027 08:45"), WIB)
    assert report.dates.ambiguous  # the meeting start 12/02 is itself ambiguous
    report = parse_zoom_report(resaved("12/02/2027", meeting="13/02/2027 00:10"), WIB)
    assert (report.dates.order, report.dates.reason) == ("dmy", "meeting")
    assert report.rows[0].join_utc == wib(2027, 2, 12, 8, 52)


def test_truly_ambiguous_file_asks_and_a_choice_reads_it_that_way():
    report = parse_zoom_report(resaved("04/02/2027"), WIB)
    assert report.dates.ambiguous and report.dates.reason == "ambiguous"
    assert report.dates.sample == "04/02/2027"
    chosen = parse_zoom_report(resaved("04/02/2027"), WIB, date_order="dmy")
    assert (chosen.dates.order, chosen.dates.reason, chosen.dates.ambiguous) == ("dmy", "chosen", False)
    assert chosen.rows[0].join_utc == wib(2027, 2, 4, 8, 52)


def test_file_outside_both_readings_is_not_guessed():
    # Imported for the wrong day: neither order fits, nothing else decides: ask (and the preview shouts).
    report = parse_zoom_report(resaved("04/02/2027"), WIB, windows=session(2027, 3, 1))
    assert report.dates.ambiguous
