"""The events blueprint and every URL it serves, listed in one place (create_app registers `bp`)."""

from flask import Blueprint

from bimtek.events import views_manage as manage
from bimtek.events import views_public as public

bp = Blueprint("events", __name__)

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
URLS = (
    ("/", public.public_list, GET),
    ("/e/<slug>", public.public_detail, GET),
    ("/manage/events", manage.manage_list, GET),  # first: url_for builds this one
    ("/manage", manage.manage_list, GET),
    ("/manage/events/new", manage.manage_new, BOTH),
    ("/manage/events/<int:event_id>", manage.manage_detail, GET),
    ("/manage/events/<int:event_id>/edit", manage.manage_edit, BOTH),
    ("/manage/events/<int:event_id>/status", manage.manage_status, POST),
    ("/manage/events/<int:event_id>/copy", manage.manage_copy, POST),
    ("/manage/events/<int:event_id>/sessions", manage.manage_add_session, POST),
    ("/manage/events/<int:event_id>/sessions/<int:session_id>", manage.manage_edit_session, BOTH),
    ("/manage/events/<int:event_id>/sessions/<int:session_id>/delete", manage.manage_delete_session, POST),
)
for _rule, _view, _methods in URLS:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
