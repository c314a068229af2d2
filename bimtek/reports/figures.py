"""Report arithmetic with no database: minute buckets and interval unions (plain values in and out)."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median

__all__ = ["MINUTE_BUCKETS", "minutes_distribution", "union_minutes"]

MINUTE_BUCKETS = ((0, 0, "0%"), (0, 25, "1–24%"), (25, 50, "25–49%"), (50, 70, "50–69%"), (70, 90, "70–89%"),
                  (90, 10**9, "≥ 90%"))  # fmt: skip


def minutes_distribution(per_registration: dict[int, float], scheduled: float, population: Iterable[int]) -> dict:
    """Bucket each participant's minutes as a share of the scheduled minutes (pure arithmetic, unit-tested)."""
    counts = [0] * len(MINUTE_BUCKETS)
    values = []
    for reg_id in population:
        minutes = max(0.0, per_registration.get(reg_id, 0.0))
        values.append(minutes)
        pct = 100 * minutes / scheduled if scheduled > 0 else 0
        for i, (lo, hi, _label) in enumerate(MINUTE_BUCKETS):
            if (i == 0 and minutes == 0) or (i > 0 and minutes > 0 and lo <= pct < hi):
                counts[i] += 1
                break
        else:
            counts[-1] += 1
    return {
        "participants": len(values),
        "scheduled_minutes": round(scheduled, 1),
        "median_minutes": round(median(values), 1) if values else None,
        "buckets": [{"label": label, "count": n} for (_lo, _hi, label), n in zip(MINUTE_BUCKETS, counts, strict=True)],
    }


def union_minutes(intervals: Iterable[tuple[float, float]]) -> float:
    """Length of the union of (start, end) intervals in the same unit: overlaps count once."""
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total
