"""Forms of the reminders pages (shape of input only; services.update_reminder holds the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField


class ReminderForm(FlaskForm):
    enabled = BooleanField(_l("Aktif: kirim pengingat ini"))
    send_time = StringField(_l("Jam kirim (waktu setempat kegiatan)"))
    subject = StringField(_l("Subjek email"))
    body = TextAreaField(_l("Isi email"), render_kw={"rows": 8})
    wa_text = TextAreaField(_l("Pesan WhatsApp (singkat: nama dan tautan pribadi saja)"), render_kw={"rows": 3})

    def clean(self) -> dict:
        return {name: getattr(self, name).data for name in ("enabled", "send_time", "subject", "body", "wa_text")}
