"""Evaluation in the JSON API: organizers set it up and read results; participants answer by their token."""

from __future__ import annotations

from flask import abort, jsonify

from bimtek.accounts.access import acting_user, event_view
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.api.openapi import operation
from bimtek.api.schemas import dump
from bimtek.core.time import utcnow
from bimtek.errors import Invalid
from bimtek.evaluation import responses, results, services
from bimtek.evaluation.schemas import (
    EvaluationAnswersSchema,
    EvaluationFormSchema,
    EvaluationQuestionSchema,
    EvaluationResultsSchema,
    EvaluationSchema,
    EvaluationSubmittedSchema,
)
from bimtek.extensions import db, limiter

_BY_LINK = "The registration's private manage token."


@api_bp.get("/events/<int:event_id>/evaluation")
@operation("Get an event's evaluation settings and questions", response=EvaluationSchema, errors=(401, 403, 404))
@token_required
@event_view("manage")
def get_evaluation(event):
    """The event's evaluation settings and questions."""
    return jsonify(dump(EvaluationSchema, event))


@api_bp.patch("/events/<int:event_id>/evaluation")
@operation("Prepare the evaluation and set when it opens", body=EvaluationSchema, response=EvaluationSchema,
           errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def patch_evaluation(event):
    """Prepare the evaluation (default questions) and set opens_at, closes_at, anonymous, intro."""
    services.update_settings(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(dump(EvaluationSchema, event))


@api_bp.post("/events/<int:event_id>/evaluation/questions")
@operation("Add an evaluation question", body=EvaluationQuestionSchema, status=201, response=EvaluationQuestionSchema,
           response_text="Created", errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def create_question(event):
    """Add a question to the event's evaluation."""
    question = services.add_question(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(dump(EvaluationQuestionSchema, question)), 201


@api_bp.get("/events/<int:event_id>/evaluation/results")
@operation("Evaluation scores and comments", response=EvaluationResultsSchema, response_text="Results",
           errors=(401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def get_results(event):
    """Scores per question, session and speaker, and the comments (anonymous when the event says so)."""
    return jsonify(dump(EvaluationResultsSchema, results.results(event)))


def _registration(token: str):
    reg = responses.registration_by_token(token)
    if reg is None:
        abort(404)
    return reg


@api_bp.get("/evaluation/<token>")
@operation("A participant's evaluation form (by private manage token)", public=True, response=EvaluationFormSchema,
           response_text="Form", errors=(404,), description=_BY_LINK)  # fmt: skip
def participant_form(token: str):
    """The form a participant answers, and whether it is open for them now."""
    reg = _registration(token)
    state = responses.availability(reg, services.get_settings(reg.event_id), utcnow())
    sections = responses.build_form(reg.event, reg.mode) if state == "open" else []
    form = {"state": state, "message": responses.AVAILABILITY_MESSAGES.get(state, ""), "sections": sections}
    return jsonify(dump(EvaluationFormSchema, form))


@api_bp.post("/evaluation/<token>")
@operation("Submit a participant's evaluation (once)", public=True, body=EvaluationAnswersSchema, status=201,
           response=EvaluationSubmittedSchema, response_text="Recorded", errors=(400, 403, 404, 409, 422, 429),
           description=_BY_LINK)  # fmt: skip
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
    return jsonify(dump(EvaluationSubmittedSchema, response)), 201
