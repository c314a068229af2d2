"""The JSON shapes of the reports API, declared once (documents the figures ``services`` computes)."""

from __future__ import annotations

from bimtek.api.schemas import INCLUDE, ApiSchema, fields, validate
from bimtek.evaluation.schemas import EvaluationResultsSchema

_int, _text = fields.Integer, fields.String
_FIGURE = {"type": "number", "nullable": True}


class _Open(ApiSchema):
    class Meta:
        unknown = INCLUDE


class _CountSchema(_Open):
    key = _text()
    code = _text()
    label = _text()
    name = _text()
    count = _int()


class _DaySchema(ApiSchema):
    date = fields.Date()
    count = _int()
    cumulative = _int()
    weekly = fields.Boolean()


class _RegistrationFiguresSchema(ApiSchema):
    total = _int()
    active = _int()
    by_status = fields.Dict(keys=_text(), values=_int())
    by_mode = fields.Dict(keys=_text(), values=fields.Dict(keys=_text(), values=_int(allow_none=True)))
    over_time = fields.List(fields.Nested(_DaySchema))
    by_institution_type = fields.List(fields.Nested(_CountSchema))
    by_province = fields.List(fields.Nested(_CountSchema))
    province_unknown = _int()
    provinces_reached = _int()


class _SummarySchema(ApiSchema):
    registrations = _int()
    confirmed = _int()
    onsite_confirmed = _int()
    online_confirmed = _int()
    waitlisted = _int()
    pending = _int()
    provinces_reached = _int()
    evaluations = _int()
    evaluation_rate = fields.Raw(metadata=_FIGURE)
    overall_score = fields.Raw(metadata=_FIGURE)
    checkin_rate = fields.Raw(metadata=_FIGURE)
    eligible = fields.Raw(metadata=_FIGURE)
    certificates = fields.Raw(metadata=_FIGURE)


def _section(text: str):
    return fields.Dict(allow_none=True, metadata={"description": text + "; null until that feature has data"})


class _AgencyFiguresSchema(ApiSchema):
    agency_id = _int()
    name = _text()
    invited = _int()
    onsite_quota = _int()
    online_quota = _int()
    nominated = _int()
    attended = _int()
    certified = _int()


class EventReportSchema(ApiSchema):
    """Every figure of an event's dashboard."""

    event = fields.Dict(metadata={"description": "The event, its sessions and speakers (times in UTC)"})
    generated_at = _text(metadata={"format": "date-time"})
    summary = fields.Nested(_SummarySchema)
    registrations = fields.Nested(_RegistrationFiguresSchema)
    evaluation = fields.Nested(EvaluationResultsSchema)
    checkin = _section("Venue check-in per session and day")
    online_minutes = _section("Minutes online per participant (Zoom)")
    eligibility = _section("Certificate eligibility verdicts")
    certificates = _section("Certificates issued and revoked")
    learning = _section("Pre- and post-test outcomes")
    materials = _section("Materials and downloads")
    nominations = fields.List(fields.Nested(_AgencyFiguresSchema),
                              metadata={"description": "Per invited agency (empty without nominations)"})  # fmt: skip


class HistoryQuerySchema(ApiSchema):
    q = fields.Raw(
        required=True,
        metadata={"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                  "description": "NIPs (18 digits) or emails: a list, or text separated by commas or new lines "
                                 "(max 500)"},
    )  # fmt: skip


class _YearSchema(ApiSchema):
    year = _int()
    jp = fields.Float()


class _PersonHistorySchema(_Open):
    key = _text()
    kind = _text(validate=validate.OneOf(["nip", "email"]))
    name = _text()
    registrations = fields.List(fields.Dict())
    jp_per_year = fields.List(fields.Nested(_YearSchema))


class ParticipantHistorySchema(ApiSchema):
    items = fields.List(fields.Nested(_PersonHistorySchema))
