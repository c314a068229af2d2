"""Evaluation forms for organizers (shape of input only; the services check the values and word the errors).

The participant's own form is built per event from its questions and read by the service as a whole.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField


class SettingsForm(FlaskForm):
    """When the evaluation opens and closes, anonymity, the intro; or "prepare" it with default questions."""

    opens_at = StringField(default="")
    closes_at = StringField(default="")
    anonymous = BooleanField()
    intro = TextAreaField(default="")
    action = StringField(default="")

    def values(self) -> dict:
        return {
            "opens_at": self.opens_at.data or "",
            "closes_at": self.closes_at.data or "",
            "anonymous": self.anonymous.data,
            "intro": self.intro.data or "",
        }


class QuestionForm(FlaskForm):
    """One question of the evaluation."""

    text = TextAreaField(default="")
    section = StringField(default="umum")
    scope = StringField(default="event")
    kind = StringField(default="scale")
    mode = StringField(default="")
    required = BooleanField()
    position = StringField(default="0")

    def values(self) -> dict:
        return {
            "text": self.text.data or "",
            "section": self.section.data if self.section.raw_data else "umum",
            "scope": self.scope.data if self.scope.raw_data else "event",
            "kind": self.kind.data if self.kind.raw_data else "scale",
            "mode": self.mode.data or "",
            "required": self.required.data,
            "position": self.position.data or "0",
        }
