"""Scores, gains, predikat and item analysis of pre-tests and post-tests.

Pure module: plain values in, plain values out; no Flask, no database. The invariants:
- a score is 100 × points earned / points possible, so it is always within 0–100 whatever the weights;
- an attempt with a short answer not yet marked has no score (``None``), never a partial one that would
  look final;
- the normalised gain (post − pre) / (100 − pre) is undefined (``None``) when the pre-test score is 100.
Item analysis follows the classical test theory used in Indonesian diklat evaluation: difficulty is the
mean fraction of the item's weight earned (p, 0 = nobody right, 1 = everybody right); the discrimination
index is p(upper 27 %) − p(lower 27 %) by total score, so a question the weaker half gets right more often
than the stronger half shows as negative.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "ItemStats",
    "Question",
    "Score",
    "band_for",
    "check_answer",
    "counted_score",
    "distribution",
    "gain",
    "group_gains",
    "item_analysis",
    "normalised_gain",
    "score_attempt",
    "shuffled_order",
]

KINDS = ("choice", "truefalse", "short")
GROUP_FRACTION = 0.27


@dataclass(frozen=True)
class Question:
    """What scoring needs of a question: its kind, its key (option index or True/False) and its weight."""

    id: int
    kind: str
    weight: float = 1.0
    correct: int | bool | None = None


@dataclass(frozen=True)
class Score:
    earned: float
    possible: float
    percent: float | None  # None while a short answer waits for marking
    pending: int


def check_answer(question: Question, value) -> float | None:
    """Fraction of the weight earned by one closed answer (0 or 1); None for short answers (marked by hand)."""
    if question.kind == "short":
        return None
    if value is None or value == "":
        return 0.0
    if question.kind == "truefalse":
        return 1.0 if _as_bool(value) is question.correct else 0.0
    try:
        return 1.0 if int(value) == int(question.correct) else 0.0
    except (TypeError, ValueError):
        return 0.0


def _as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "benar", "b", "ya"):
        return True
    if text in ("false", "0", "salah", "s", "tidak"):
        return False
    return None


def score_attempt(
    questions: Sequence[Question], answers: Mapping[int, object], marks: Mapping[int, float | None]
) -> Score:
    """Score one attempt: closed answers checked, short answers from `marks` (points given, 0..weight)."""
    earned = possible = 0.0
    pending = 0
    for q in questions:
        weight = max(0.0, float(q.weight))
        possible += weight
        if q.kind == "short":
            given = marks.get(q.id)
            if given is None:
                if str(answers.get(q.id) or "").strip():
                    pending += 1
                continue
            earned += min(weight, max(0.0, float(given)))
        else:
            earned += weight * (check_answer(q, answers.get(q.id)) or 0.0)
    if pending:
        return Score(earned, possible, None, pending)
    percent = round(100.0 * earned / possible, 2) if possible else 0.0
    return Score(earned, possible, percent, 0)


def counted_score(scores: Sequence[float | None], rule: str) -> float | None:
    """The score that counts over attempts in order taken: the best, or the last (None when not scored)."""
    scored = [s for s in scores if s is not None]
    if not scored:
        return None
    if rule == "last":
        return scores[-1]
    return max(scored)


def gain(pre: float | None, post: float | None) -> float | None:
    """post − pre, or None when either is missing."""
    if pre is None or post is None:
        return None
    return round(post - pre, 2)


def normalised_gain(pre: float | None, post: float | None) -> float | None:
    """(post − pre) / (100 − pre) (Hake's g), or None when missing or when pre is already 100."""
    if pre is None or post is None or pre >= 100:
        return None
    return round((post - pre) / (100.0 - pre), 4)


def band_for(score: float | None, bands: Iterable[tuple[float, str]]) -> str | None:
    """The predikat whose lower bound the score reaches (bands in any order), or None."""
    if score is None:
        return None
    for minimum, label in sorted(bands, key=lambda b: -b[0]):
        if score >= minimum:
            return label
    return None


def distribution(scores: Iterable[float | None], width: int = 10) -> list[int]:
    """Counts per band of `width` points: [0, 10), [10, 20) ... and the last band includes 100."""
    bins = [0] * math.ceil(100 / width)
    for s in scores:
        if s is None:
            continue
        bins[min(len(bins) - 1, int(max(0.0, s) // width))] += 1
    return bins


def group_gains(rows: Iterable[tuple[str, float | None, float | None]]) -> dict[str, dict]:
    """Per group (e.g. instansi type): participants with both tests, mean pre, mean post, mean gain and mean g."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for key, pre, post in rows:
        if pre is None or post is None:
            continue
        groups.setdefault(key, []).append((pre, post))
    out = {}
    for key, pairs in sorted(groups.items()):
        gs = [g for g in (normalised_gain(a, b) for a, b in pairs) if g is not None]
        out[key] = {
            "n": len(pairs),
            "pre": round(sum(a for a, _ in pairs) / len(pairs), 2),
            "post": round(sum(b for _, b in pairs) / len(pairs), 2),
            "gain": round(sum(b - a for a, b in pairs) / len(pairs), 2),
            "normalised_gain": round(sum(gs) / len(gs), 4) if gs else None,
        }
    return out


@dataclass(frozen=True)
class ItemStats:
    question_id: int
    answered: int
    difficulty: float | None
    discrimination: float | None


def item_analysis(
    attempts: Sequence[tuple[float, Mapping[int, float]]], question_ids: Sequence[int]
) -> list[ItemStats]:
    """Difficulty and discrimination per question from (total score, {question id: fraction earned}) per attempt.

    Upper and lower groups are the top and bottom 27 % by total score (at least one attempt each; ties broken
    by input order, so the result is deterministic). A question an attempt did not contain is skipped for it.
    """
    n = len(attempts)
    if n == 0:
        return [ItemStats(q, 0, None, None) for q in question_ids]
    ranked = sorted(range(n), key=lambda i: -attempts[i][0])
    size = max(1, round(n * GROUP_FRACTION))
    upper, lower = ranked[:size], ranked[-size:]
    stats = []
    for qid in question_ids:
        values = [a[1][qid] for a in attempts if qid in a[1]]
        if not values:
            stats.append(ItemStats(qid, 0, None, None))
            continue
        difficulty = sum(values) / len(values)
        up = [attempts[i][1][qid] for i in upper if qid in attempts[i][1]]
        low = [attempts[i][1][qid] for i in lower if qid in attempts[i][1]]
        disc = (sum(up) / len(up) - sum(low) / len(low)) if up and low and n >= 2 else None
        stats.append(ItemStats(qid, len(values), round(difficulty, 4), None if disc is None else round(disc, 4)))
    return stats


def shuffled_order(question_ids: Sequence[int], option_counts: Mapping[int, int], seed: str, shuffle: bool) -> dict:
    """A participant's order of questions and of each question's options, reproducible from `seed`.

    Returns {"questions": [ids], "options": {str(id): [original option indexes in display order]}}.
    """
    rng = random.Random(seed)
    ids = list(question_ids)
    if shuffle:
        rng.shuffle(ids)
    options = {}
    for qid in ids:
        order = list(range(option_counts.get(qid, 0)))
        if shuffle:
            rng.shuffle(order)
        options[str(qid)] = order
    return {"questions": ids, "options": options}
