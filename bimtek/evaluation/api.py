"""Evaluation in the JSON API: organizers set it up and read results; participants answer by their token."""

from __future__ import annotations

from flask import abort, jsonify

from bimtek.accounts.access import acting_user, event_view
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.evaluation import responses, results, services
from bimtek.extensions import db, limiter


@api_bp.get("/events/<int:event_id>/evaluation")
@token_required
@event_view("manage")
def get_evaluation(event):
    """The event's evaluation settings and questions."""
    return jsonify(services.settings_json(event, services.get_settings(event.id)))


@api_bp.patch("/events/<int:event_id>/evaluation")
@token_required
@event_view("manage")
def patch_evaluation(event):
    """Prepare the evaluation (default questions) and set opens_at, closes_at, anonymous, intro."""
    services.update_settings(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(services.settings_json(event, services.get_settings(event.id)))


@api_bp.post("/events/<int:event_id>/evaluation/questions")
@token_required
@event_view("manage")
def create_question(event):
    """Add a question to the event's evaluation."""
    question = services.add_question(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(services.question_json(question)), 201


@api_bp.get("/events/<int:event_id>/evaluation/results")
@token_required
@event_view("manage")
def get_results(event):
    """Scores per question, session and speaker, and the comments (anonymous when the event says so)."""
    return jsonify(results.results(event))


def _registration(token: str):
    reg = responses.registration_by_token(token)
    if reg is None:
        abort(404)
    return reg


@api_bp.get("/evaluation/<token>")
def participant_form(token: str):
    """The form a participant answers, and whether it is open for them now."""
    reg = _registration(token)
    state = responses.availability(reg, services.get_settings(reg.event_id), utcnow())
    sections = responses.build_form(reg.event, reg.mode) if state == "open" else []
    return jsonify({"state": state, "message": responses.AVAILABILITY_MESSAGES.get(state, ""),
                    "sections": responses.form_json(sections)})  # fmt: skip


@api_bp.post("/evaluation/<token>")
@limiter.limit("30 per minute")
def participant_submit(token: str):
    """Submit a participant's evaluation: {"answers": {item key: 1–5 or text}}."""
    reg = _registration(token)
    body = json_body()
    answers = body.get("answers")
    if not isinstance(answers, dict):
        raise Invalid("invalid", "answers harus berupa objek.", fields={"answers": "Wajib berupa objek."})
    response = responses.submit_response(reg, answers)
    db.session.commit()
    return jsonify({"id": response.id, "submitted_at": as_utc(response.submitted_at).isoformat()}), 201


_sec = [{"bearer": []}]
_eid = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_tok = [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "The registration's private manage token."}]  # fmt: skip
_dt_null = {"type": "string", "format": "date-time", "nullable": True}
openapi.schema(
    "EvaluationQuestion",
    {
        "type": "object",
        "required": ["text"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "section": {"type": "string", "enum": ["organisasi", "materi", "narasumber", "umum", "saran"]},
            "scope": {"type": "string", "enum": ["event", "session", "speaker"]},
            "kind": {"type": "string", "enum": ["scale", "text"]},
            "text": {"type": "string", "maxLength": 300},
            "required": {"type": "boolean"},
            "mode": {"type": "string", "enum": ["", "onsite", "online"]},
            "position": {"type": "integer"},
        },
    },
)
openapi.schema(
    "Evaluation",
    {
        "type": "object",
        "properties": {
            "event_id": {"type": "integer"},
            "prepared": {"type": "boolean"},
            "opens_at": _dt_null,
            "closes_at": _dt_null,
            "anonymous": {"type": "boolean"},
            "intro": {"type": "string"},
            "questions": {"type": "array", "items": openapi.ref("EvaluationQuestion")},
        },
    },
)
_score_row = {
    "type": "object",
    "properties": {
        "question_id": {"type": "integer"},
        "question": {"type": "string"},
        "section": {"type": "string"},
        "scope": {"type": "string"},
        "session_id": {"type": "integer", "nullable": True},
        "speaker_id": {"type": "integer", "nullable": True},
        "target": {"type": "string"},
        "count": {"type": "integer"},
        "mean": {"type": "number", "nullable": True},
        "percent_good": {"type": "number", "nullable": True},
        "distribution": {"type": "array", "items": {"type": "integer"}, "minItems": 5, "maxItems": 5},
    },
}
openapi.schema(
    "EvaluationResults",
    {
        "type": "object",
        "properties": {
            "prepared": {"type": "boolean"},
            "anonymous": {"type": "boolean"},
            "responses": {"type": "integer"},
            "confirmed": {"type": "integer"},
            "response_rate": {"type": "number", "nullable": True},
            "overall": {"type": "object"},
            "general": {"type": "array", "items": _score_row},
            "scores": {"type": "array", "items": _score_row},
            "sessions": {"type": "array", "items": {"type": "object"}},
            "speakers": {"type": "array", "items": {"type": "object"}},
            "comments": {"type": "array", "items": {"type": "object", "properties": {
                "question": {"type": "string"}, "target": {"type": "string"}, "text": {"type": "string"},
                "author": {"type": "object", "nullable": True}}}},
            "comments_total": {"type": "integer"},
        },
    },
)  # fmt: skip
openapi.document("/events/{event_id}/evaluation", "get", {
    "summary": "Get an event's evaluation settings and questions", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Evaluation", openapi.ref("Evaluation")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/evaluation", "patch", {
    "summary": "Prepare the evaluation and set when it opens", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
        "opens_at": _dt_null, "closes_at": _dt_null, "anonymous": {"type": "boolean"}, "intro": {"type": "string"}}}}}},
    "responses": {"200": openapi.json_response("Evaluation", openapi.ref("Evaluation")),
                  **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/evaluation/questions", "post", {
    "summary": "Add an evaluation question", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("EvaluationQuestion")}}},
    "responses": {"201": openapi.json_response("Created", openapi.ref("EvaluationQuestion")),
                  **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/evaluation/results", "get", {
    "summary": "Evaluation scores and comments", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Results", openapi.ref("EvaluationResults")),
                  **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/evaluation/{token}", "get", {
    "summary": "A participant's evaluation form (by private manage token)", "parameters": _tok,
    "responses": {"200": openapi.json_response("Form", {"type": "object", "properties": {
        "state": {"type": "string", "enum": ["open", "done", "not_open", "closed", "not_confirmed"]},
        "message": {"type": "string"}, "sections": {"type": "array", "items": {"type": "object"}}}}),
        **openapi.errors(404)},
})  # fmt: skip
openapi.document("/evaluation/{token}", "post", {
    "summary": "Submit a participant's evaluation (once)", "parameters": _tok,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["answers"],
        "properties": {"answers": {"type": "object", "description": "item key (e.g. q12, q13_s4, q14_p7) -> 1..5 or text",
                                   "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}}}}}},
    "responses": {"201": openapi.json_response("Recorded", {"type": "object", "properties": {
        "id": {"type": "integer"}, "submitted_at": {"type": "string", "format": "date-time"}}}),
        **openapi.errors(400, 403, 404, 409, 422, 429)},
})  # fmt: skip
