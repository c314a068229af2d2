"""Chart axes for counts: whole-number ticks ("0, 5, 10, 15, 20"), never "6,2" or "18,8" people.

Shared by the dashboard's SVG charts and the PDF report's reportlab charts. Pure module.
"""

from __future__ import annotations

import math

__all__ = ["count_axis"]


def count_axis(value: float, ticks: int = 4) -> tuple[int, int]:
    """A count axis as (top, step): whole numbers, top >= value, at most `ticks` steps above zero.

    The step is 1, 2 or 5 times a power of ten: 25 people give (30, 10), 18 give (20, 5), 3 give (3, 1).
    """
    if value <= 0:
        return 1, 1
    raw, power = value / ticks, 1
    while True:
        for mult in (1, 2, 5):
            step = mult * power
            if step >= raw:
                return step * math.ceil(value / step), step
        power *= 10
