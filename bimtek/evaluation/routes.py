"""Evaluation pages: the organizer's settings and questions, and the participant's form on the manage link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_view
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.evaluation import responses, scoring, services
from bimtek.evaluation.models import EvaluationQuestion
from bimtek.extensions import db, limiter
from bimtek.i18n import format_local_input
from bimtek.nav import add_event_tab

bp = Blueprint("evaluation", __name__)
add_event_tab("evaluation.manage", _l("Evaluasi"), "manage", 60)
# Question texts come from the database: translate only the default ones (never format organizer text).
bp.add_app_template_filter(services.display_text, "question_text")


def _question(event, question_id: int) -> EvaluationQuestion:
    question = db.session.get(EvaluationQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


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
        labels={
            "section": services.SECTION_LABELS,
            "scope": services.SCOPE_LABELS,
            "kind": services.KIND_LABELS,
            "mode": services.MODE_LABELS,
        },
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
    raw = {
        "opens_at": request.form.get("opens_at", ""),
        "closes_at": request.form.get("closes_at", ""),
        "anonymous": "anonymous" in request.form,
        "intro": request.form.get("intro", ""),
    }
    try:
        if request.form.get("action") == "prepare":
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

    try:
        job = services.start_invitations(event, user=current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(url_for("evaluation.manage", event_id=event.id))
    send_invitations_task(job.id)
    flash(_("Undangan evaluasi sedang dikirim ke %(n)s peserta.", n=job.total), "success")
    return redirect(url_for("evaluation.manage", event_id=event.id) + "#undangan")


def _question_input() -> dict:
    return {
        "text": request.form.get("text", ""),
        "section": request.form.get("section", "umum"),
        "scope": request.form.get("scope", "event"),
        "kind": request.form.get("kind", "scale"),
        "mode": request.form.get("mode", ""),
        "required": "required" in request.form,
        "position": request.form.get("position", "0") or "0",
    }


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
    try:
        services.delete_question(question, user=current_user)
        db.session.commit()
        flash(_("Pertanyaan dihapus."), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("evaluation.manage", event_id=event.id) + "#pertanyaan")


# Participant side: addressed by the private manage token, never by an id. ----------------------------------


@bp.route("/r/<token>/evaluasi", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def participant_form(token: str):
    """The participant's evaluation form, reached from the private manage link."""
    reg = responses.registration_by_token(token)
    if reg is None:
        abort(404)
    event = reg.event
    settings = services.get_settings(event.id)
    now = utcnow()
    state = responses.availability(reg, settings, now)
    errors, values, status = {}, {}, 200
    if request.method == "POST" and state == "open":
        values = request.form.to_dict()
        try:
            responses.submit_response(reg, values, now=now)
            db.session.commit()
            return redirect(url_for("evaluation.participant_form", token=token, terkirim=1))
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields, err.status
            if not errors:
                flash(_(err.message), "error")
            state = responses.availability(reg, settings, now)
    elif request.method == "POST":
        status = 409
    sections = responses.build_form(event, reg.mode) if state == "open" else []
    response = responses.response_for(reg.id) if state == "done" else None
    return render_template(
        "evaluation/participant.html",
        event=event,
        reg=reg,
        settings=settings,
        state=state,
        message=responses.AVAILABILITY_MESSAGES.get(state, ""),
        sections=sections,
        errors=errors,
        values=values,
        response=response,
        scale=scoring.SCALE,
        scale_labels=scoring.SCALE_LABELS,
        just_sent=request.args.get("terkirim") == "1",
        token=token,
    ), status
