"""Check-in forms (shape of input only; the rules live in services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UndoForm(FlaskForm):
    """An organizer's undo of one admit, with an optional reason (kept in the audit log)."""

    reason = StringField(filters=[_strip], default="")


# The registration fields a desk walk-in form sends; the registration service validates them.
WALKIN_FIELDS = ("full_name", "email", "phone", "employment_status", "nip", "rank", "position", "institution_type",
                 "institution_name", "work_unit", "province_code", "regency_code")  # fmt: skip


class WalkInForm(FlaskForm):
    """Register someone at the desk and admit them: the registration fields, consent, session and gate."""

    full_name = StringField(default="")
    email = StringField(default="")
    phone = StringField(default="")
    employment_status = StringField(default="")
    nip = StringField(default="")
    rank = StringField(default="")
    position = StringField(default="")
    institution_type = StringField(default="")
    institution_name = StringField(default="")
    work_unit = StringField(default="")
    province_code = StringField(default="")
    regency_code = StringField(default="")
    consent = StringField()
    session_id = StringField(filters=[_strip], default="")
    gate = StringField(default="")

    def participant(self) -> dict:
        """The registration fields as the registration service reads them."""
        values = {name: self[name].data or "" for name in WALKIN_FIELDS}
        values["consent"] = self.consent.data
        # One grouped kabupaten/kota list on the desk form: the province follows from the regency code.
        values["province_code"] = values["regency_code"].split(".")[0]
        return values

    @property
    def session(self) -> int | None:
        value = self.session_id.data
        return int(value) if isinstance(value, str) and value.isdigit() else None
