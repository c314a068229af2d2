"""Every JSON shape of the registration API, declared once: these classes serialise and document (OpenAPI)."""

from __future__ import annotations

from bimtek.api.schemas import ApiSchema, UtcMoment, fields, validate
from bimtek.registration.models import EMPLOYMENT_STATUSES, INSTITUTION_TYPES, STATUSES

_MODES = validate.OneOf(["onsite", "online"])
_text = fields.String


class _ParticipantFields(ApiSchema):
    """What a participant tells about themselves (the form's fields)."""

    full_name = _text(metadata={"description": "Nama lengkap dengan gelar, printed on the certificate as typed"})
    email = fields.Email()
    phone = _text(metadata={"example": "0812-3456-7890"})
    employment_status = _text(allow_none=True, validate=validate.OneOf(EMPLOYMENT_STATUSES))
    nip = _text(allow_none=True, metadata={"description": "18 digits; required for pns and pppk",
                                           "example": "19660801 198803 1 001"})  # fmt: skip
    rank = _text(allow_none=True)
    position = _text()
    institution_type = _text(validate=validate.OneOf(INSTITUTION_TYPES))
    institution_name = _text()
    work_unit = _text(allow_none=True)
    province_code = _text(metadata={"example": "21"})
    regency_code = _text(allow_none=True, metadata={"example": "21.71"})
    answers = fields.Dict(allow_none=True, metadata={"description": "Answers to the event's extra questions"})


class RegistrationInputSchema(_ParticipantFields):
    """Self-registration: the public form's fields."""

    full_name = _text(required=True)
    email = fields.Email(required=True)
    phone = _text(required=True)
    position = _text(required=True)
    institution_type = _text(required=True, validate=validate.OneOf(INSTITUTION_TYPES))
    institution_name = _text(required=True)
    province_code = _text(required=True, metadata={"example": "21"})
    regency_code = _text(required=True, metadata={"example": "21.71"})
    mode = _text(required=True, validate=_MODES)
    consent = fields.Boolean(required=True, metadata={"description": "Agrees to the data notice"})


class RegistrationCreatedSchema(ApiSchema):
    """The answer to a self-registration."""

    id = fields.Integer()
    code = _text()
    status = _text(validate=validate.OneOf(["confirmed", "waitlisted", "pending"]))
    mode = _text(validate=_MODES)
    manage_url = fields.Method("_manage_url", metadata={"type": "string",
                               "description": "Private link; give it only to the registrant"})  # fmt: skip
    ticket = fields.Method("_ticket", metadata={"type": "string", "nullable": True,
                           "description": "Signed QR text (on site, confirmed only)"})  # fmt: skip

    def _manage_url(self, reg) -> str:
        from bimtek.registration.notify import external_url

        return external_url("registration.manage", token=reg.manage_token)

    def _ticket(self, reg) -> str | None:
        from bimtek.registration.services import ticket_text

        return ticket_text(reg)


class RegistrationPublicSchema(ApiSchema):
    """A registration as the registrant sees it."""

    id = fields.Integer()
    event_id = fields.Integer()
    code = _text()
    status = _text(validate=validate.OneOf(STATUSES))
    mode = _text(validate=_MODES)
    full_name = _text()
    created_at = UtcMoment()


class RegistrationSchema(_ParticipantFields, RegistrationPublicSchema):
    """A registration as the API shows it to staff."""

    source = _text()
    confirmed_at = UtcMoment(allow_none=True)
    cancelled_at = UtcMoment(allow_none=True)
    consent_version = _text(allow_none=True)


class RegistrationCancelledSchema(RegistrationSchema):
    promoted_id = fields.Integer(allow_none=True, metadata={"description": "Who got the freed seat"})


class RegistrationPatchSchema(_ParticipantFields):
    mode = _text(validate=_MODES)
    status = _text(validate=validate.OneOf(STATUSES))


class ReasonSchema(ApiSchema):
    reason = _text()
