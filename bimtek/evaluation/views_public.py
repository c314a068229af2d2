"""The participant's evaluation form, addressed by the private manage token, never by an id."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.evaluation import responses, scoring, services
from bimtek.evaluation.blueprint import bp
from bimtek.extensions import db, limiter


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
        just_sent=request.args.get("terkirim") == "1",
        token=token,
    ), status
