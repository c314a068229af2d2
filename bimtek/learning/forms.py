"""Forms of the learning pages (shape of input only; the services hold the rules)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from bimtek.core.time import as_utc
from bimtek.i18n import lazy_choices

LETTERS = "ABCDEF"


def local_to_utc(value: datetime | None, tz: str) -> datetime | None:
    """A naive local date-time from the form, in the event's zone, as aware UTC."""
    return None if value is None else as_utc(value.replace(tzinfo=ZoneInfo(tz)))


class TestSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Aktifkan tes ini untuk peserta"))
    opens_at = DateTimeLocalField(_l("Dibuka"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(lazy_pgettext("window", "Ditutup"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    time_limit_minutes = IntegerField(_l("Batas waktu (menit)"), validators=[InputRequired(), NumberRange(1, 600)])
    max_attempts = IntegerField(_l("Jumlah kesempatan"), validators=[InputRequired(), NumberRange(1, 20)])
    counting = SelectField(_l("Nilai yang dihitung"), choices=lazy_choices("test_counting"))
    shuffle = BooleanField(_l("Acak urutan soal dan pilihan per peserta"))
    pass_mark = FloatField(_l("Nilai lulus (0–100)"), validators=[InputRequired(), NumberRange(0, 100)])
    bands = TextAreaField(_l("Predikat (satu per baris: nilai minimum lalu nama)"), validators=[Length(max=1000)])

    def clean(self, tz: str) -> dict:
        """Values for services.setup.update_test."""
        data = {name: getattr(self, name).data for name in ("enabled", "time_limit_minutes", "max_attempts",
                                                             "counting", "shuffle", "pass_mark", "bands")}  # fmt: skip
        data["opens_at"] = local_to_utc(self.opens_at.data, tz)
        data["closes_at"] = local_to_utc(self.closes_at.data, tz)
        return data


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Jenis soal"), choices=lazy_choices("test_question_kind"))
    text = TextAreaField(_l("Pertanyaan"), validators=[DataRequired(), Length(max=2000)])
    option_a = StringField(_l("Pilihan A"), validators=[Length(max=500)])
    option_b = StringField(_l("Pilihan B"), validators=[Length(max=500)])
    option_c = StringField(_l("Pilihan C"), validators=[Length(max=500)])
    option_d = StringField(_l("Pilihan D"), validators=[Length(max=500)])
    option_e = StringField(_l("Pilihan E"), validators=[Length(max=500)])
    option_f = StringField(_l("Pilihan F"), validators=[Length(max=500)])
    correct = StringField(_l("Kunci jawaban (huruf A–F, atau Benar/Salah)"), validators=[Length(max=10)])
    weight = FloatField(_l("Bobot"), default=1.0, validators=[Optional()])
    scope = SelectField(_l("Dipakai di"), choices=lazy_choices("test_question_scope"))
    session_id = SelectField(_l("Sesi (opsional)"), choices=[], validate_choice=False)
    guidance = TextAreaField(_l("Pedoman penilaian (untuk isian, hanya panitia)"), validators=[Length(max=2000)])

    def clean(self) -> dict:
        """Raw question fields for services.bank (letters become option indexes)."""
        options = [getattr(self, f"option_{c.lower()}").data or "" for c in LETTERS]
        key = (self.correct.data or "").strip()
        correct: object = key
        if self.kind.data == "choice":
            # Blank options are dropped, so the letter counts only filled options before it.
            letter = key.upper()
            if len(letter) == 1 and letter in LETTERS and options[LETTERS.index(letter)].strip():
                correct = sum(1 for o in options[: LETTERS.index(letter)] if o.strip())
            else:
                correct = None
        return {
            "kind": self.kind.data,
            "text": self.text.data,
            "options": options,
            "correct": correct,
            "weight": self.weight.data,
            "scope": self.scope.data,
            "session_id": self.session_id.data or None,
            "guidance": self.guidance.data,
        }

    @classmethod
    def for_question(cls, question, sessions, **kwargs):
        """The form filled with a question's values (or empty), with the event's sessions as choices."""
        form = cls(**kwargs)
        form.session_id.choices = [SelectChoice("", _l("— Semua sesi —"))] + [
            SelectChoice(str(s.id), s.title) for s in sessions
        ]
        if question is not None and not form.is_submitted():
            form.kind.data, form.text.data, form.scope.data = question.kind, question.text, question.scope
            form.weight.data, form.guidance.data = question.weight, question.guidance
            form.session_id.data = str(question.session_id or "")
            for i, option in enumerate(question.options or []):
                getattr(form, f"option_{LETTERS[i].lower()}").data = option
            if question.kind == "choice" and question.correct is not None:
                form.correct.data = LETTERS[int(question.correct)]
            elif question.kind == "truefalse":
                form.correct.data = "Benar" if question.correct else "Salah"
        return form


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas XLSX dari templat"), validators=[FileRequired()])


def answers_form(question_ids):
    """A form with one optional text field per question of an attempt (named q<id>), for saving without JS."""

    class AnswersForm(FlaskForm):
        auto = HiddenField()  # "1" when the page's script submits at the time limit

    for qid in question_ids:
        setattr(AnswersForm, f"q{qid}", StringField(validators=[Optional(), Length(max=2000)]))
    return AnswersForm()


def answers_from(form, question_ids) -> dict[int, str]:
    """{question id: value} of the fields that were sent."""
    return {qid: getattr(form, f"q{qid}").data for qid in question_ids if getattr(form, f"q{qid}").raw_data}


def marks_form(answer_ids):
    """A form with one optional points field per short answer (named a<id>)."""

    class MarksForm(FlaskForm):
        pass

    for aid in answer_ids:
        setattr(MarksForm, f"a{aid}", StringField(validators=[Optional(), Length(max=10)]))
    return MarksForm()
