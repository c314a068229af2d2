"""Evaluation pages for organizers: settings, questions, invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts.access import event_object, event_view
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.evaluation import responses, services
from bimtek.evaluation.blueprint import bp
from bimtek.evaluation.forms import QuestionForm, SettingsForm
from bimtek.evaluation.models import EvaluationQuestion
from bimtek.extensions import db
from bimtek.i18n import format_local_input


def _question(event, question_id: int) -> EvaluationQuestion:
    return event_object(EvaluationQuestion, question_id, event)


def _manage_page(event, *, errors=None, values=None, question_errors=None, status=200):
    settings = services.get_settings(event.id)
    qs = services.questions(event.id)
    if values is None:
        values = {
            "opens_at": format_local_input(settings.opens_at, event.timezone) if settings else "",
            "closes_at": format_local_input(settings.closes_at, event.timezone) if settings else "",
            "anonymous": settings.anonymous if settings else True,
            "intro": settings.intro if settings else "",
        }
    return render_template(
        "evaluation/manage.html",
        event=event,
        settings=settings,
        questions=qs,
        values=values,
        errors=errors or {},
        question_errors=question_errors or {},
        done=len(services.evaluations_done(event.id)) if settings else 0,
        invitations=services.invitation_counts(event.id) if settings else None,
        is_open=bool(settings and settings.is_open(utcnow())),
        state=settings.state(utcnow()) if settings else "unscheduled",
        preview=responses.build_form(event, None, qs) if qs else [],
    ), status


@bp.get("/manage/events/<int:event_id>/evaluasi")
@login_required
@event_view("manage")
def manage(event):
    """The event's evaluation: when it opens, anonymity, and its questions."""
    return _manage_page(event)


@bp.post("/manage/events/<int:event_id>/evaluasi")
@login_required
@event_view("manage")
def manage_settings(event):
    """Prepare the evaluation (default questions) or change when it opens and closes."""
    form = SettingsForm()
    raw = form.values()
    try:
        if form.action.data == "prepare":
            services.ensure_evaluation(event)
            flash(_("Evaluasi disiapkan dengan pertanyaan bawaan. Atur waktu pembukaannya."), "success")
        else:
            services.update_settings(event, raw, user=current_user)
            flash(_("Pengaturan evaluasi disimpan."), "success")
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        return _manage_page(event, errors=err.fields, values=raw, status=422)
    return redirect(url_for("evaluation.manage", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/evaluasi/undangan")
@login_required
@event_view("manage")
def send_invitations(event):
    """Email the evaluation link to confirmed participants who have not answered or been invited yet."""
    from bimtek.evaluation.tasks import send_invitations_task

    job = services.start_invitations(event, user=current_user)
    db.session.commit()
    send_invitations_task(job.id)
    flash(_("Undangan evaluasi sedang dikirim ke %(n)s peserta.", n=job.total), "success")
    return redirect(url_for("evaluation.manage", event_id=event.id) + "#undangan")


def _question_input() -> dict:
    return QuestionForm().values()


@bp.post("/manage/events/<int:event_id>/evaluasi/pertanyaan")
@login_required
@event_view("manage")
def add_question(event):
    """Add a question."""
    try:
        services.add_question(event, _question_input(), user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        return _manage_page(event, question_errors={"new": err.fields or {"text": err.message}}, status=422)
    flash(_("Pertanyaan ditambahkan."), "success")
    return redirect(url_for("evaluation.manage", event_id=event.id) + "#pertanyaan")


@bp.post("/manage/events/<int:event_id>/evaluasi/pertanyaan/<int:question_id>")
@login_required
@event_view("manage")
def edit_question(event, question_id: int):
    """Change a question's text, section, scope, kind, audience, order or whether it is required."""
    question = _question(event, question_id)
    try:
        services.update_question(question, _question_input(), user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        return _manage_page(event, question_errors={question_id: err.fields or {"text": err.message}}, status=422)
    flash(_("Pertanyaan diperbarui."), "success")
    return redirect(url_for("evaluation.manage", event_id=event.id) + f"#q-{question_id}")


@bp.post("/manage/events/<int:event_id>/evaluasi/pertanyaan/<int:question_id>/hapus")
@login_required
@event_view("manage")
def delete_question(event, question_id: int):
    """Remove a question nobody has answered."""
    question = _question(event, question_id)
    services.delete_question(question, user=current_user)
    db.session.commit()
    flash(_("Pertanyaan dihapus."), "success")
    return redirect(url_for("evaluation.manage", event_id=event.id) + "#pertanyaan")
