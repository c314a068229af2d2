"""Organizer pages of the pre-test and post-test: settings, question bank, import, marking and the report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_view
from bimtek.core import audit
from bimtek.core.labels import label, labels
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.learning import forms, questionsheet, report_xlsx
from bimtek.learning.models import TEST_KINDS
from bimtek.learning.services import bank, marking, results, setup
from bimtek.nav import add_event_tab

bp = Blueprint("learning_manage", __name__)
add_event_tab("learning_manage.manage", _l("Pre/Post-test"), "manage", 62)


def _settings_form(event, kind: str, test):
    form = forms.TestSettingsForm(prefix=kind)
    if test is not None and not form.is_submitted():
        form.enabled.data, form.shuffle.data = test.enabled, test.shuffle
        form.time_limit_minutes.data, form.max_attempts.data = test.time_limit_seconds // 60, test.max_attempts
        form.counting.data, form.pass_mark.data = test.counting, test.pass_mark
        form.bands.data = "\n".join(f"{b[0]:g} {b[1]}" for b in test.bands or [])
        form.opens_at.data = _local(test.opens_at, event.timezone)
        form.closes_at.data = _local(test.closes_at, event.timezone)
    elif test is None and not form.is_submitted():
        form.time_limit_minutes.data, form.max_attempts.data, form.pass_mark.data = 30, 1, 70
        form.shuffle.data = True
        form.bands.data = "86 Sangat Baik\n71 Baik\n56 Cukup\n0 Kurang"
    return form


def _local(value, tz: str):
    from zoneinfo import ZoneInfo

    from bimtek.core.time import as_utc

    return as_utc(value).astimezone(ZoneInfo(tz)).replace(tzinfo=None) if value else None


def _page(event, *, settings_forms=None, question_form=None, import_form=None, status=200):
    tests = {kind: setup.get_test(event.id, kind) for kind in TEST_KINDS}
    settings_forms = settings_forms or {}
    for kind in TEST_KINDS:
        settings_forms.setdefault(kind, _settings_form(event, kind, tests[kind]))
    return render_template(
        "learning/manage.html",
        event=event,
        tests=tests,
        windows={k: setup.window_for(event, t) for k, t in tests.items() if t is not None},
        settings_forms=settings_forms,
        questions=bank.questions(event.id),
        question_form=question_form or forms.QuestionForm.for_question(None, event.sessions, prefix="new"),
        import_form=import_form or forms.ImportForm(prefix="imp"),
        sessions={s.id: s.title for s in event.sessions},
        pending=len(marking.to_mark(event)),
        letters=forms.LETTERS,
    ), status


@bp.get("/manage/events/<int:event_id>/tes")
@login_required
@event_view("manage")
def manage(event):
    """The event's pre-test and post-test: settings, question bank, import, links to marking and the report."""
    return _page(event)


@bp.post("/manage/events/<int:event_id>/tes/<kind>/pengaturan")
@login_required
@event_view("manage")
def settings(event, kind: str):
    """Save a test's window, time limit, attempts, pass mark and predikat."""
    if kind not in TEST_KINDS:
        abort(404)
    form = _settings_form(event, kind, None)
    if not form.validate_on_submit():
        return _page(event, settings_forms={kind: form}, status=422)
    try:
        setup.update_test(event, kind, form.clean(event.timezone), user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        for name, message in err.fields.items():
            getattr(form, name).errors = [message]
        return _page(event, settings_forms={kind: form}, status=err.status)
    flash(_("Pengaturan %(test)s disimpan.", test=label("test_kind", kind)), "success")
    return redirect(url_for("learning_manage.manage", event_id=event.id) + f"#test-{kind}")


def _form_errors(form, err: DomainError) -> None:
    mapping = {"options": "option_a"}
    for name, message in err.fields.items():
        field = getattr(form, mapping.get(name, name), None)
        if field is not None:
            field.errors = [message]


@bp.post("/manage/events/<int:event_id>/tes/soal")
@login_required
@event_view("manage")
def add_question(event):
    """Add a question to the bank."""
    form = forms.QuestionForm.for_question(None, event.sessions, prefix="new")
    if not form.validate_on_submit():
        return _page(event, question_form=form, status=422)
    try:
        bank.add_question(event, form.clean(), user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        _form_errors(form, err)
        return _page(event, question_form=form, status=err.status)
    flash(_("Soal ditambahkan."), "success")
    return redirect(url_for("learning_manage.manage", event_id=event.id) + "#bank")


@bp.route("/manage/events/<int:event_id>/tes/soal/<int:question_id>", methods=["GET", "POST"])
@login_required
@event_view("manage")
def edit_question(event, question_id: int):
    """Change a question (kind and options stay once answered; a corrected key rescores)."""
    question = bank.get_question(event, question_id)
    if question is None:
        abort(404)
    form = forms.QuestionForm.for_question(question, event.sessions)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                bank.update_question(question, form.clean(), user=current_user)
                db.session.commit()
                flash(_("Soal diperbarui."), "success")
                return redirect(url_for("learning_manage.manage", event_id=event.id) + f"#q-{question.id}")
            except DomainError as err:
                db.session.rollback()
                _form_errors(form, err)
                if not err.fields:
                    flash(err.message, "error")
                status = err.status
    return render_template("learning/question.html", event=event, question=question, form=form,), status  # fmt: skip


@bp.post("/manage/events/<int:event_id>/tes/soal/<int:question_id>/hapus")
@login_required
@event_view("manage")
def delete_question(event, question_id: int):
    """Remove a question nobody has answered."""
    question = bank.get_question(event, question_id)
    if question is None:
        abort(404)
    bank.delete_question(question, user=current_user)
    db.session.commit()
    flash(_("Soal dihapus."), "success")
    return redirect(url_for("learning_manage.manage", event_id=event.id) + "#bank")


@bp.get("/manage/events/<int:event_id>/tes/templat.xlsx")
@login_required
@event_view("manage")
def template(event):
    """The XLSX template for importing questions."""
    import io

    return send_file(io.BytesIO(questionsheet.template()), as_attachment=True, download_name="templat-soal.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


@bp.post("/manage/events/<int:event_id>/tes/impor")
@login_required
@event_view("manage")
def import_questions(event):
    """Import questions from a filled-in template: all rows or none."""
    form = forms.ImportForm(prefix="imp")
    if not form.validate_on_submit():
        return _page(event, import_form=form, status=422)
    try:
        added = bank.import_questions(event, form.file.data.read(questionsheet.MAX_BYTES + 1), user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        form.file.errors = [line for line in err.message.splitlines() if line]
        return _page(event, import_form=form, status=err.status)
    flash(_("%(n)s soal diimpor.", n=len(added)), "success")
    return redirect(url_for("learning_manage.manage", event_id=event.id) + "#bank")


@bp.route("/manage/events/<int:event_id>/tes/penilaian", methods=["GET", "POST"])
@login_required
@event_view("manage")
def marking_page(event):
    """Mark short answers: points per answer (0 up to the question's weight); scores follow."""
    show_all = request.args.get("semua") == "1"
    items = marking.to_mark(event, only_pending=not show_all)
    form = forms.marks_form([i["answer"].id for i in items])
    status = 200
    if form.validate_on_submit():
        marks = {i["answer"].id: getattr(form, f"a{i['answer'].id}").data for i in items}
        try:
            n = marking.give_points(event, marks, user=current_user)
            db.session.commit()
            flash(_("%(n)s percobaan dinilai ulang.", n=n), "success")
            return redirect(url_for("learning_manage.marking_page", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
            status = err.status
    elif form.is_submitted():
        status = 422
    return render_template("learning/marking.html", event=event, items=items, form=form, show_all=show_all,), status  # fmt: skip


@bp.get("/manage/events/<int:event_id>/tes/laporan")
@login_required
@event_view("manage")
def report(event):
    """Distribution of scores, gain per instansi type and province, item analysis, and every participant."""
    data = results.report(event)
    db.session.commit()  # overdue attempts found while reading were submitted
    return render_template("learning/report.html", event=event, data=data)


@bp.get("/manage/events/<int:event_id>/tes/laporan.xlsx")
@login_required
@event_view("manage")
def report_download(event):
    """The same report as an XLSX workbook; audited."""
    import io

    data = results.report(event)
    audit.record("learning.report_export", event, event_id=event.id, actor=current_user)
    db.session.commit()
    text = {
        "institution": labels("institution_type"),
        "flag": labels("item_flag"),
        "kind": labels("test_question_kind"),
        "yes": _("Ya"),
        "no": _("Tidak"),
        "sheets": [_("Peserta"), _("Per jenis instansi"), _("Per provinsi"), _("Analisis butir"), _("Sebaran nilai")],
        "participants": [
            _("Kode"),
            _("Nama"),
            _("Jenis instansi"),
            _("Instansi"),
            _("Pre-test"),
            _("Post-test"),
            _("Gain"),
            _("Gain ternormalisasi"),
            _("Lulus"),
            _("Predikat"),
        ],
        "groups": [
            _("Kelompok"),
            _("Peserta"),
            _("Rata-rata pre-test"),
            _("Rata-rata post-test"),
            _("Rata-rata gain"),
            _("Rata-rata gain ternormalisasi"),
        ],
        "items": [
            _("Tes"),
            _("No"),
            _("Soal"),
            _("Jenis"),
            _("Dijawab"),
            _("Tingkat kesukaran"),
            _("Daya beda"),
            _("Catatan"),
        ],
        "tests": {"pre": _("Pre-test"), "post": _("Post-test")},
        "distribution": [_("Rentang nilai"), _("Pre-test"), _("Post-test")],
    }
    content = report_xlsx.build(data, text)
    return send_file(io.BytesIO(content), as_attachment=True, download_name=f"pre-post-test-{event.code}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
