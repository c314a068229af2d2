"""Every JSON shape of the evaluation API, declared once: these classes serialise and document (OpenAPI)."""

from __future__ import annotations

from marshmallow import pre_dump

from bimtek.api.schemas import ApiSchema, UtcMoment, fields, validate
from bimtek.evaluation.models import KINDS, SCOPES, SECTIONS

_int, _text, _num = fields.Integer, fields.String, fields.Float


class EvaluationQuestionSchema(ApiSchema):
    id = _int(dump_only=True)
    section = _text(validate=validate.OneOf(SECTIONS))
    scope = _text(validate=validate.OneOf(SCOPES))
    kind = _text(validate=validate.OneOf(KINDS))
    text = _text(required=True, validate=validate.Length(max=300))
    required = fields.Boolean()
    mode = _text(validate=validate.OneOf(["", "onsite", "online"]))
    position = _int()


class EvaluationSchema(ApiSchema):
    """An event's evaluation settings and questions (prepared false until the organizer prepares it)."""

    event_id = _int(dump_only=True)
    prepared = fields.Boolean(dump_only=True)
    opens_at = UtcMoment(allow_none=True)
    closes_at = UtcMoment(allow_none=True)
    anonymous = fields.Boolean()
    intro = _text()
    questions = fields.List(fields.Nested(EvaluationQuestionSchema), dump_only=True)

    @pre_dump
    def _from_event(self, event, **kwargs):
        from bimtek.evaluation.services import get_settings, questions

        settings = get_settings(event.id)
        return {
            "event_id": event.id, "prepared": settings is not None,
            "opens_at": settings.opens_at if settings else None, "closes_at": settings.closes_at if settings else None,
            "anonymous": settings.anonymous if settings else True, "intro": settings.intro if settings else "",
            "questions": questions(event.id),
        }  # fmt: skip


class _OverallSchema(ApiSchema):
    count = _int()
    mean = _num(allow_none=True)
    distribution = fields.List(_int(), metadata={"minItems": 5, "maxItems": 5, "description": "Answers 1..5"})
    percent_good = _num(allow_none=True)


class ScoreRowSchema(_OverallSchema):
    """One question about one target (the event, a session or a speaker)."""

    question_id = _int()
    question = _text()
    section = _text(validate=validate.OneOf(SECTIONS))
    scope = _text(validate=validate.OneOf(SCOPES))
    session_id = _int(allow_none=True)
    speaker_id = _int(allow_none=True)
    target = _text()
    target_detail = _text()


class _SessionScoreSchema(ApiSchema):
    session_id = _int()
    title = _text()
    count = _int()
    mean = _num(allow_none=True)


class _AspectSchema(ApiSchema):
    question_id = _int()
    question = _text()
    count = _int()
    mean = _num(allow_none=True)


class _SpeakerScoreSchema(ApiSchema):
    speaker_id = _int()
    name = _text()
    institution = _text()
    session_id = _int()
    session = _text()
    count = _int()
    mean = _num(allow_none=True)
    aspects = fields.List(fields.Nested(_AspectSchema))


class _AuthorSchema(ApiSchema):
    name = _text()
    institution = _text()


class _CommentSchema(ApiSchema):
    question_id = _int()
    question = _text()
    section = _text()
    target = _text()
    text = _text()
    submitted_at = _text(metadata={"format": "date-time"})
    author = fields.Nested(_AuthorSchema, allow_none=True, metadata={"description": "null when anonymous"})


class EvaluationResultsSchema(ApiSchema):
    """Scores per question, session and speaker, and the comments (no names when anonymous)."""

    prepared = fields.Boolean()
    opens_at = _text(allow_none=True, metadata={"format": "date-time"})
    closes_at = _text(allow_none=True, metadata={"format": "date-time"})
    anonymous = fields.Boolean()
    responses = _int()
    confirmed = _int()
    response_rate = _num(allow_none=True)
    overall = fields.Nested(_OverallSchema)
    general = fields.List(fields.Nested(ScoreRowSchema))
    scores = fields.List(fields.Nested(ScoreRowSchema))
    sessions = fields.List(fields.Nested(_SessionScoreSchema))
    speakers = fields.List(fields.Nested(_SpeakerScoreSchema))
    comments = fields.List(fields.Nested(_CommentSchema))
    comments_total = _int()


class _FormItemSchema(ApiSchema):
    key = _text(metadata={"example": "q14_p7"})
    question_id = fields.Function(lambda it: it.question.id, metadata={"type": "integer"})
    text = fields.Function(lambda it: it.question.text, metadata={"type": "string"})
    kind = fields.Function(lambda it: it.question.kind, metadata={"type": "string", "enum": list(KINDS)})
    required = fields.Function(lambda it: it.question.required, metadata={"type": "boolean"})
    session_id = _int(allow_none=True)
    speaker_id = _int(allow_none=True)


class _FormGroupSchema(ApiSchema):
    heading = _text()
    subheading = _text()
    items = fields.List(fields.Nested(_FormItemSchema))


class _FormSectionSchema(ApiSchema):
    section = _text(attribute="name", validate=validate.OneOf(SECTIONS))
    label = _text()
    groups = fields.List(fields.Nested(_FormGroupSchema))


class EvaluationFormSchema(ApiSchema):
    """A participant's form, and whether it is open for them now."""

    state = _text(validate=validate.OneOf(["open", "done", "not_open", "closed", "not_confirmed"]))
    message = _text()
    sections = fields.List(fields.Nested(_FormSectionSchema))


class EvaluationAnswersSchema(ApiSchema):
    answers = fields.Dict(
        required=True,
        keys=_text(),
        metadata={"description": "item key (e.g. q12, q13_s4, q14_p7) -> 1..5 or text",
                  "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "string"}]}},
    )  # fmt: skip


class EvaluationSubmittedSchema(ApiSchema):
    id = _int()
    submitted_at = UtcMoment()
