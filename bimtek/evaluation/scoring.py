"""Evaluation arithmetic: parse a 1–5 answer, summarise score counts. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
TEXT_LIMIT = 2000

# What each point of the scale means is the "evaluation_scale" kind of bimtek.core.labels.


class ScoreError(ValueError):
    """An answer that is not a whole number from 1 to 5."""


def parse_score(value) -> int | None:
    """'4' -> 4; '' or None -> None; anything else outside 1–5 raises ScoreError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ScoreError(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if not text.isascii() or not text.isdigit():
            raise ScoreError(value)
        number = int(text)
    if number not in SCALE:
        raise ScoreError(value)
    return number


def clean_text(value, limit: int = TEXT_LIMIT) -> str:
    """Free text trimmed, with control characters other than newlines and tabs removed."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)[: limit + 1]


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """Answers counted per point of the scale, with their number and mean (None when nobody answered)."""

    count: int
    mean: float | None
    distribution: tuple[int, int, int, int, int]

    @property
    def percent_good(self) -> float | None:
        """Share of 4s and 5s, the figure leadership usually asks for ("puas")."""
        if not self.count:
            return None
        return 100 * (self.distribution[3] + self.distribution[4]) / self.count


def summarize(counts: dict[int, int]) -> ScoreSummary:
    """Summarise {score: number of answers}; scores outside 1–5 are ignored."""
    dist = tuple(int(counts.get(s, 0)) for s in SCALE)
    total = sum(dist)
    mean = sum(s * n for s, n in zip(SCALE, dist, strict=True)) / total if total else None
    return ScoreSummary(total, mean, dist)  # type: ignore[arg-type]


def merge(summaries: list[ScoreSummary]) -> ScoreSummary:
    """One summary of several (e.g. a speaker's three aspects, weighted by answers)."""
    counts = {s: sum(x.distribution[i] for x in summaries) for i, s in enumerate(SCALE)}
    return summarize(counts)
