"""Scores, gains, predikat, windows and item statistics against a table worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bimtek.learning import scoring, windows
from bimtek.learning.scoring import Question

# Q1: multiple choice, key C (index 2), weight 1. Q2: true/false, key "Salah", weight 1. Q3: short, weight 2.
BANK = [Question(1, "choice", 1, 2), Question(2, "truefalse", 1, False), Question(3, "short", 2, None)]


@pytest.mark.parametrize(
    ("answers", "marks", "percent", "pending"),
    [
        ({1: "2", 2: "false", 3: "cek sumber"}, {3: 2}, 100.0, 0),  # 1 + 1 + 2 = 4 of 4
        ({1: "1", 2: "false", 3: "cek"}, {3: 1}, 50.0, 0),  # 0 + 1 + 1 = 2 of 4
        ({1: "2", 2: "true", 3: ""}, {}, 25.0, 0),  # 1 + 0 + blank short (nothing to mark) = 1 of 4
        ({1: "2", 2: "false", 3: "belum dinilai"}, {}, None, 1),  # a short answer waits: no score yet
        ({}, {}, 0.0, 0),  # nothing answered
        ({1: "9", 2: "mungkin"}, {3: 5}, 50.0, 0),  # unknown option and value earn 0; a mark is capped at the weight
    ],
)
def test_attempt_scores(answers, marks, percent, pending):
    result = scoring.score_attempt(BANK, answers, marks)
    assert result.percent == percent
    assert result.pending == pending


def test_weights_change_the_score():
    bank = [Question(1, "choice", 3, 0), Question(2, "choice", 1, 0)]
    assert scoring.score_attempt(bank, {1: "0", 2: "1"}, {}).percent == 75.0


@pytest.mark.parametrize(
    ("pre", "post", "gain", "g"),
    [
        (40, 70, 30, 0.5),  # 30 / (100 - 40)
        (80, 60, -20, -1.0),  # -20 / 20
        (100, 90, -10, None),  # pre already 100: g undefined
        (0, 100, 100, 1.0),
        (None, 70, None, None),
        (55.5, 77.75, 22.25, 0.5),  # 22.25 / 44.5
    ],
)
def test_gain_and_normalised_gain(pre, post, gain, g):
    assert scoring.gain(pre, post) == gain
    assert scoring.normalised_gain(pre, post) == g


BANDS = [(71, "Baik"), (86, "Sangat Baik"), (0, "Kurang"), (56, "Cukup")]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "Sangat Baik"),
        (86, "Sangat Baik"),
        (85.99, "Baik"),
        (71, "Baik"),
        (56, "Cukup"),
        (0, "Kurang"),
        (None, None),
    ],
)
def test_predikat_bands(score, band):
    assert scoring.band_for(score, BANDS) == band


@pytest.mark.parametrize(
    ("scores", "rule", "counted"),
    [([40, 70], "best", 70), ([80, 60], "best", 80), ([80, 60], "last", 60), ([50, None], "last", None),
     ([50, None], "best", 50), ([], "best", None)],
)  # fmt: skip
def test_counted_score(scores, rule, counted):
    assert scoring.counted_score(scores, rule) == counted


def test_distribution_in_bands_of_ten():
    assert scoring.distribution([0, 9.99, 10, 55, 100, None, 99.5]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_group_gains():
    rows = [("provinsi", 40, 70), ("provinsi", 60, 80), ("pusat", 50, None), ("pusat", 20, 60)]
    assert scoring.group_gains(rows) == {
        "provinsi": {"n": 2, "pre": 50.0, "post": 75.0, "gain": 25.0, "normalised_gain": 0.5},  # g: 0.5 and 0.5
        "pusat": {"n": 1, "pre": 20.0, "post": 60.0, "gain": 40.0, "normalised_gain": 0.5},
    }


def test_item_analysis_small_group():
    # Four attempts: 27 % of 4 rounds to one attempt in each group.
    attempts = [
        (90, {10: 1, 11: 0, 12: 1}),
        (70, {10: 1, 11: 1, 12: 1}),
        (50, {10: 0, 11: 1, 12: 1}),
        (20, {10: 0, 11: 1, 12: 1}),
    ]
    stats = {s.question_id: s for s in scoring.item_analysis(attempts, [10, 11, 12, 13])}
    assert (stats[10].difficulty, stats[10].discrimination) == (0.5, 1.0)  # strong get it, weak don't
    assert (stats[11].difficulty, stats[11].discrimination) == (0.75, -1.0)  # a bad question shows as negative
    assert (stats[12].difficulty, stats[12].discrimination) == (1.0, 0.0)  # everyone right: no discrimination
    assert (stats[13].answered, stats[13].difficulty) == (0, None)


def test_item_analysis_upper_and_lower_27_percent():
    # Ten attempts: groups of round(2.7) = 3. Upper = 100, 90, 80 (1, 1, 0); lower = 30, 20, 10 (0, 0, 0).
    fractions = [1, 1, 0, 1, 1, 0, 1, 0, 0, 0]
    attempts = [(100 - 10 * i, {1: f}) for i, f in enumerate(fractions)]
    (stat,) = scoring.item_analysis(attempts, [1])
    assert stat.difficulty == 0.5
    assert stat.discrimination == 0.6667


def test_partial_marks_count_as_fractions():
    attempts = [(80, {5: 0.5}), (60, {5: 1.0}), (40, {5: 0.0}), (10, {5: 0.0})]
    (stat,) = scoring.item_analysis(attempts, [5])
    assert stat.difficulty == 0.375
    assert stat.discrimination == 0.5


def test_shuffle_is_reproducible_and_differs_between_tests():
    ids = list(range(1, 21))
    counts = {i: 4 for i in ids}
    pre = scoring.shuffled_order(ids, counts, "7:tok:pre:1", True)
    assert pre == scoring.shuffled_order(ids, counts, "7:tok:pre:1", True)
    post = scoring.shuffled_order(ids, counts, "7:tok:post:1", True)
    assert sorted(post["questions"]) == ids and post["questions"] != pre["questions"]
    assert sorted(pre["options"]["3"]) == [0, 1, 2, 3]
    assert scoring.shuffled_order(ids, counts, "x", False)["questions"] == ids


T0 = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)


def test_windows_follow_the_agenda():
    first, last = T0, T0 + timedelta(hours=6)
    pre = windows.test_window("pre", None, None, first, last)
    assert pre.state(first - timedelta(days=3)) == "open" and pre.state(first) == "closed"
    post = windows.test_window("post", None, None, first, last)
    assert post.state(last - timedelta(seconds=1)) == "not_open" and post.state(last) == "open"
    custom = windows.test_window("pre", T0 - timedelta(hours=2), T0 + timedelta(minutes=30), first, last)
    assert custom.state(T0 + timedelta(minutes=10)) == "open"


def test_deadline_is_cut_by_the_window():
    window = windows.Window(None, T0 + timedelta(minutes=10))
    assert windows.attempt_deadline(T0, 1800, window) == T0 + timedelta(minutes=10)
    assert windows.attempt_deadline(T0, 300, window) == T0 + timedelta(minutes=5)
