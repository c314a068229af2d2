"""WTForms for the registration pages: the shape of input only (the rules live in services).

CSRF is checked for every POST by the app's CSRFProtect, so these forms switch WTForms' own CSRF off.
Checkboxes are BooleanFields: "is this box ticked" is decided here, once.
"""

from __future__ import annotations

from wtforms import BooleanField, Form, StringField, TextAreaField

from bimtek.registration.services.validation import PARTICIPANT_FIELDS

FILTER_FIELDS = ("q", "field", "status", "mode", "institution_type", "province_code")


class _Form(Form):
    class Meta:
        csrf = False


class ParticipantForm(_Form):
    """The registration form (public, organizer "add participant", and staff corrections)."""

    full_name = StringField()
    email = StringField()
    phone = StringField()
    employment_status = StringField()
    nip = StringField()
    rank = StringField()
    position = StringField()
    institution_type = StringField()
    institution_name = StringField()
    work_unit = StringField()
    province_code = StringField()
    regency_code = StringField()
    mode = StringField()
    consent = BooleanField()
    accept_waitlist = BooleanField()
    website = StringField()  # the honeypot: people never see it, bots fill it

    def participant_data(self) -> dict:
        """Only the participant's own fields; anything else posted (event, status, role...) is dropped."""
        raw = {name: self[name].data or "" for name in PARTICIPANT_FIELDS if name not in ("consent", "answers")}
        raw["consent"] = bool(self.consent.data)
        return raw

    def posted_data(self, allowed) -> dict:
        """The allowed fields that were actually posted (a staff correction changes only those)."""
        return {name: self[name].data or "" for name in allowed if name in self and self[name].raw_data}


class FilterForm(_Form):
    """The participant list's search and filters (also carried by export and bulk email)."""

    q = StringField()
    field = StringField()
    status = StringField()
    mode = StringField()
    institution_type = StringField()
    province_code = StringField()

    def args(self) -> dict:
        """The filters that have a value."""
        out = {}
        for name in FILTER_FIELDS:
            value = (self[name].data or "").strip()
            if value:
                out[name] = value
        return out


class ActionForm(_Form):
    """An organizer's action on one registration."""

    action = StringField()
    reason = StringField()
    mode = StringField()
    notify = StringField(default="y")  # "n" when the organizer unticks "email the participant"


class BulkEmailForm(FilterForm):
    subject = StringField()
    body = TextAreaField()
    action = StringField()  # "send" (default), "preview" or "test" (a copy to myself)


class QuestionForm(_Form):
    label = StringField()
    help_text = StringField()
    kind = StringField()
    choices = TextAreaField()
    required = BooleanField()


class ImportForm(_Form):
    default_mode = StringField()
    token = StringField()
    filename = StringField()
    notify = BooleanField()


class ResendLinkForm(_Form):
    email = StringField()
    nip = StringField()


class ForgotLinkForm(_Form):
    """ "Lupa tautan?": the email address a participant registered with."""

    email = StringField(filters=[lambda v: (v or "").strip()])


class NameForm(_Form):
    full_name = StringField()


class ModeForm(_Form):
    mode = StringField()


class CancelForm(_Form):
    confirm = BooleanField()


class DeletionForm(_Form):
    note = TextAreaField()


class DataRequestForm(_Form):
    status = StringField()
