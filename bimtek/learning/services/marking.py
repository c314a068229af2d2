"""Marking short answers by hand: the points a marker gives, and the attempt's score once all are marked."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Invalid, NotFound
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.learning.models import LearningAnswer, LearningAttempt, LearningQuestion
from bimtek.learning.services import results


def to_mark(event: Event, *, only_pending: bool = True) -> list[dict]:
    """Short answers of submitted attempts, by question; participants shown by registration code only."""
    from bimtek.registration.models import Registration

    query = (
        select(LearningAnswer, LearningQuestion, LearningAttempt, Registration.code)
        .join(LearningQuestion, LearningQuestion.id == LearningAnswer.question_id)
        .join(LearningAttempt, LearningAttempt.id == LearningAnswer.attempt_id)
        .join(Registration, Registration.id == LearningAttempt.registration_id)
        .where(
            LearningQuestion.event_id == event.id,
            LearningQuestion.kind == "short",
            LearningAttempt.submitted_at.is_not(None),
        )
        .order_by(LearningQuestion.position, LearningAnswer.id)
    )
    if only_pending:
        query = query.where(LearningAnswer.points.is_(None))
    out = []
    for answer, question, attempt, code in db.session.execute(query):
        out.append({"answer": answer, "question": question, "attempt": attempt, "code": code})
    return out


def give_points(event: Event, marks: dict[int, object], *, user) -> int:
    """Record points {answer id: points (0..weight)} and rescore the attempts; returns how many were marked."""
    if not marks:
        return 0
    rows = db.session.execute(
        select(LearningAnswer, LearningQuestion)
        .join(LearningQuestion, LearningQuestion.id == LearningAnswer.question_id)
        .where(LearningAnswer.id.in_(list(marks)))
    ).all()
    found = {a.id: (a, q) for a, q in rows}
    now = utcnow()
    touched: set[int] = set()
    for answer_id, raw in marks.items():
        if raw in (None, ""):
            continue
        pair = found.get(answer_id)
        if pair is None or pair[1].event_id != event.id or pair[1].kind != "short":
            raise NotFound("answer_not_found", _("Jawaban tidak ditemukan."))
        answer, question = pair
        try:
            points = float(str(raw).replace(",", "."))
        except ValueError:
            points = -1
        if not 0 <= points <= question.weight:
            raise Invalid(
                "invalid_points",
                _("Nilai harus antara 0 dan %(max)s.", max=question.weight),
                fields={f"a{answer_id}": _("Nilai harus antara 0 dan %(max)s.", max=question.weight)},
            )
        answer.points, answer.marked_by_id, answer.marked_at = points, user.id, now
        touched.add(answer.attempt_id)
    db.session.flush()
    for attempt in db.session.scalars(select(LearningAttempt).where(LearningAttempt.id.in_(touched))):
        results.score(attempt)
    if touched:
        audit.record("learning.marks", None, event_id=event.id, actor=user, details={"answers": len(marks)})
    return len(touched)
