"""The attendance blueprint and the loaders its page modules share."""

from __future__ import annotations

from flask import Blueprint

from bimtek.attendance.reasons import reason_text

bp = Blueprint("attendance", __name__)
bp.add_app_template_filter(reason_text, "reason")
