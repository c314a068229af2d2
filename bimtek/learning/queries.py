"""The learning feature's public read API for other features (plain values out).

Eligibility (attendance) and certificates call these; they never read the learning tables themselves.
These functions only read: an attempt still open past its deadline is not counted until it is submitted
(by `flask learning close-expired`, run every minute, or when the participant's page meets it).
"""

from __future__ import annotations

from bimtek.events.models import Event
from bimtek.learning import scoring
from bimtek.learning.services import results, setup

__all__ = ["has_post_test", "post_test_passed", "post_test_window", "predikat_for", "report_for", "scores_for"]


def has_post_test(event: Event) -> bool:
    """Whether the event runs a post-test (so an eligibility rule requiring a pass makes sense)."""
    test = setup.get_test(event.id, "post")
    return bool(test and test.enabled)


def post_test_window(event: Event) -> tuple | None:
    """(opens, closes) of the enabled post-test in UTC (closes may be None); None when there is no post-test."""
    test = setup.get_test(event.id, "post")
    if not (test and test.enabled):
        return None
    window = setup.window_for(event, test)
    return window.opens, window.closes


def post_test_passed(event: Event) -> set[int]:
    """Registration ids whose counted post-test score reaches the pass mark."""
    test = setup.get_test(event.id, "post")
    if test is None:
        return set()
    post = results.counted_scores(event.id, close_overdue=False)["post"]
    return {reg_id for reg_id, value in post.items() if value is not None and value >= test.pass_mark}


def scores_for(event: Event) -> dict[int, dict]:
    """{registration id: {"pre", "post", "gain", "normalised_gain", "passed", "predikat"}} of participants with a score."""
    test = setup.get_test(event.id, "post")
    counted = results.counted_scores(event.id, close_overdue=False)
    bands = [(b[0], b[1]) for b in (test.bands if test else [])]
    out = {}
    for reg_id in set(counted["pre"]) | set(counted["post"]):
        pre, post = counted["pre"].get(reg_id), counted["post"].get(reg_id)
        out[reg_id] = {
            "pre": pre,
            "post": post,
            "gain": scoring.gain(pre, post),
            "normalised_gain": scoring.normalised_gain(pre, post),
            "passed": None if post is None or test is None else post >= test.pass_mark,
            "predikat": scoring.band_for(post, bands),
        }
    return out


def predikat_for(
    event: Event, registration_id: int, scores: dict[int, dict] | None = None
) -> tuple[float | None, str | None]:
    """(counted post-test score, predikat) of one participant, for printing on the certificate.

    When issuing many certificates, pass `scores=scores_for(event)` once instead of reading per participant.
    """
    row = (scores if scores is not None else scores_for(event)).get(registration_id)
    if row is None:
        return None, None
    return row["post"], row["predikat"]


def report_for(event: Event) -> dict:
    """The pre/post-test report as plain values, for the reports dashboard and the laporan kegiatan:
    {"summary", "distribution", "by_type", "by_province", "items"} (see learning.services.results.report)."""
    data = results.report(event, close_overdue=False)
    return {k: data[k] for k in ("summary", "distribution", "by_type", "by_province", "items")}
