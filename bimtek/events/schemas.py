"""Every JSON shape of the events API, declared once: these classes serialise and document (OpenAPI)."""

from __future__ import annotations

from bimtek.api.schemas import ApiSchema, IsoDate, LocalMoment, fields, validate
from bimtek.events.models import EVENT_STATUSES
from bimtek.events.services import TIMEZONES

_text = fields.String


class SpeakerSchema(ApiSchema):
    name = _text(required=True)
    institution = _text()
    role = _text(validate=validate.OneOf(["narasumber", "moderator"]))


class SessionSchema(ApiSchema):
    """A session of the agenda; times at the venue."""

    id = fields.Integer(dump_only=True)
    title = _text(required=True)
    starts_at = LocalMoment(required=True)
    ends_at = LocalMoment(required=True)
    jp = fields.Raw(metadata={"type": "number", "description": "Jam pelajaran"})
    speakers = fields.List(fields.Nested(SpeakerSchema))


class _EventFields(ApiSchema):
    """What an organizer sets on an event."""

    title = _text()
    code = _text(metadata={"example": "BIMTEK-MEDSOS"})
    description = _text()
    organizer_unit = _text()
    venue_name = _text()
    venue_address = _text()
    city = _text()
    province_code = _text(metadata={"example": "21"})
    timezone = _text(validate=validate.OneOf(TIMEZONES))
    starts_at = LocalMoment()
    ends_at = LocalMoment()
    registration_opens_at = LocalMoment(allow_none=True)
    registration_closes_at = LocalMoment(allow_none=True)
    onsite_capacity = fields.Integer()
    online_capacity = fields.Integer()
    zoom_join_url = _text()
    zoom_meeting_id = _text()
    zoom_passcode = _text()
    approval_required = fields.Boolean()


class EventInputSchema(_EventFields):
    title = _text(required=True)
    code = _text(required=True, metadata={"example": "BIMTEK-MEDSOS"})
    starts_at = LocalMoment(required=True)
    ends_at = LocalMoment(required=True)


class EventPatchSchema(_EventFields):
    """Any of the event's fields; the others stay as they are."""


class EventSchema(_EventFields):
    """An event as staff see it in the API (Zoom details included); times at the venue."""

    id = fields.Integer()
    slug = _text()
    status = _text(validate=validate.OneOf(EVENT_STATUSES))
    onsite_seats_left = fields.Method("_onsite_left", metadata={"type": "integer"})
    online_seats_left = fields.Method("_online_left", metadata={"type": "integer"})
    sessions = fields.List(fields.Nested(SessionSchema))

    def _onsite_left(self, event):
        return event.seats_left("onsite")

    def _online_left(self, event):
        return event.seats_left("online")


class EventCopySchema(ApiSchema):
    """A new draft edition: details, sessions, speakers and settings moved to a new start date; no people."""

    starts_on = IsoDate(required=True, metadata={"description": "First day of the new edition, at the venue"})
    title = _text(metadata={"description": "Defaults to the source event's title"})
    slug = _text(
        validate=validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
        metadata={"description": "Defaults to <code>-<year>"},
    )
