"""Pre-test and post-test in the JSON API: organizers read settings, questions, attempts and results (for a
ministry's LMS); participants take a test by their private manage token, the same way the page does."""

from __future__ import annotations

from flask import abort, jsonify

from bimtek.accounts.access import acting_user, event_view
from bimtek.api.base import api_bp, json_body, list_response, page_args, token_required
from bimtek.api.openapi import PAGING, operation
from bimtek.api.schemas import dump, page_of
from bimtek.core.labels import label
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.events.services import parse_datetime
from bimtek.extensions import db, limiter
from bimtek.learning.models import TEST_KINDS, LearningAttempt, LearningTest
from bimtek.learning.schemas import (
    LearningAnswersSchema,
    LearningAttemptSchema,
    LearningParticipantTestSchema,
    LearningQuestionKeySchema,
    LearningQuestionListSchema,
    LearningResultsSchema,
    LearningSavedSchema,
    LearningScoreSchema,
    LearningTestSchema,
    LearningTestsSchema,
)
from bimtek.learning.services import attempts, bank, results, setup

_LINK = "By the registration's private manage token, like the pages; never the keys."


def _kind(kind: str) -> str:
    if kind not in TEST_KINDS:
        abort(404)
    return kind


@api_bp.get("/events/<int:event_id>/tests")
@operation(
    "Pre-test and post-test settings", response=LearningTestsSchema, response_text="Tests", errors=(401, 403, 404)
)
@token_required
@event_view("manage")
def learning_get_tests(event):
    """The event's pre-test and post-test settings, with their effective windows."""
    return jsonify({k: dump(LearningTestSchema, setup.get_test(event.id, k), event=event, kind=k) for k in TEST_KINDS})


@api_bp.patch("/events/<int:event_id>/tests/<kind>")
@operation("Change a test's settings", body=LearningTestSchema, response=LearningTestSchema, response_text="Test",
           errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def learning_patch_test(event, kind: str):
    """Change a test's settings (only the fields sent)."""
    body = json_body()
    clean = {k: body[k] for k in ("enabled", "time_limit_minutes", "max_attempts", "counting", "shuffle", "pass_mark")
             if k in body}  # fmt: skip
    if "bands" in body:
        bands = body["bands"]
        clean["bands"] = (
            [[b.get("minimum"), b.get("label")] for b in bands if isinstance(b, dict)]
            if isinstance(bands, list)
            else bands
        )
    for name in ("opens_at", "closes_at"):
        if name in body:
            try:
                clean[name] = parse_datetime(body[name], event.timezone) if body[name] else None
            except (TypeError, ValueError):
                raise Invalid("invalid", "Tanggal dan jam tidak valid.", fields={name: "Format ISO 8601."}) from None
    test = setup.update_test(event, _kind(kind), clean, user=acting_user())
    db.session.commit()
    return jsonify(dump(LearningTestSchema, test, event=event, kind=kind))


@api_bp.get("/events/<int:event_id>/tests/questions")
@operation("The question bank, with keys", response=LearningQuestionListSchema, response_text="Questions",
           errors=(401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def learning_list_questions(event):
    """The question bank with keys (organizers only)."""
    return jsonify({"items": dump(LearningQuestionKeySchema, bank.questions(event.id), many=True)})


@api_bp.post("/events/<int:event_id>/tests/questions")
@operation("Add a question", body=LearningQuestionKeySchema, status=201, response=LearningQuestionKeySchema,
           response_text="Created", errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def learning_create_question(event):
    """Add a question to the bank."""
    question = bank.add_question(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(dump(LearningQuestionKeySchema, question)), 201


@api_bp.get("/events/<int:event_id>/tests/attempts")
@operation("Attempts of the event's tests", response=page_of(LearningAttemptSchema), response_text="Attempts",
           query=PAGING, errors=(400, 401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def learning_list_attempts(event):
    """Every attempt of the event's tests, oldest first (paginated)."""
    from sqlalchemy import func, select

    from bimtek.registration.models import Registration

    page, per_page = page_args()
    base = select(LearningAttempt, LearningTest.kind.label("test"), Registration.code.label("registration_code")).join(
        LearningTest).join(
        Registration, Registration.id == LearningAttempt.registration_id).where(LearningAttempt.event_id == event.id)  # fmt: skip
    total = db.session.scalar(select(func.count(LearningAttempt.id)).where(LearningAttempt.event_id == event.id))
    rows = db.session.execute(base.order_by(LearningAttempt.id).offset((page - 1) * per_page).limit(per_page))
    return list_response(dump(LearningAttemptSchema, rows, many=True), total, page, per_page)


@api_bp.get("/events/<int:event_id>/tests/results")
@operation("Scores, gains, predikat, distribution and item analysis", response=LearningResultsSchema,
           response_text="Results", errors=(401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def learning_get_results(event):
    """Per participant pre, post, gain, normalised gain, pass and predikat; the summary; item analysis."""
    data = results.report(event)
    db.session.commit()
    return jsonify(dump(LearningResultsSchema, data))


# Participant side: by the private manage token, like the pages. ------------------------------------------------


def _participant(token: str, kind: str):
    reg = attempts.registration_by_token(token)
    if reg is None:
        abort(404)
    test = setup.get_test(reg.event_id, _kind(kind))
    if test is None:
        abort(404)
    return reg, test


def _state(reg, test, now) -> dict:
    state = attempts.state_for(reg.event, test, reg, now)
    body = {"state": state, "message": label("test_state", state), "attempt": None}
    attempt = attempts.open_attempt(test, reg.id, now) if state == "in_progress" else None
    if attempt is not None:
        body["attempt"] = attempts.participant_view(attempt, now)
    body["scores"] = [a for a in attempts.attempts_of(test, reg.id) if a.submitted_at]
    return body


@api_bp.get("/tests/<token>/<kind>")
@operation("A participant's test by private manage token (never the keys)", public=True, description=_LINK,
           response=LearningParticipantTestSchema, response_text="Test", errors=(404,))  # fmt: skip
def learning_participant_state(token: str, kind: str):
    """A participant's test: state, the attempt in progress (questions without keys), scores so far."""
    reg, test = _participant(token, kind)
    body = dump(LearningParticipantTestSchema, _state(reg, test, utcnow()))
    db.session.commit()
    return jsonify(body)


@api_bp.post("/tests/<token>/<kind>/start")
@operation("Start an attempt (or continue the one in progress)", public=True, description=_LINK, status=201,
           response=LearningParticipantTestSchema, response_text="Started", errors=(404, 409, 429))  # fmt: skip
@limiter.limit("20 per minute")
def learning_participant_start(token: str, kind: str):
    """Start an attempt (or return the one in progress)."""
    reg, test = _participant(token, kind)
    now = utcnow()
    attempts.start(reg.event, test, reg, now=now)
    db.session.commit()
    return jsonify(dump(LearningParticipantTestSchema, _state(reg, test, now))), 201


@api_bp.put("/tests/<token>/<kind>/answers")
@operation("Save answers of the attempt in progress", public=True, description=_LINK, body=LearningAnswersSchema,
           response=LearningSavedSchema, response_text="Saved", errors=(400, 404, 409, 422, 429))  # fmt: skip
@limiter.limit("240 per minute")
def learning_participant_save(token: str, kind: str):
    """Save answers {"answers": {question id: value}}; 409 time_up once the deadline has passed."""
    reg, test = _participant(token, kind)
    answers = json_body().get("answers")
    if not isinstance(answers, dict):
        raise Invalid("malformed", "answers harus berupa objek.", status=400)
    now = utcnow()
    attempt = attempts.unsubmitted(test, reg.id)
    if attempt is None:
        raise Invalid("submitted", "Tes ini sudah dikirim.", status=409)
    try:
        attempts.save_answers(attempt, answers, now=now)
    finally:
        db.session.commit()  # keeps an automatic submission made while refusing a late save
    saved = {"saved": sorted(answers), "seconds_left": max(0, int((as_utc(attempt.deadline_at) - now).total_seconds()))}
    return jsonify(dump(LearningSavedSchema, saved))


@api_bp.post("/tests/<token>/<kind>/submit")
@operation("Submit the attempt in progress", public=True, description=_LINK, response=LearningScoreSchema,
           response_text="Submitted", errors=(404, 409, 429))  # fmt: skip
@limiter.limit("20 per minute")
def learning_participant_submit(token: str, kind: str):
    """Submit the attempt in progress; returns its score (null while a short answer waits for marking)."""
    reg, test = _participant(token, kind)
    now = utcnow()
    attempt = attempts.open_attempt(test, reg.id, now)
    if attempt is None:
        db.session.commit()
        raise Invalid("submitted", "Tes ini sudah dikirim.", status=409)
    attempts.submit(attempt, now=now, actor=f"participant:{reg.code}")
    db.session.commit()
    return jsonify(dump(LearningScoreSchema, attempt))
