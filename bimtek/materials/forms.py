"""Forms of the materials pages (shape of input only; the services hold the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from bimtek.i18n import lazy_choices


class MaterialForm(FlaskForm):
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])
    session_id = SelectField(_l("Sesi"), choices=[], validate_choice=False)
    release = SelectField(_l("Dibagikan ke peserta"), choices=lazy_choices("material_release"), default="after_session")
    public = BooleanField(_l("Tampilkan juga di halaman publik kegiatan"))
    file = FileField(_l("Berkas (PDF, PPTX, DOCX, XLSX)"))
    url = StringField(_l("atau tautan video (MP4, YouTube)"), validators=[Optional(), Length(max=500)])

    @classmethod
    def with_sessions(cls, sessions, material=None, **kwargs):
        """The form with the event's sessions as choices (and a material's values when editing)."""
        form = cls(obj=material, **kwargs)
        form.session_id.choices = [SelectChoice("", _l("— Seluruh kegiatan —"))] + [
            SelectChoice(str(s.id), s.title) for s in sessions
        ]
        if material is not None and not form.is_submitted():
            form.session_id.data = str(material.session_id or "")
        return form

    def clean(self) -> dict:
        return {"title": self.title.data, "session_id": self.session_id.data or None, "release": self.release.data,
                "public": self.public.data, "url": self.url.data}  # fmt: skip


class UploadLinkForm(FlaskForm):
    session_id = SelectField(_l("Sesi"), choices=[], validate_choice=False)
    label = StringField(_l("Untuk (nama narasumber)"), validators=[Optional(), Length(max=200)])


class SpeakerUploadForm(FlaskForm):
    title = StringField(_l("Judul bahan"), validators=[DataRequired(), Length(max=200)])
    file = FileField(_l("Berkas (PDF, PPTX, DOCX, XLSX)"))
    url = StringField(_l("atau tautan video (MP4, YouTube)"), validators=[Optional(), Length(max=500)])
