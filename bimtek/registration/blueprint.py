"""The registration blueprint and every URL it serves, listed in one place.

Views are plain functions in views_public.py (participants and the public) and views_manage.py /
views_manage_tools.py (organizers); the JSON API lives in api.py on the API blueprint. create_app
registers `bp` from here.
"""

from flask import Blueprint

from bimtek.registration import views_manage as manage
from bimtek.registration import views_manage_tools as tools
from bimtek.registration import views_public as public

bp = Blueprint("registration", __name__)

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
URLS = (
    # Public: the form, a lost manage link, the region lookup.
    ("/e/<slug>/daftar", public.register, BOTH),
    ("/e/<slug>/kirim-tautan", public.resend_link, POST),
    ("/lupa-tautan", public.forgot_link, BOTH),
    ("/regions/<code>.json", public.regions_json, GET),
    # The participant's private manage link.
    ("/r/<token>", public.manage, GET),
    ("/r/<token>/qr.<fmt>", public.ticket_qr, GET),
    ("/r/<token>/tiket.pdf", public.ticket_pdf, GET),
    ("/r/<token>/kegiatan.ics", public.calendar, GET),
    ("/r/<token>/nama", public.change_name, POST),
    ("/r/<token>/mode", public.change_mode, POST),
    ("/r/<token>/batal", public.cancel, POST),
    ("/r/<token>/tiket-baru", public.reissue, POST),
    ("/r/<token>/data.json", public.my_data, GET),
    ("/r/<token>/hapus", public.request_deletion, POST),
    ("/r/<token>/berkas/<int:question_id>", public.my_file, GET),
    # Organizers: the list, one participant, actions.
    ("/manage/events/<int:event_id>/participants", manage.participants, BOTH),
    ("/manage/events/<int:event_id>/participants/new", manage.add_participant, BOTH),
    ("/manage/registrations/<int:registration_id>", manage.detail, GET),
    ("/manage/registrations/<int:registration_id>/action", manage.action, POST),
    ("/manage/registrations/<int:registration_id>/edit", manage.edit, POST),
    ("/manage/data-requests/<int:request_id>", manage.close_request, POST),
    # Organizers: export, import, bulk email, extra questions, uploaded files.
    ("/manage/events/<int:event_id>/participants/export", tools.export, GET),
    ("/manage/events/<int:event_id>/participants/import", tools.import_participants, BOTH),
    ("/manage/events/<int:event_id>/participants/import/confirm", tools.import_confirm, POST),
    ("/manage/events/<int:event_id>/participants/import/template.xlsx", tools.import_template, GET),
    ("/manage/events/<int:event_id>/participants/email", tools.bulk_email, BOTH),
    ("/manage/events/<int:event_id>/jobs/<int:job_id>", tools.job_progress, GET),
    ("/manage/events/<int:event_id>/questions", tools.questions, BOTH),
    ("/manage/events/<int:event_id>/questions/<int:question_id>/delete", tools.delete_question, POST),
    ("/manage/registrations/<int:registration_id>/files/<int:question_id>", tools.answer_file, GET),
)
for _rule, _view, _methods in URLS:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
