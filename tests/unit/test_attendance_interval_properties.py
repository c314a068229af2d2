"""Interval merging, property-style: random rejoin patterns checked against a brute-force second count.

(hypothesis is not in the pinned requirements; a seeded generator over many cases gives the same
assurance reproducibly.)
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bimtek.attendance.intervals import clip, merge_intervals, minutes_in_window, total_minutes

T0 = datetime(2022, 8, 25, 2, 0, tzinfo=UTC)
SESSION = (T0, T0 + timedelta(minutes=90))


def _random_rows(rnd: random.Random) -> list[tuple[datetime, datetime]]:
    rows = []
    for _ in range(rnd.randint(0, 12)):
        start = T0 + timedelta(seconds=rnd.randint(-3600, 3 * 3600))
        length = timedelta(seconds=rnd.choice([0, 1, 59, 60, rnd.randint(0, 7200)]))
        if rnd.random() < 0.1:
            rows.append((start, start - length))  # a malformed row: leave before join
        else:
            rows.append((start, start + length))
    if rows and rnd.random() < 0.3:
        rows.append(rows[0])  # the same row exported twice
    return rows


def _covered_seconds(rows, window) -> int:
    lo, hi = window
    seconds = set()
    for s, e in rows:
        if e <= s:
            continue
        a, b = max(s, lo), min(e, hi)
        seconds.update(range(int((a - T0).total_seconds()), int((b - T0).total_seconds())))
    return len(seconds)


@pytest.mark.parametrize("seed", range(300))
def test_union_matches_brute_force_and_never_exceeds_the_session(seed):
    rnd = random.Random(seed)
    rows = _random_rows(rnd)
    minutes = minutes_in_window(rows, *SESSION)
    assert 0 <= minutes <= 90
    assert minutes * 60 == pytest.approx(_covered_seconds(rows, SESSION))
    wide = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert total_minutes(rows) * 60 == pytest.approx(_covered_seconds(rows, wide))


@pytest.mark.parametrize("seed", range(100))
def test_order_of_rows_never_matters_and_merge_is_idempotent(seed):
    rnd = random.Random(seed)
    rows = _random_rows(rnd)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    merged = merge_intervals(rows)
    assert merge_intervals(shuffled) == merged
    assert merge_intervals(merged) == merged
    assert clip(shuffled, *SESSION) == clip(rows, *SESSION)
    # Merged pairs are sorted, disjoint and non-touching.
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(merged, merged[1:], strict=False))


@pytest.mark.parametrize("seed", range(50))
def test_union_is_at_least_the_longest_stay_and_at_most_the_sum(seed):
    rnd = random.Random(seed)
    rows = [(s, e) for s, e in _random_rows(rnd) if e > s]
    total = total_minutes(rows)
    lengths = [(e - s).total_seconds() / 60 for s, e in rows]
    assert max(lengths, default=0) - 1e-9 <= total <= sum(lengths) + 1e-9
