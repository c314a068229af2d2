"""The evaluation blueprint, shared by the organizer's pages and the participant's form."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from bimtek.evaluation.queries import display_text
from bimtek.nav import add_event_tab

bp = Blueprint("evaluation", __name__)
add_event_tab("evaluation.manage", _l("Evaluasi"), "manage", 60)
# Question texts come from the database: translate only the default ones (never format organizer text).
bp.add_app_template_filter(display_text, "question_text")
