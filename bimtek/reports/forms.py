"""Report forms (shape of input only): a participant's history and the laporan's narrative."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

_LIMIT = [Optional(), Length(max=20_000)]


class HistoryForm(FlaskForm):
    """NIPs and emails, one or many, for a participant's history (sent in the body, never in the URL)."""

    q = TextAreaField(default="")


class NarrativeForm(FlaskForm):
    """The narrative parts of the laporan kegiatan, written by the organizer."""

    basis = TextAreaField(_l("Dasar pelaksanaan"), validators=_LIMIT)
    background = TextAreaField(_l("Latar belakang"), validators=_LIMIT)
    purpose = TextAreaField(_l("Maksud dan tujuan"), validators=_LIMIT)
    participants = TextAreaField(_l("Peserta"), validators=_LIMIT)
    results = TextAreaField(_l("Hasil kegiatan"), validators=_LIMIT)
    conclusions = TextAreaField(_l("Kesimpulan dan saran"), validators=_LIMIT)
    closing = TextAreaField(_l("Penutup"), validators=_LIMIT)
