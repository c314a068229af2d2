"""Report forms (shape of input only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class HistoryForm(FlaskForm):
    """NIPs and emails, one or many, for a participant's history (sent in the body, never in the URL)."""

    q = TextAreaField(default="")
