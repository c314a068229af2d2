"""Every JSON shape of the pre-test/post-test API, declared once: these classes serialise and document."""

from __future__ import annotations

from marshmallow import pre_dump

from bimtek.api.schemas import ApiSchema, Context, UtcMoment, fields, validate
from bimtek.learning.models import COUNTING_RULES, QUESTION_KINDS, QUESTION_SCOPES, TEST_KINDS

_int, _text, _num = fields.Integer, fields.String, fields.Raw
_NUMBER = {"type": "number", "nullable": True}
STATES = ["disabled", "not_confirmed", "not_open", "open", "in_progress", "done", "closed"]


class _BandSchema(ApiSchema):
    minimum = _num(metadata={"type": "number"})
    label = _text()


class LearningTestSchema(ApiSchema):
    """A test's settings with its effective window (only kind and enabled while it is not set up)."""

    kind = _text(dump_only=True, validate=validate.OneOf(TEST_KINDS))
    enabled = fields.Boolean()
    opens_at = _text(allow_none=True, metadata={"format": "date-time"})
    closes_at = _text(allow_none=True, metadata={"format": "date-time"})
    time_limit_minutes = _int()
    max_attempts = _int()
    counting = _text(validate=validate.OneOf(COUNTING_RULES))
    shuffle = fields.Boolean()
    pass_mark = _num(metadata={"type": "number"})
    bands = fields.List(fields.Nested(_BandSchema))

    @pre_dump
    def _settings(self, test, **kwargs):
        """Dumped with Context(event=..., kind=...): the test row (or None) becomes its settings."""
        from bimtek.learning.services.setup import window_for

        ctx = Context.get()
        if test is None:
            return {"kind": ctx["kind"], "enabled": False}
        window = window_for(ctx["event"], test)
        return {
            "kind": ctx["kind"], "enabled": test.enabled,
            "opens_at": window.opens.isoformat() if window.opens else None,
            "closes_at": window.closes.isoformat() if window.closes else None,
            "time_limit_minutes": test.time_limit_seconds // 60, "max_attempts": test.max_attempts,
            "counting": test.counting, "shuffle": test.shuffle, "pass_mark": test.pass_mark,
            "bands": [{"minimum": b[0], "label": b[1]} for b in test.bands or []],
        }  # fmt: skip


class LearningTestsSchema(ApiSchema):
    pre = fields.Nested(LearningTestSchema)
    post = fields.Nested(LearningTestSchema)


class LearningQuestionSchema(ApiSchema):
    """A question of the bank as participants may know it (no key)."""

    id = _int(dump_only=True)
    kind = _text(required=True, validate=validate.OneOf(QUESTION_KINDS))
    scope = _text(validate=validate.OneOf(QUESTION_SCOPES))
    text = _text(required=True)
    options = fields.Method("_options", metadata={"type": "array", "items": {"type": "string"}})
    weight = _num(metadata={"type": "number"})
    session_id = _int(allow_none=True)
    position = _int(dump_only=True)

    def _options(self, q) -> list:
        return list(q.options or [])


class LearningQuestionKeySchema(LearningQuestionSchema):
    """A question with its key, for organizers."""

    correct = _num(metadata={"description": "option index (choice) or boolean (truefalse); null for short answers",
                             "oneOf": [{"type": "integer"}, {"type": "boolean"}], "nullable": True})  # fmt: skip
    guidance = _text(allow_none=True)


class LearningQuestionListSchema(ApiSchema):
    items = fields.List(fields.Nested(LearningQuestionKeySchema))


class LearningAttemptSchema(ApiSchema):
    """An attempt as the organizer's API shows it (a row of attempt, test kind and registration code)."""

    id = _int(attribute="LearningAttempt.id")
    test = _text(validate=validate.OneOf(TEST_KINDS))
    registration_id = _int(attribute="LearningAttempt.registration_id")
    registration_code = _text()
    number = _int(attribute="LearningAttempt.number")
    started_at = UtcMoment(attribute="LearningAttempt.started_at", allow_none=True)
    deadline_at = UtcMoment(attribute="LearningAttempt.deadline_at", allow_none=True)
    submitted_at = UtcMoment(attribute="LearningAttempt.submitted_at", allow_none=True)
    auto_submitted = fields.Boolean(attribute="LearningAttempt.auto_submitted")
    score = _num(attribute="LearningAttempt.score", metadata=_NUMBER)
    pending_marks = _int(attribute="LearningAttempt.pending_marks")


class _SummarySchema(ApiSchema):
    participants = _int()
    pre_taken = _int()
    post_taken = _int()
    mean_pre = _num(metadata=_NUMBER)
    mean_post = _num(metadata=_NUMBER)
    mean_gain = _num(metadata=_NUMBER)
    mean_normalised_gain = _num(metadata=_NUMBER)
    passed = _int()


class LearningResultsSchema(ApiSchema):
    """Per participant pre, post, gain, normalised gain, pass and predikat; the summary; item analysis."""

    summary = fields.Nested(_SummarySchema)
    participants = fields.List(fields.Dict(), attribute="rows")
    by_institution_type = fields.Dict(attribute="by_type", metadata={"description": "gains per institution type"})
    by_province = fields.Dict(metadata={"description": "gains per province name"})
    distribution = fields.Dict(metadata={"description": "pre and post score distributions"})
    items = fields.Dict(metadata={"description": "item analysis of the pre and post test"})


class _OptionSchema(ApiSchema):
    value = _text()
    text = _text()


class _AttemptQuestionSchema(ApiSchema):
    id = _int()
    number = _int()
    kind = _text(validate=validate.OneOf(QUESTION_KINDS))
    text = _text()
    options = fields.List(fields.Nested(_OptionSchema))
    answer = _text()


class _AttemptViewSchema(ApiSchema):
    """The attempt in progress: questions in the participant's order, never the keys."""

    attempt_id = _int()
    number = _int()
    seconds_left = _int()
    deadline_at = _text(metadata={"format": "date-time"})
    questions = fields.List(fields.Nested(_AttemptQuestionSchema))


class LearningScoreSchema(ApiSchema):
    number = _int()
    score = _num(metadata=_NUMBER)
    auto_submitted = fields.Boolean()


class LearningParticipantTestSchema(ApiSchema):
    state = _text(validate=validate.OneOf(STATES))
    message = _text()
    attempt = fields.Nested(_AttemptViewSchema, allow_none=True)
    scores = fields.List(fields.Nested(LearningScoreSchema))


class LearningAnswersSchema(ApiSchema):
    answers = fields.Dict(required=True, keys=_text(), values=_text(),
                          metadata={"description": "question id -> option value, true/false or text"})  # fmt: skip


class LearningSavedSchema(ApiSchema):
    saved = fields.List(_text())
    seconds_left = _int()
