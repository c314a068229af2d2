"""The laporan narrative form (shape of input only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

_LIMIT = [Optional(), Length(max=20_000)]


class NarrativeForm(FlaskForm):
    basis = TextAreaField(_l("Dasar pelaksanaan"), validators=_LIMIT)
    background = TextAreaField(_l("Latar belakang"), validators=_LIMIT)
    purpose = TextAreaField(_l("Maksud dan tujuan"), validators=_LIMIT)
    participants = TextAreaField(_l("Peserta"), validators=_LIMIT)
    results = TextAreaField(_l("Hasil kegiatan"), validators=_LIMIT)
    conclusions = TextAreaField(_l("Kesimpulan dan saran"), validators=_LIMIT)
    closing = TextAreaField(_l("Penutup"), validators=_LIMIT)
