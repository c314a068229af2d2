"""Attendance forms: shape of input only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired


class DateOrderForm(FlaskForm):
    """The organizer's answer when a Zoom report's dates read two ways: day first or month first."""

    order = RadioField(
        _l("Cara membaca tanggal"),
        choices=[SelectChoice("dmy", _l("Hari/bulan/tahun")), SelectChoice("mdy", _l("Bulan/hari/tahun"))],
        validators=[InputRequired(message=_l("Pilih cara membaca tanggal."))],
    )
