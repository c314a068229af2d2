"""Interval union, clipping and minute totals (bimtek.attendance.intervals)."""

from datetime import UTC, datetime

import pytest

from bimtek.attendance.intervals import clip, merge_intervals, minutes_in_window, total_minutes


def t(hhmm):
    """UTC time on the event day from "HH:MM" (or "HH:MM:SS")."""
    parts = [int(p) for p in hhmm.split(":")]
    return datetime(2022, 8, 25, *parts, tzinfo=UTC)


def iv(*pairs):
    return [(t(a), t(b)) for a, b in pairs]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], []),
        ([("09:00", "10:00")], [("09:00", "10:00")]),
        ([("09:00", "10:00"), ("09:30", "11:00")], [("09:00", "11:00")]),  # overlap
        ([("09:00", "10:00"), ("10:00", "11:00")], [("09:00", "11:00")]),  # touching
        ([("09:00", "12:00"), ("10:00", "11:00")], [("09:00", "12:00")]),  # contained
        ([("10:30", "11:00"), ("09:00", "10:00")], [("09:00", "10:00"), ("10:30", "11:00")]),  # unsorted, gap
        ([("09:00", "09:00"), ("10:00", "09:00")], []),  # empty and inverted carry no time
        (
            [("09:00", "09:10"), ("09:05", "09:20"), ("09:15", "09:30"), ("11:00", "11:30")],
            [("09:00", "09:30"), ("11:00", "11:30")],
        ),  # a chain of overlaps
    ],
)
def test_merge_intervals(given, expected):
    assert merge_intervals(iv(*given)) == iv(*expected)


def test_merge_accepts_any_iterable():
    assert merge_intervals(x for x in iv(("09:00", "10:00"))) == iv(("09:00", "10:00"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([("08:00", "13:00")], [("09:00", "12:00")]),
        ([("08:00", "08:59")], []),
        ([("12:00", "12:30")], []),  # starts exactly at the window's end
        ([("08:30", "09:30"), ("11:30", "12:30")], [("09:00", "09:30"), ("11:30", "12:00")]),
        ([("09:10", "09:20"), ("09:15", "09:40")], [("09:10", "09:40")]),
    ],
)
def test_clip_to_window(given, expected):
    assert clip(iv(*given), t("09:00"), t("12:00")) == iv(*expected)


@pytest.mark.parametrize(
    ("given", "minutes"),
    [
        ([], 0),
        ([("09:00", "10:30")], 90),
        ([("09:00", "10:15"), ("10:10", "11:59")], 179),  # the 5 overlapping minutes count once
        ([("09:00:00", "09:00:30")], 0.5),
        ([("09:00", "10:00"), ("09:00", "10:00")], 60),  # a duplicated row (re-imported file)
    ],
)
def test_total_minutes(given, minutes):
    assert total_minutes(iv(*given)) == pytest.approx(minutes)


@pytest.mark.parametrize(
    ("given", "minutes"),
    [
        ([("08:45", "12:10")], 180),
        ([("08:52:10", "10:31:45"), ("10:33:02", "12:05:40")], 91.75 + 86 + 58 / 60),
        ([("12:01", "12:30")], 0),
        ([("09:30", "10:00"), ("09:45", "10:30"), ("13:00", "14:00")], 60),
    ],
)
def test_minutes_in_window(given, minutes):
    assert minutes_in_window(iv(*given), t("09:00"), t("12:00")) == pytest.approx(minutes)
