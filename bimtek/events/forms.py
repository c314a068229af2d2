"""WTForms for the organizer's event pages: the shape of input only (the rules live in services.py).

CSRF is checked for every POST by the app's CSRFProtect, so these forms switch WTForms' own CSRF off.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Field, Form, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from bimtek.events.services import EVENT_FIELDS


class _Form(Form):
    class Meta:
        csrf = False


class ListField(Field):
    """Every value posted under one name (repeated inputs such as one speaker row per line)."""

    def process_formdata(self, valuelist):
        self.data = list(valuelist)

    def process_data(self, value):
        self.data = list(value or [])


class EventForm(_Form):
    """An event's details; every field is text here, services.clean_event_fields checks and converts."""

    title = StringField()
    code = StringField()
    description = TextAreaField()
    organizer_unit = StringField()
    venue_name = StringField()
    venue_address = StringField()
    city = StringField()
    province_code = StringField()
    timezone = StringField()
    starts_at = StringField()
    ends_at = StringField()
    registration_opens_at = StringField()
    registration_closes_at = StringField()
    onsite_capacity = StringField()
    online_capacity = StringField()
    zoom_join_url = StringField()
    zoom_meeting_id = StringField()
    zoom_passcode = StringField()
    approval_required = BooleanField()

    def event_data(self) -> dict:
        """The posted values as the service takes them."""
        raw = {name: self[name].data or "" for name in EVENT_FIELDS if name != "approval_required"}
        raw["approval_required"] = bool(self.approval_required.data)
        return raw


class SessionForm(_Form):
    """One agenda session with its speakers (parallel lists of name, institution and role)."""

    title = StringField()
    starts_at = StringField()
    ends_at = StringField()
    jp = StringField()
    speaker_name = ListField()
    speaker_institution = ListField()
    speaker_role = ListField()

    def session_data(self) -> dict:
        """The posted values as the service takes them; rows without a speaker name are dropped."""
        names = [n or "" for n in self.speaker_name.data]
        insts = [i or "" for i in self.speaker_institution.data]
        roles = [r or "" for r in self.speaker_role.data]
        speakers = [
            {"name": n, "institution": insts[i] if i < len(insts) else "", "role": roles[i] if i < len(roles) else ""}
            for i, n in enumerate(names)
            if n.strip()
        ]
        return {
            "title": self.title.data or "",
            "starts_at": self.starts_at.data or "",
            "ends_at": self.ends_at.data or "",
            "jp": self.jp.data or "0",
            "speakers": speakers,
        }


class StatusForm(_Form):
    action = StringField()


def _optional_int(value):
    return int(value) if value not in (None, "", "None") and str(value).isdigit() and len(str(value)) < 10 else None


class ProfilePickForm(Form):
    """The organizer profile picker on the event form (the event form carries the CSRF token)."""

    organizer_profile_id = SelectField(_l("Profil penyelenggara (kop, logo, penandatangan)"), coerce=_optional_int,
                                       validate_choice=False)  # fmt: skip


def pick_form(formdata, current: int | None, choices: list[tuple[int, str]]) -> ProfilePickForm:
    """The picker filled with every profile and a "none" choice."""
    form = ProfilePickForm(formdata=formdata, organizer_profile_id=current)
    form.organizer_profile_id.choices = [SelectChoice("", _l("— tanpa profil —"))] + [
        SelectChoice(str(pid), name) for pid, name in choices
    ]
    return form


class CopyEventForm(_Form):
    """Copy an event as the start of its next edition: the new first day and, optionally, a new title."""

    starts_on = DateField(_l("Tanggal mulai kegiatan baru"), format="%Y-%m-%d")
    title = StringField(_l("Judul kegiatan baru"))
