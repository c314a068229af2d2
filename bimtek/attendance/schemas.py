"""Every JSON shape of the attendance API, declared once: these classes serialise and document (OpenAPI)."""

from __future__ import annotations

from dataclasses import dataclass

from bimtek.api.schemas import INCLUDE, ApiSchema, UtcMoment, fields, validate

_int, _text, _num = fields.Integer, fields.String, fields.Raw
_NUMBER = {"type": "number"}
MATCH_KINDS = ["name", "ambiguous", "none", "registrant_id", "email", "code", "nip", "link"]


class _ProblemSchema(ApiSchema):
    class Meta:
        unknown = INCLUDE

    line = _int()
    column = _text()
    message = _text()


def _summary(key: str, default=None):
    return lambda imp: (imp.summary or {}).get(key, default() if callable(default) else default)


class ZoomImportSummarySchema(ApiSchema):
    """A Zoom report import: its preview or result."""

    id = _int()
    session_id = _int()
    filename = _text()
    status = _text(validate=validate.OneOf(["preview", "confirmed"]))
    rows_read = _int()
    rows_matched = _int()
    people = _int()
    people_matched = _int()
    problems = fields.List(fields.Nested(_ProblemSchema))
    problem_count = fields.Function(
        lambda imp: (imp.summary or {}).get("problem_count", len(imp.problems or [])), metadata={"type": "integer"}
    )
    warnings = fields.Function(_summary("warnings", list), metadata={"type": "array", "items": {"type": "string"}})
    meeting = fields.Function(_summary("meeting"), metadata={"type": "object", "nullable": True})
    created_at = UtcMoment()
    confirmed_at = UtcMoment(allow_none=True)
    created = fields.Boolean(metadata={"description": "Uploads: false when the same file was uploaded before"})
    changed = fields.Boolean(allow_none=True, metadata={"description": "Confirm: false the second time"})
    job_id = _int(metadata={"description": "Confirm of a large report: the job that stores it"})


class ZoomImportSchema(ZoomImportSummarySchema):
    people_list = fields.Function(_summary("groups", list), metadata={"type": "array", "items": {"type": "object"}})


class ZoomImportsSchema(ApiSchema):
    items = fields.List(fields.Nested(ZoomImportSummarySchema))
    skipped_session_ids = fields.List(_int())


class ConfirmedCountSchema(ApiSchema):
    confirmed = _int()


class ZoomReviewRowSchema(ApiSchema):
    id = _int()
    session_id = _int()
    import_id = _int(allow_none=True)
    display_name = _text()
    original_name = _text(allow_none=True)
    email = _text(allow_none=True)
    match_kind = _text(validate=validate.OneOf(MATCH_KINDS))
    candidate_ids = fields.List(_int(), allow_none=True)
    minutes = _num(metadata=_NUMBER)
    rows = fields.Function(lambda row: len(row.line_nos or []), metadata={"type": "integer"})
    status = _text(validate=validate.OneOf(["pending", "linked", "dismissed"]))
    registration_id = _int(allow_none=True)
    linked_rows = _int(metadata={"description": "Link: how many rows the remembered name credited"})


class LinkSchema(ApiSchema):
    registration_id = _int(required=True)


class UploadSchema(ApiSchema):
    file = _text(metadata={"format": "binary"})


class WebhookResultSchema(ApiSchema):
    """Recorded, duplicate, ignored, or the URL validation answer."""

    class Meta:
        unknown = INCLUDE


class PresensiInputSchema(ApiSchema):
    manage_token = _text(required=True)
    code = _text(required=True, metadata={"example": "K7M2QX"})


class PresensiRecordSchema(ApiSchema):
    registration_id = _int()
    session_id = _int()
    window_id = _int()
    recorded_at = fields.Function(
        lambda r: r.recorded_at.isoformat(), metadata={"type": "string", "format": "date-time"}
    )
    created = fields.Boolean(metadata={"description": "false: already recorded for this window"})


class EligibilityRuleSchema(ApiSchema):
    """An event's attendance requirement for a certificate ({} when none is set)."""

    min_session_percent = _num(metadata={"type": "number", "nullable": True, "example": 70})
    min_sessions = _int(allow_none=True)
    min_total_jp = _num(metadata={"type": "number", "nullable": True})
    require_presensi_windows = fields.Boolean()
    require_evaluation = fields.Boolean()
    require_post_test_pass = fields.Function(lambda r: bool(r.require_post_test_pass), metadata={
        "type": "boolean", "description": "only kept when the event runs a post-test"})  # fmt: skip
    jp_minutes = _int(metadata={"example": 45})


class VerdictSummarySchema(ApiSchema):
    evaluated = _int()
    eligible = _int()
    not_eligible = _int()


class RuleSavedSchema(EligibilityRuleSchema):
    summary = fields.Nested(VerdictSummarySchema)


@dataclass(frozen=True)
class NotComputed:
    """A registration with no verdict yet."""

    registration_id: int | None


class VerdictSchema(ApiSchema):
    """A registration's eligibility verdict with its reasons (only registration_id and computed until computed)."""

    registration_id = _int(allow_none=True)
    computed = fields.Function(lambda v: not isinstance(v, NotComputed), metadata={"type": "boolean"})
    eligible = fields.Boolean()
    final = fields.Boolean(metadata={"description": "override if set, else eligible"})
    reasons = fields.List(_text(), metadata={"example": ["Sesi 2: 38 dari 90 menit (42%), minimal 70%"]})
    details = fields.Dict()
    computed_at = UtcMoment()
    override = fields.Boolean(allow_none=True)
    override_reason = _text(allow_none=True)
    override_by = _int(allow_none=True)


class OverrideSchema(ApiSchema):
    eligible = fields.Boolean(allow_none=True)
    reason = _text()


class _CellSchema(ApiSchema):
    minutes = _num(metadata=_NUMBER)
    percent = _num(metadata=_NUMBER)
    sources = fields.List(_text())
    windows = fields.List(_int())
    attended = fields.Boolean()


class _MatrixSessionSchema(ApiSchema):
    id = _int()
    title = _text()


class _VerdictOf(fields.Nested):
    """The row's verdict, or registration_id and computed false while it has none."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value or NotComputed(obj.registration.id), attr, obj, **kwargs)


class _MatrixRowSchema(ApiSchema):
    registration_id = _int(attribute="registration.id")
    name = _text(attribute="registration.full_name")
    mode = _text(attribute="registration.mode")
    cells = fields.Dict(keys=_text(), values=fields.Nested(_CellSchema), metadata={"description": "per session id"})
    verdict = _VerdictOf(VerdictSchema)


class AttendanceMatrixSchema(ApiSchema):
    """Participants × sessions: minutes, percent and sources per cell, with each verdict."""

    sessions = fields.List(fields.Nested(_MatrixSessionSchema))
    items = fields.List(fields.Nested(_MatrixRowSchema))
