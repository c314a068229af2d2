"""An event's evaluation results and raw response table, read from the database; the arithmetic is pure."""

from __future__ import annotations

from sqlalchemy import func, select

from bimtek.core.labels import label as code_label
from bimtek.core.time import as_utc
from bimtek.evaluation import aggregate
from bimtek.evaluation.models import EvaluationAnswer, EvaluationResponse
from bimtek.evaluation.responses import build_form, form_items, narasumber
from bimtek.evaluation.services import get_settings, questions
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration


def _target_label(event: Event, session_id: int | None, speaker_id: int | None) -> tuple[str, str]:
    sessions = {s.id: s for s in event.sessions}
    speakers = {sp.id: sp for s in event.sessions for sp in s.speakers}
    if speaker_id is not None and speaker_id in speakers:
        sp = speakers[speaker_id]
        return sp.name, sessions[sp.session_id].title if sp.session_id in sessions else ""
    if session_id is not None and session_id in sessions:
        return sessions[session_id].title, ""
    return "", ""


def results(event: Event, *, comment_limit: int | None = None) -> dict:
    """Aggregated scores and comments of an event's evaluation, as plain values.

    Scores: one row per question and target (session or speaker) with count, mean and the 1–5
    distribution; per session and per speaker overall means; comments with the participant's name
    unless the evaluation is anonymous.
    """
    settings = get_settings(event.id)
    qs = questions(event.id)
    by_id = {q.id: q for q in qs}
    responses = db.session.scalar(
        select(func.count(EvaluationResponse.id)).where(EvaluationResponse.event_id == event.id)
    )
    counts: dict[tuple[int, int | None, int | None], dict[int, int]] = {}
    # Answers belong to the event through their question: filtering on question ids keeps this an index-only
    # scan of ix_evaluation_answers_question, with no join, even at tens of thousands of answers.
    scale_ids = [q.id for q in qs if q.kind == "scale"]
    rows = (
        db.session.execute(
            select(
                EvaluationAnswer.question_id,
                EvaluationAnswer.session_id,
                EvaluationAnswer.speaker_id,
                EvaluationAnswer.score,
                func.count(),
            )
            .where(EvaluationAnswer.question_id.in_(scale_ids), EvaluationAnswer.score.is_not(None))
            .group_by(
                EvaluationAnswer.question_id,
                EvaluationAnswer.session_id,
                EvaluationAnswer.speaker_id,
                EvaluationAnswer.score,
            )
        ).all()
        if scale_ids
        else []
    )
    for qid, sid, pid, score, n in rows:
        counts.setdefault((qid, sid, pid), {})[int(score)] = int(n)

    scale_qs = [aggregate.Question(q.id, q.text, q.section, q.scope) for q in qs if q.kind == "scale"]
    slots = [aggregate.SpeakerSlot(s.id, s.title, sp.id, sp.name, sp.institution) for s, sp in narasumber(event)]
    labels = {(s.id, None): _target_label(event, s.id, None) for s in event.sessions}
    labels.update({(slot.session_id, slot.speaker_id): _target_label(event, slot.session_id, slot.speaker_id)
                   for slot in slots})  # fmt: skip
    figures = aggregate.aggregate(scale_qs, counts, [(s.id, s.title) for s in event.sessions], slots, labels)

    anonymous = True if settings is None else settings.anonymous
    text_ids = [q.id for q in qs if q.kind == "text"] or [-1]
    cq = (
        select(
            EvaluationAnswer.question_id,
            EvaluationAnswer.session_id,
            EvaluationAnswer.speaker_id,
            EvaluationAnswer.text,
            EvaluationResponse.submitted_at,
            Registration.full_name,
            Registration.institution_name,
        )
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
        .join(Registration, Registration.id == EvaluationResponse.registration_id)
        .where(EvaluationAnswer.question_id.in_(text_ids), EvaluationAnswer.text != "")
        .order_by(EvaluationResponse.submitted_at, EvaluationAnswer.id)
    )
    total_comments = db.session.scalar(
        select(func.count(EvaluationAnswer.id)).where(
            EvaluationAnswer.question_id.in_(text_ids), EvaluationAnswer.text != ""
        )
    )
    if comment_limit is not None:
        cq = cq.limit(comment_limit)
    comments = []
    for qid, sid, pid, text, at, name, inst in db.session.execute(cq).all():
        q = by_id.get(qid)
        label, _sub = _target_label(event, sid, pid)
        comments.append({
            "question_id": qid,
            "question": q.text if q else "",
            "section": q.section if q else "",
            "target": label,
            "text": text,
            "submitted_at": as_utc(at).isoformat(),
            "author": None if anonymous else {"name": name, "institution": inst},
        })  # fmt: skip
    confirmed = db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == "confirmed")
    )
    return {
        "prepared": settings is not None,
        "opens_at": as_utc(settings.opens_at).isoformat() if settings and settings.opens_at else None,
        "closes_at": as_utc(settings.closes_at).isoformat() if settings and settings.closes_at else None,
        "anonymous": anonymous,
        "responses": int(responses or 0),
        "confirmed": int(confirmed or 0),
        "response_rate": round(100 * responses / confirmed, 1) if confirmed else None,
        **figures,
        "comments": comments,
        "comments_total": int(total_comments or 0),
    }  # fmt: skip


def response_matrix(event: Event) -> dict:
    """Every response as one row and every form item as one column (the raw table behind the scores).

    Rows carry the participant's mode, and their name and instansi only when the evaluation is not anonymous.
    """
    settings = get_settings(event.id)
    anonymous = True if settings is None else settings.anonymous
    items = form_items(build_form(event, None))
    columns = []
    for item in items:
        label, _sub = _target_label(event, item.session_id, item.speaker_id)
        columns.append((item.question.id, item.session_id, item.speaker_id,
                        f"{code_label('evaluation_section', item.question.section, 'id')}"
                        f"{' · ' + label if label else ''}: {item.question.text}"))  # fmt: skip
    index = {(q, s, p): i for i, (q, s, p, _label) in enumerate(columns)}
    responses = db.session.execute(
        select(EvaluationResponse.id, EvaluationResponse.submitted_at, Registration.mode, Registration.full_name,
               Registration.institution_name)
        .join(Registration, Registration.id == EvaluationResponse.registration_id)
        .where(EvaluationResponse.event_id == event.id)
        .order_by(EvaluationResponse.submitted_at, EvaluationResponse.id)
    ).all()  # fmt: skip
    rows: dict[int, list] = {rid: [None] * len(columns) for rid, *_rest in responses}
    qids = [q for q, *_rest in columns] or [-1]
    answers = db.session.execute(
        select(EvaluationAnswer.response_id, EvaluationAnswer.question_id, EvaluationAnswer.session_id,
               EvaluationAnswer.speaker_id, EvaluationAnswer.score, EvaluationAnswer.text)
        .where(EvaluationAnswer.question_id.in_(set(qids)))
    ).all()  # fmt: skip
    for rid, qid, sid, pid, score, text in answers:
        col = index.get((qid, sid, pid))
        if col is not None and rid in rows:
            rows[rid][col] = score if score is not None else text
    out = []
    for n, (rid, at, mode, name, inst) in enumerate(responses, start=1):
        who = [] if anonymous else [name, inst]
        out.append([n, as_utc(at).isoformat()[:19].replace("T", " "), mode, *who, *rows[rid]])
    header = ["No", "Dikirim (UTC)", "Mode", *([] if anonymous else ["Nama", "Instansi"]), *[c[3] for c in columns]]
    return {"header": header, "rows": out}
