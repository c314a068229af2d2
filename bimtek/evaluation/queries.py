"""What other features may read from evaluation: who completed the form, and the results' figures.

Plain values out. The eligibility rule asks ``completed``; reports ask ``results``, ``response_matrix``
and ``display_text`` (these three are computed in the evaluation services; this module is their one
public door, so a reorganisation of those services touches only the imports below).
"""

from __future__ import annotations

from sqlalchemy import select

from bimtek.evaluation import results as _results
from bimtek.evaluation import services as _services
from bimtek.evaluation.models import EvaluationResponse
from bimtek.events.models import Event
from bimtek.extensions import db

__all__ = ["person_history", "completed", "display_text", "opening", "response_matrix", "results"]


def completed(event: Event) -> set[int]:
    """Registration ids of the event that have submitted their evaluation (one query)."""
    return set(
        db.session.scalars(
            select(EvaluationResponse.registration_id).where(
                EvaluationResponse.event_id == event.id, EvaluationResponse.submitted_at.is_not(None)
            )
        )
    )


def opening(event: Event) -> tuple | None:
    """(opens_at, closes_at) of the event's evaluation in UTC; None while no opening time is set."""
    from bimtek.core.time import as_utc
    from bimtek.evaluation.models import EvaluationSettings

    row = db.session.execute(
        select(EvaluationSettings.opens_at, EvaluationSettings.closes_at).where(EvaluationSettings.event_id == event.id)
    ).first()
    if row is None or row.opens_at is None:
        return None
    return as_utc(row.opens_at), as_utc(row.closes_at)


def results(event: Event, *, comment_limit: int | None = None) -> dict:
    """Scores, distributions and comments of the event's evaluation, as plain JSON-ready values."""
    return _results.results(event, comment_limit=comment_limit)


def response_matrix(event: Event) -> dict:
    """Every response as a row and every form item as a column (``header`` and ``rows``)."""
    return _results.response_matrix(event)


def display_text(text: str) -> str:
    """A question in the reader's language (default questions translated, the organizer's own as typed)."""
    return _services.display_text(text)


def person_history(registration_id: int) -> dict:
    """One participant's evaluation: when invitations were sent and when the form was submitted (or None)."""
    from bimtek.evaluation.models import EvaluationInvitation

    sent = db.session.scalars(
        select(EvaluationInvitation.sent_at)
        .where(EvaluationInvitation.registration_id == registration_id)
        .order_by(EvaluationInvitation.sent_at)
    ).all()
    submitted = db.session.scalar(
        select(EvaluationResponse.submitted_at).where(EvaluationResponse.registration_id == registration_id)
    )
    return {"invited_at": list(sent), "submitted_at": submitted}
