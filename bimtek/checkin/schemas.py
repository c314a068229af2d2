"""Every JSON shape of the check-in API, declared once: these classes serialise and document (OpenAPI)."""

from __future__ import annotations

from bimtek.api.schemas import ApiSchema, IsoDate, LocalMoment, compile_dump, fields, validate
from bimtek.checkin.services.scanning import KINDS, MAX_BATCH, STATUS, staff_label
from bimtek.registration.queries import status_label
from bimtek.registration.schemas import RegistrationInputSchema

REASONS = [code for code, status in STATUS.items() if status == 200]
SOURCES = ["scan", "manual", "walkin", "offline"]
_MODES = validate.OneOf(["onsite", "online"])


class CheckInPersonSchema(ApiSchema):
    """What a scanner shows about a person: no email, phone or NIP."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String(attribute="full_name")
    institution = fields.String(attribute="institution_name")
    work_unit = fields.String()
    mode = fields.String(validate=_MODES)
    status = fields.String()
    status_label = fields.Method("_status_label", metadata={"type": "string"})
    can_check_in = fields.Method("_can_check_in", metadata={"type": "boolean"})

    def _status_label(self, reg) -> str:
        return status_label(reg.status)

    def _can_check_in(self, reg) -> bool:
        return reg.status == "confirmed"


class AdmissionSchema(ApiSchema):
    """A successful scan as the API answers it."""

    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(KINDS))
    slot = fields.String(metadata={"example": "s12"})
    scanned_at = LocalMoment()
    gate = fields.String()
    staff = fields.String()
    source = fields.String(validate=validate.OneOf(SOURCES))
    flags = fields.List(fields.String())
    replay = fields.Boolean()


class FirstCheckInSchema(ApiSchema):
    """The earlier admit an already_checked_in refusal points to."""

    id = fields.Integer()
    scanned_at = LocalMoment()
    gate = fields.String()
    staff = fields.Method("_staff", metadata={"type": "string"})
    source = fields.String(validate=validate.OneOf(SOURCES))
    device = fields.String()

    def _staff(self, row) -> str:
        return staff_label(row.staff.name, row.staff.email) if row.staff else ""


class CheckInSchema(FirstCheckInSchema):
    """A log row as the API shows it."""

    registration = fields.Nested(CheckInPersonSchema)
    session_id = fields.Integer(allow_none=True)
    day = IsoDate()
    slot = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    received_at = LocalMoment()
    nonce = fields.String()
    flags = fields.Method("_flags", metadata={"type": "array", "items": {"type": "string"}})
    undone_at = LocalMoment(allow_none=True)

    def _flags(self, row) -> list:
        return list(row.flags or [])


class CheckInResultSchema(ApiSchema):
    """The answer to one scan: ok with the admit, or error with a reason (no check-in recorded)."""

    nonce = fields.String(allow_none=True, metadata={"description": "Batch uploads: the item's nonce"})
    status = fields.String(required=True, validate=validate.OneOf(["ok", "error"]))
    reason = fields.String(validate=validate.OneOf([*STATUS, "invalid", "malformed", "busy", "nonce_reused"]))
    message = fields.String()
    error = fields.String(metadata={"description": "The reason again, on 4xx answers"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.String())
    registration = fields.Nested(CheckInPersonSchema)
    checkin = fields.Nested(AdmissionSchema)
    first_checkin = fields.Nested(FirstCheckInSchema)
    flagged = fields.Boolean(metadata={"description": "An offline admit kept and flagged for the organizer"})


class CheckInRequestSchema(ApiSchema):
    ticket = fields.String(required=True, metadata={"description": "QR text (BT1...) or the 8-character code"})
    event_id = fields.Integer(required=True)
    session_id = fields.Integer(allow_none=True, metadata={"description": "Omit to check in for the day"})
    gate = fields.String(validate=validate.Length(max=60))
    kind = fields.String(validate=validate.OneOf(KINDS), dump_default="entry")
    nonce = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9._:-]{8,64}$"),
        metadata={"description": "Client-chosen; a retry with the same nonce creates nothing new"},
    )
    scanned_at = fields.DateTime()
    device = fields.String(validate=validate.Length(max=100))
    override = fields.Boolean(metadata={"description": "Organizers only: admit an online (Zoom) registrant"})
    source = fields.String(validate=validate.OneOf(["scan", "manual"]), dump_default="scan")


class CheckInBatchSchema(ApiSchema):
    event_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(CheckInRequestSchema), required=True, validate=validate.Length(max=MAX_BATCH))


class CheckInBatchResultSchema(ApiSchema):
    received_at = fields.String(metadata={"format": "date-time"})
    results = fields.List(fields.Nested(CheckInResultSchema))


class _ModeCountSchema(ApiSchema):
    onsite = fields.Integer()
    online = fields.Integer()


class _SlotCountSchema(_ModeCountSchema):
    total = fields.Integer()


class _ArrivalSchema(ApiSchema):
    at = fields.String(metadata={"format": "date-time"})
    count = fields.Integer()


class SlotSchema(ApiSchema):
    """A session or a whole day people check in to (key s<session id> or d<YYYY-MM-DD>)."""

    key = fields.String()
    label = fields.String()
    session_id = fields.Integer(allow_none=True)
    day = IsoDate()


class SlotStatsSchema(SlotSchema):
    checked_in = fields.Nested(_SlotCountSchema)
    arrivals = fields.List(fields.Nested(_ArrivalSchema), metadata={"description": "Per 15 minutes"})


class CheckInStatsSchema(ApiSchema):
    event_id = fields.Integer()
    expected = fields.Nested(_ModeCountSchema)
    slots = fields.List(fields.Nested(SlotStatsSchema))
    flagged = fields.Integer()


class _SyncTicketSchema(ApiSchema):
    ticket_id = fields.String()
    code = fields.String()
    name = fields.String(metadata={"description": "On-site registrants only"})
    institution = fields.String(metadata={"description": "On-site registrants only"})
    mode = fields.String(validate=_MODES)


class _RevokedSchema(ApiSchema):
    ticket_id = fields.String()
    code = fields.String()
    status = fields.String()


class _AdmittedSchema(ApiSchema):
    ticket_id = fields.String()
    slot = fields.String()


class CheckInSyncSchema(ApiSchema):
    event_id = fields.Integer()
    generated_at = fields.String(metadata={"format": "date-time"})
    public_key = fields.String(metadata={"description": "Ed25519 public key, base64 of the raw 32 bytes"})
    slots = fields.List(fields.Nested(SlotSchema))
    tickets = fields.List(fields.Nested(_SyncTicketSchema))
    revoked = fields.List(fields.Nested(_RevokedSchema))
    admitted = fields.List(fields.Nested(_AdmittedSchema))


class CheckInSearchSchema(ApiSchema):
    items = fields.List(fields.Nested(CheckInPersonSchema))


class WalkInSchema(RegistrationInputSchema):
    """Registration fields as for the registration form (mode is always onsite), plus where they came in."""

    mode = fields.String(validate=validate.OneOf(["onsite"]), metadata={"description": "Always onsite"})
    session_id = fields.Integer(allow_none=True)
    gate = fields.String(validate=validate.Length(max=60))
    device = fields.String(validate=validate.Length(max=100))


class UndoSchema(ApiSchema):
    reason = fields.String()


# The scan answer is the hot path: the same fields, compiled once (see compile_dump).
person_json = compile_dump(CheckInPersonSchema)
admission_fields = compile_dump(AdmissionSchema)
