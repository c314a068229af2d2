"""Attendance forms for organizers (shape of input only; the rules and their messages live in services).

Fields that the services check arrive as text, so a wrong value is answered with the service's message,
and checkboxes arrive as booleans (one place for checkbox truthiness).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _code(value):
    return value.strip().replace("-", "").upper() if isinstance(value, str) else value


def _int_or_none(value):
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


class ReviewLinkForm(FlaskForm):
    """Credit a Zoom identity to a registration: chosen from a search or the candidates (id), or a typed code."""

    registration_id = StringField(filters=[_strip])
    code = StringField(filters=[_code])

    @property
    def chosen_id(self) -> int | None:
        return _int_or_none(self.registration_id.data)


class WebhookForm(FlaskForm):
    """The event's Zoom webhook: the app's secret token and the meeting ids it reports on."""

    secret_token = StringField(filters=[_strip], default="")
    meeting_ids = StringField(default="")


class RuleForm(FlaskForm):
    """The event's eligibility rule; empty numbers switch a threshold off."""

    min_session_percent = StringField(filters=[_strip], default="")
    min_sessions = StringField(filters=[_strip], default="")
    min_total_jp = StringField(filters=[_strip], default="")
    jp_minutes = StringField(filters=[_strip], default="")
    require_presensi_windows = BooleanField()
    require_evaluation = BooleanField()
    require_post_test_pass = BooleanField()

    FIELDS = ("min_session_percent", "min_sessions", "min_total_jp", "jp_minutes", "require_presensi_windows",
              "require_evaluation", "require_post_test_pass")  # fmt: skip

    def values(self) -> dict:
        """The rule as the service reads it."""
        return {name: self[name].data for name in self.FIELDS}


DECISIONS = {"eligible": True, "not_eligible": False, "clear": None}


class OverrideForm(FlaskForm):
    """An organizer's decision on one participant: eligible, not eligible, or clear; with a reason."""

    decision = StringField(filters=[_strip], default="")
    reason = StringField(default="")
    next = StringField(default="")

    def known_decision(self) -> bool:
        return self.decision.data in DECISIONS

    @property
    def chosen(self) -> bool | None:
        return DECISIONS[self.decision.data]


class PresensiWindowForm(FlaskForm):
    """Open a presensi window: now for N minutes, or between two local times."""

    session_id = StringField(filters=[_strip], default="")
    kind = StringField(filters=[_strip], default="")
    minutes = StringField(filters=[_strip], default="30")
    opens_at = StringField(filters=[_strip], default="")
    closes_at = StringField(filters=[_strip], default="")

    @property
    def session(self) -> int | None:
        return _int_or_none(self.session_id.data)

    @property
    def minutes_value(self) -> int:
        # A non-number is -1, which the service refuses with its own message.
        value = _int_or_none(self.minutes.data or "30")
        return -1 if value is None else value


class PresensiCodeForm(FlaskForm):
    """A participant's presensi: the code on screen, typed or scanned (``via=qr``)."""

    code = StringField(default="")
    via = StringField(default="")

    @property
    def method(self) -> str:
        return "qr" if self.via.data == "qr" else "typed"


class DateOrderForm(FlaskForm):
    """The organizer's answer when a Zoom report's dates read two ways: day first or month first."""

    order = RadioField(
        _l("Cara membaca tanggal"),
        choices=[SelectChoice("dmy", _l("Hari/bulan/tahun")), SelectChoice("mdy", _l("Bulan/hari/tahun"))],
        validators=[InputRequired(message=_l("Pilih cara membaca tanggal."))],
    )
