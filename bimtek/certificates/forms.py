"""Certificate forms: shape of input only (the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from bimtek.certificates.models import TEMPLATES
from bimtek.certificates.pdf.model import TEMPLATE_FIELDS, TEMPLATE_GRAPHIC_FIELDS
from bimtek.certificates.services.jobs import ISSUE_SCOPES

SETTINGS_FIELDS = ("number_pattern", "series_code", "signatory_name", "signatory_nip", "signatory_title",
                   "issue_place", "issue_date", "template", "print_outcome", "layout")  # fmt: skip
OUTCOME_CHOICES = ("none", "score", "predikat")
LAYOUT_INPUTS = ("x_mm", "y_mm", "width_mm", "size_pt", "font", "align", "color", "max_lines")
GRAPHIC_INPUTS = ("x_mm", "y_mm", "width_mm")


class IssueForm(FlaskForm):
    """Start issuing: everyone eligible, some participants, the speakers or panitia by name."""

    scope = SelectField(choices=[SelectChoice(s, s) for s in ISSUE_SCOPES], default="eligible")
    registration_id = SelectMultipleField(coerce=int, validate_choice=False)
    names = TextAreaField(validators=[Optional(), Length(max=20000)])
    notify = BooleanField()
    early_issue_reason = TextAreaField(_l("Alasan menerbitkan sebelum kegiatan berakhir"), validators=[Optional()])

    def service_input(self) -> dict:
        """The form as the issue service takes it."""
        return {
            "scope": self.scope.data,
            "registration_ids": self.registration_id.data or [],
            "names": self.names.data or "",
            "notify": bool(self.notify.data),
            "early_issue_reason": self.early_issue_reason.data or "",
        }


class RevokeForm(FlaskForm):
    """Revoke with a reason (the service requires it and limits its length)."""

    reason = TextAreaField()
    next = HiddenField()


class ReissueForm(FlaskForm):
    """Re-issue, optionally with a corrected name."""

    name = StringField()


class ImageForm(FlaskForm):
    """Upload or remove the signature, logo or background image (checked by content in the service)."""

    image = FileField()
    remove = HiddenField()


class TteImportForm(FlaskForm):
    """Signed PDFs (or ZIPs of them) coming back from the TTE application."""

    files = MultipleFileField()


class SettingsForm(FlaskForm):
    """Numbering, signatory, issue place/date, design, and the field layout (JSON or the mm table).

    The layout table posts one row per field: ``lf-<field>-on`` and ``lf-<field>-<key>``. It is read
    here, from the form's own data, so no view parses request.form.
    """

    number_pattern = StringField()
    series_code = StringField()
    signatory_name = StringField()
    signatory_nip = StringField()
    signatory_title = StringField()
    issue_place = StringField()
    issue_date = StringField()
    template = SelectField(choices=[SelectChoice(t, t) for t in TEMPLATES], validate_choice=False)
    back_page = BooleanField()
    print_outcome = SelectField(choices=[SelectChoice(k, k) for k in OUTCOME_CHOICES], validate_choice=False)
    layout = TextAreaField()
    layout_table = HiddenField()

    def layout_from_table(self) -> dict | None:
        """The mm table as a layout dict, or None when the table was not posted."""
        data = self._raw
        if data is None or "layout_table" not in data:
            return None
        layout = {}
        for name in sorted(TEMPLATE_FIELDS):
            if f"lf-{name}-on" not in data:
                continue
            keys = GRAPHIC_INPUTS if name in TEMPLATE_GRAPHIC_FIELDS else LAYOUT_INPUTS
            values = {k: data.get(f"lf-{name}-{k}", "").strip() for k in keys}
            layout[name] = {k: v for k, v in values.items() if v}
        return layout

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Keep the raw form data for the layout table's dynamic rows."""
        self._raw = self.meta.wrap_formdata(self, formdata)
        super().process(self._raw, obj, data, extra_filters, **kwargs)

    def service_input(self) -> dict:
        """The posted settings as the settings service takes them (only fields present in the post)."""
        raw = {name: getattr(self, name).data or "" for name in SETTINGS_FIELDS if name in (self._raw or {})}
        table = self.layout_from_table()
        if table is not None:
            raw["layout"] = table
        raw["back_page"] = bool(self.back_page.data)
        return raw
