"""Pre-test and post-test in the JSON API: organizers read settings, questions, attempts and results (for a
ministry's LMS); participants take a test by their private manage token, the same way the page does."""

from __future__ import annotations

from flask import abort, jsonify

from bimtek.accounts.access import acting_user, event_view
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, list_response, page_args, token_required
from bimtek.core.labels import label
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.events.services import parse_datetime
from bimtek.extensions import db, limiter
from bimtek.learning.models import TEST_KINDS, LearningAttempt, LearningTest
from bimtek.learning.services import attempts, bank, results, setup


def _kind(kind: str) -> str:
    if kind not in TEST_KINDS:
        abort(404)
    return kind


@api_bp.get("/events/<int:event_id>/tests")
@token_required
@event_view("manage")
def learning_get_tests(event):
    """The event's pre-test and post-test settings, with their effective windows."""
    return jsonify({k: setup.test_json(event, setup.get_test(event.id, k), k) for k in TEST_KINDS})


@api_bp.patch("/events/<int:event_id>/tests/<kind>")
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
    return jsonify(setup.test_json(event, test, kind))


@api_bp.get("/events/<int:event_id>/tests/questions")
@token_required
@event_view("manage")
def learning_list_questions(event):
    """The question bank with keys (organizers only)."""
    return jsonify({"items": [bank.question_json(q, with_key=True) for q in bank.questions(event.id)]})


@api_bp.post("/events/<int:event_id>/tests/questions")
@token_required
@event_view("manage")
def learning_create_question(event):
    """Add a question to the bank."""
    question = bank.add_question(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(bank.question_json(question, with_key=True)), 201


def attempt_json(a: LearningAttempt, kind: str, code: str) -> dict:
    """An attempt as the API shows it."""
    iso = lambda v: as_utc(v).isoformat() if v else None  # noqa: E731
    return {"id": a.id, "test": kind, "registration_id": a.registration_id, "registration_code": code,
            "number": a.number, "started_at": iso(a.started_at), "deadline_at": iso(a.deadline_at),
            "submitted_at": iso(a.submitted_at), "auto_submitted": a.auto_submitted, "score": a.score,
            "pending_marks": a.pending_marks}  # fmt: skip


@api_bp.get("/events/<int:event_id>/tests/attempts")
@token_required
@event_view("manage")
def learning_list_attempts(event):
    """Every attempt of the event's tests, oldest first (paginated)."""
    from sqlalchemy import func, select

    from bimtek.registration.models import Registration

    page, per_page = page_args()
    base = select(LearningAttempt, LearningTest.kind, Registration.code).join(LearningTest).join(
        Registration, Registration.id == LearningAttempt.registration_id).where(LearningAttempt.event_id == event.id)  # fmt: skip
    total = db.session.scalar(select(func.count(LearningAttempt.id)).where(LearningAttempt.event_id == event.id))
    rows = db.session.execute(base.order_by(LearningAttempt.id).offset((page - 1) * per_page).limit(per_page))
    return list_response([attempt_json(a, kind, code) for a, kind, code in rows], total, page, per_page)


@api_bp.get("/events/<int:event_id>/tests/results")
@token_required
@event_view("manage")
def learning_get_results(event):
    """Per participant pre, post, gain, normalised gain, pass and predikat; the summary; item analysis."""
    data = results.report(event)
    db.session.commit()
    return jsonify({"summary": data["summary"], "participants": data["rows"], "by_institution_type": data["by_type"],
                    "by_province": data["by_province"], "distribution": data["distribution"],
                    "items": data["items"]})  # fmt: skip


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
    body["scores"] = [{"number": a.number, "score": a.score, "auto_submitted": a.auto_submitted}
                      for a in attempts.attempts_of(test, reg.id) if a.submitted_at]  # fmt: skip
    return body


@api_bp.get("/tests/<token>/<kind>")
def learning_participant_state(token: str, kind: str):
    """A participant's test: state, the attempt in progress (questions without keys), scores so far."""
    reg, test = _participant(token, kind)
    body = _state(reg, test, utcnow())
    db.session.commit()
    return jsonify(body)


@api_bp.post("/tests/<token>/<kind>/start")
@limiter.limit("20 per minute")
def learning_participant_start(token: str, kind: str):
    """Start an attempt (or return the one in progress)."""
    reg, test = _participant(token, kind)
    now = utcnow()
    attempts.start(reg.event, test, reg, now=now)
    db.session.commit()
    return jsonify(_state(reg, test, now)), 201


@api_bp.put("/tests/<token>/<kind>/answers")
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
    return jsonify(
        {"saved": sorted(answers), "seconds_left": max(0, int((as_utc(attempt.deadline_at) - now).total_seconds()))}
    )


@api_bp.post("/tests/<token>/<kind>/submit")
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
    return jsonify({"number": attempt.number, "score": attempt.score, "auto_submitted": attempt.auto_submitted})


_sec = [{"bearer": []}]
_eid = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_kindp = [{"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": list(TEST_KINDS)}}]
_tok = [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}]
_num = {"type": "number", "nullable": True}
_dt = {"type": "string", "format": "date-time", "nullable": True}
_obj = {"type": "object"}

openapi.schema("LearningTest", {"type": "object", "properties": {
    "kind": {"type": "string", "enum": list(TEST_KINDS)}, "enabled": {"type": "boolean"}, "opens_at": _dt,
    "closes_at": _dt, "time_limit_minutes": {"type": "integer"}, "max_attempts": {"type": "integer"},
    "counting": {"type": "string", "enum": ["best", "last"]}, "shuffle": {"type": "boolean"},
    "pass_mark": {"type": "number"}, "bands": {"type": "array", "items": {"type": "object", "properties": {
        "minimum": {"type": "number"}, "label": {"type": "string"}}}}}})  # fmt: skip
openapi.schema("LearningQuestion", {"type": "object", "required": ["kind", "text"], "properties": {
    "id": {"type": "integer", "readOnly": True}, "kind": {"type": "string", "enum": ["choice", "truefalse", "short"]},
    "scope": {"type": "string", "enum": ["both", "pre", "post"]}, "text": {"type": "string"},
    "options": {"type": "array", "items": {"type": "string"}},
    "correct": {"description": "option index (choice) or boolean (truefalse); null for short answers",
                "oneOf": [{"type": "integer"}, {"type": "boolean"}], "nullable": True},
    "guidance": {"type": "string"}, "weight": {"type": "number"}, "session_id": {"type": "integer", "nullable": True},
    "position": {"type": "integer", "readOnly": True}}})  # fmt: skip
openapi.schema("LearningAttempt", {"type": "object", "properties": {
    "id": {"type": "integer"}, "test": {"type": "string", "enum": list(TEST_KINDS)},
    "registration_id": {"type": "integer"}, "registration_code": {"type": "string"}, "number": {"type": "integer"},
    "started_at": _dt, "deadline_at": _dt, "submitted_at": _dt, "auto_submitted": {"type": "boolean"},
    "score": _num, "pending_marks": {"type": "integer"}}})  # fmt: skip
openapi.schema("LearningParticipantTest", {"type": "object", "properties": {
    "state": {"type": "string", "enum": ["disabled", "not_confirmed", "not_open", "open", "in_progress", "done", "closed"]},
    "message": {"type": "string"},
    "attempt": {"type": "object", "nullable": True, "description": "questions in the participant's order, no keys",
                "properties": {"attempt_id": {"type": "integer"}, "number": {"type": "integer"},
                               "seconds_left": {"type": "integer"}, "deadline_at": _dt,
                               "questions": {"type": "array", "items": _obj}}},
    "scores": {"type": "array", "items": _obj}}})  # fmt: skip

openapi.document("/events/{event_id}/tests", "get", {
    "summary": "Pre-test and post-test settings", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Tests", {"type": "object", "properties": {
        "pre": openapi.ref("LearningTest"), "post": openapi.ref("LearningTest")}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/tests/{kind}", "patch", {
    "summary": "Change a test's settings", "security": _sec, "parameters": _eid + _kindp,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("LearningTest")}}},
    "responses": {"200": openapi.json_response("Test", openapi.ref("LearningTest")),
                  **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/tests/questions", "get", {
    "summary": "The question bank, with keys", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Questions", {"type": "object", "properties": {
        "items": {"type": "array", "items": openapi.ref("LearningQuestion")}}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/tests/questions", "post", {
    "summary": "Add a question", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("LearningQuestion")}}},
    "responses": {"201": openapi.json_response("Created", openapi.ref("LearningQuestion")),
                  **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/tests/attempts", "get", {
    "summary": "Attempts of the event's tests", "security": _sec, "parameters": _eid + [
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer"}}],
    "responses": {"200": openapi.json_response("Attempts", openapi.list_of("LearningAttempt")),
                  **openapi.errors(400, 401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/tests/results", "get", {
    "summary": "Scores, gains, predikat, distribution and item analysis", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Results", {"type": "object", "properties": {
        "summary": _obj, "participants": {"type": "array", "items": _obj}, "by_institution_type": _obj,
        "by_province": _obj, "distribution": _obj, "items": _obj}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/tests/{token}/{kind}", "get", {
    "summary": "A participant's test by private manage token (never the keys)", "parameters": _tok + _kindp,
    "responses": {"200": openapi.json_response("Test", openapi.ref("LearningParticipantTest")), **openapi.errors(404)},
})  # fmt: skip
openapi.document("/tests/{token}/{kind}/start", "post", {
    "summary": "Start an attempt (or continue the one in progress)", "parameters": _tok + _kindp,
    "responses": {"201": openapi.json_response("Started", openapi.ref("LearningParticipantTest")),
                  **openapi.errors(404, 409, 429)},
})  # fmt: skip
openapi.document("/tests/{token}/{kind}/answers", "put", {
    "summary": "Save answers of the attempt in progress", "parameters": _tok + _kindp,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["answers"],
        "properties": {"answers": {"type": "object", "description": "question id -> option value, true/false or text",
                                   "additionalProperties": {"type": "string"}}}}}}},
    "responses": {"200": openapi.json_response("Saved", {"type": "object", "properties": {
        "saved": {"type": "array", "items": {"type": "string"}}, "seconds_left": {"type": "integer"}}}),
        **openapi.errors(400, 404, 409, 422, 429)},
})  # fmt: skip
openapi.document("/tests/{token}/{kind}/submit", "post", {
    "summary": "Submit the attempt in progress", "parameters": _tok + _kindp,
    "responses": {"200": openapi.json_response("Submitted", {"type": "object", "properties": {
        "number": {"type": "integer"}, "score": _num, "auto_submitted": {"type": "boolean"}}}),
        **openapi.errors(404, 409, 429)},
})  # fmt: skip
