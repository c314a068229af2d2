"""Scores of attempts, the score that counts per participant, gains, and the organizer's reports."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from bimtek.core.time import utcnow
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.learning import scoring
from bimtek.learning.models import LearningAnswer, LearningAttempt, LearningQuestion, LearningTest
from bimtek.learning.services import setup
from bimtek.registration.models import Registration


def _scoring_questions(ids) -> dict[int, scoring.Question]:
    rows = db.session.scalars(select(LearningQuestion).where(LearningQuestion.id.in_(list(ids))))
    return {q.id: scoring.Question(q.id, q.kind, q.weight, q.correct) for q in rows}


def score(attempt: LearningAttempt, questions: dict[int, scoring.Question] | None = None) -> None:
    """(Re)compute a submitted attempt: points of closed answers, and the score once nothing waits for marking."""
    ids = [int(i) for i in (attempt.layout or {}).get("questions", [])]
    questions = questions if questions is not None else _scoring_questions(ids)
    answers = {a.question_id: a for a in attempt.answers}
    values, marks = {}, {}
    for qid in ids:
        q = questions.get(qid)
        row = answers.get(qid)
        if q is None:
            continue
        values[qid] = row.value if row else ""
        if q.kind == "short":
            marks[qid] = row.points if row else None
        elif row is not None:
            row.points = q.weight * (scoring.check_answer(q, row.value) or 0.0)
    result = scoring.score_attempt([questions[i] for i in ids if i in questions], values, marks)
    attempt.score = result.percent
    attempt.pending_marks = result.pending
    db.session.flush()


def rescore_event(event_id: int) -> int:
    """Rescore every submitted attempt of an event (after a corrected key or weight); returns how many."""
    attempts = list(
        db.session.scalars(
            select(LearningAttempt).where(
                LearningAttempt.event_id == event_id, LearningAttempt.submitted_at.is_not(None)
            )
        )
    )
    ids = {int(i) for a in attempts for i in (a.layout or {}).get("questions", [])}
    questions = _scoring_questions(ids)
    for attempt in attempts:
        score(attempt, questions)
    return len(attempts)


def _close_overdue(event_id: int) -> None:
    from bimtek.learning.services import attempts as attempts_service

    now = utcnow()
    for attempt in db.session.scalars(
        select(LearningAttempt).where(
            LearningAttempt.event_id == event_id,
            LearningAttempt.submitted_at.is_(None),
            LearningAttempt.deadline_at < now - attempts_service.windows.GRACE,
        )
    ):
        attempts_service.submit(attempt, now=now, automatic=True)


def counted_scores(event_id: int, *, close_overdue: bool = True) -> dict[str, dict[int, float | None]]:
    """{"pre": {registration id: score}, "post": {...}} by each test's rule (best or last attempt).

    With close_overdue, attempts past their deadline are submitted first (a write the caller commits);
    read-only callers leave that to `flask learning close-expired` and the participant's pages.
    """
    if close_overdue:
        _close_overdue(event_id)
    tests = {t.id: t for t in db.session.scalars(select(LearningTest).where(LearningTest.event_id == event_id))}
    taken: dict[tuple[int, int], list[float | None]] = defaultdict(list)
    rows = db.session.execute(
        select(LearningAttempt.test_id, LearningAttempt.registration_id, LearningAttempt.score)
        .where(LearningAttempt.event_id == event_id, LearningAttempt.submitted_at.is_not(None))
        .order_by(LearningAttempt.number)
    )
    for test_id, reg_id, value in rows:
        taken[(test_id, reg_id)].append(value)
    out: dict[str, dict[int, float | None]] = {"pre": {}, "post": {}}
    for (test_id, reg_id), scores in taken.items():
        test = tests[test_id]
        out[test.kind][reg_id] = scoring.counted_score(scores, test.counting)
    return out


def participant_rows(event: Event, *, close_overdue: bool = True) -> list[dict]:
    """One row per confirmed participant: pre, post, gain, normalised gain, passed and predikat."""
    scores = counted_scores(event.id, close_overdue=close_overdue)
    post_test = setup.get_test(event.id, "post")
    pass_mark = post_test.pass_mark if post_test else None
    bands = [(b[0], b[1]) for b in (post_test.bands if post_test else [])]
    regs = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.full_name)
    )
    rows = []
    for reg in regs:
        pre, post = scores["pre"].get(reg.id), scores["post"].get(reg.id)
        rows.append(
            {
                "registration_id": reg.id,
                "code": reg.code,
                "name": reg.full_name,
                "institution_type": reg.institution_type,
                "institution": reg.institution_name,
                "province_code": reg.province_code,
                "pre": pre,
                "post": post,
                "gain": scoring.gain(pre, post),
                "normalised_gain": scoring.normalised_gain(pre, post),
                "passed": None if post is None or pass_mark is None else post >= pass_mark,
                "predikat": scoring.band_for(post, bands),
            }
        )
    return rows


def item_statistics(event: Event, kind: str) -> list[dict]:
    """Difficulty and discrimination of each question over the submitted, scored attempts of one test."""
    test = setup.get_test(event.id, kind)
    if test is None:
        return []
    scored = (
        LearningAttempt.test_id == test.id,
        LearningAttempt.submitted_at.is_not(None),
        LearningAttempt.score.is_not(None),
    )
    from bimtek.learning.services import bank

    qs = bank.questions(event.id, kind)
    weights = {q.id: q.weight for q in qs}
    # Every question of an attempt's layout counts; one without an answer row earned nothing.
    totals: dict[int, float] = {}
    items: dict[int, dict[int, float]] = {}
    conn = db.session.connection()  # plain rows: no ORM loading for 200,000 answers
    for attempt_id, total, layout in conn.execute(
        select(LearningAttempt.id, LearningAttempt.score, LearningAttempt.layout).where(*scored)
    ):
        totals[attempt_id] = total
        items[attempt_id] = {int(q): 0.0 for q in (layout or {}).get("questions", []) if int(q) in weights}
    for attempt_id, qid, value in conn.execute(
        select(LearningAnswer.attempt_id, LearningAnswer.question_id, LearningAnswer.points)
        .join(LearningAttempt, LearningAttempt.id == LearningAnswer.attempt_id)
        .where(*scored, LearningAnswer.points.is_not(None))
    ):
        if qid in items[attempt_id] and weights[qid]:
            items[attempt_id][qid] = value / weights[qid]
    data = [(totals[a], items[a]) for a in totals]
    stats = scoring.item_analysis(data, [q.id for q in qs])
    return [
        {
            "question_id": q.id,
            "text": q.text,
            "kind": q.kind,
            "answered": s.answered,
            "difficulty": s.difficulty,
            "discrimination": s.discrimination,
            "flag": flag(s),
        }  # fmt: skip
        for q, s in zip(qs, stats, strict=True)
    ]


def flag(stats: scoring.ItemStats) -> str:
    """A short verdict for the organizer: a question to check (too easy, too hard, or discriminating badly)."""
    if stats.difficulty is None:
        return ""
    if stats.discrimination is not None and stats.discrimination < 0.2:
        return "review"
    if stats.difficulty > 0.9:
        return "easy"
    if stats.difficulty < 0.2:
        return "hard"
    return ""


def report(event: Event, *, close_overdue: bool = True) -> dict:
    """Everything the report page and the XLSX show: rows, distributions, gains per group, item analysis."""
    from bimtek.reference import regions

    rows = participant_rows(event, close_overdue=close_overdue)
    by_type = scoring.group_gains((r["institution_type"], r["pre"], r["post"]) for r in rows)
    by_province = {}
    for code, values in scoring.group_gains((r["province_code"], r["pre"], r["post"]) for r in rows).items():
        try:
            name = regions.province(code).name
        except Exception:
            name = code or "—"
        by_province[name] = values
    both = [r for r in rows if r["gain"] is not None]
    gs = [r["normalised_gain"] for r in both if r["normalised_gain"] is not None]
    return {
        "rows": rows,
        "distribution": {
            "pre": scoring.distribution(r["pre"] for r in rows),
            "post": scoring.distribution(r["post"] for r in rows),
        },
        "summary": {
            "participants": len(rows),
            "pre_taken": sum(1 for r in rows if r["pre"] is not None),
            "post_taken": sum(1 for r in rows if r["post"] is not None),
            "mean_pre": _mean(r["pre"] for r in rows),
            "mean_post": _mean(r["post"] for r in rows),
            "mean_gain": _mean(r["gain"] for r in both),
            "mean_normalised_gain": round(sum(gs) / len(gs), 4) if gs else None,
            "passed": sum(1 for r in rows if r["passed"]),
        },
        "by_type": by_type,
        "by_province": by_province,
        "items": {"pre": item_statistics(event, "pre"), "post": item_statistics(event, "post")},
    }


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None
