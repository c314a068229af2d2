"""Factories for evaluation and report tests: they go through the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bimtek.evaluation import responses as eval_responses
from bimtek.evaluation import services as evaluation
from bimtek.extensions import db


def open_evaluation(event, *, anonymous: bool = True, opens: datetime | None = None):
    """Prepare the event's evaluation with the default questions, open since an hour ago (committed)."""
    settings = evaluation.ensure_evaluation(event)
    settings.opens_at = opens or datetime.now(UTC) - timedelta(hours=1)
    settings.anonymous = anonymous
    db.session.commit()
    return settings


def full_answers(event, reg, score: int = 4, text: str = "", overrides: dict | None = None) -> dict:
    """An answer for every item the registration's form shows: `score` on scales, `text` in text boxes."""
    out = {}
    for item in eval_responses.form_items(eval_responses.build_form(event, reg.mode)):
        if item.question.kind == "scale":
            out[item.key] = str(score)
        elif text:
            out[item.key] = text
    out.update(overrides or {})
    return out


def submit(event, reg, score: int = 4, text: str = "", **kw):
    """Submit a registration's evaluation through the service (committed)."""
    response = eval_responses.submit_response(reg, full_answers(event, reg, score, text, kw.get("overrides")))
    db.session.commit()
    return response
