"""The participant's pre-test and post-test, on the private manage link (/r/<token>/tes), phone first."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db, limiter
from bimtek.learning import forms
from bimtek.learning.models import TEST_KINDS
from bimtek.learning.services import attempts, setup

bp = Blueprint("learning", __name__)


def _participant(token: str):
    reg = attempts.registration_by_token(token)
    if reg is None:
        abort(404)
    return reg


def _test(reg, kind: str):
    if kind not in TEST_KINDS:
        abort(404)
    return setup.get_test(reg.event_id, kind)


@bp.get("/r/<token>/tes")
def overview(token: str):
    """Both tests of the participant's event: whether they are open, and the scores so far."""
    reg = _participant(token)
    event, now = reg.event, utcnow()
    cards = []
    for kind in TEST_KINDS:
        test = setup.get_test(event.id, kind)
        state = attempts.state_for(event, test, reg, now)
        cards.append(
            {
                "kind": kind,
                "test": test,
                "state": state,
                "window": setup.window_for(event, test) if test else None,
                "attempts": [a for a in attempts.attempts_of(test, reg.id) if a.submitted_at] if test else [],
            }
        )
    db.session.commit()  # an overdue attempt found here was just submitted
    return render_template("learning/overview.html", event=event, reg=reg, cards=cards, token=token,)  # fmt: skip


@bp.post("/r/<token>/tes/<kind>/mulai")
@limiter.limit("20 per minute")
def start(token: str, kind: str):
    """Start an attempt (or continue the one in progress)."""
    reg = _participant(token)
    test = _test(reg, kind)
    if test is None:
        abort(404)
    attempts.start(reg.event, test, reg)
    db.session.commit()
    return redirect(url_for("learning.take", token=token, kind=kind))


@bp.get("/r/<token>/tes/<kind>")
def take(token: str, kind: str):
    """The attempt in progress: questions in the participant's order, saved answers, the time left."""
    reg = _participant(token)
    test = _test(reg, kind)
    now = utcnow()
    attempt = attempts.open_attempt(test, reg.id, now) if test else None
    if attempt is None:
        db.session.commit()
        return redirect(url_for("learning.overview", token=token))
    view = attempts.participant_view(attempt, now)
    resp = render_template("learning/take.html", event=reg.event, reg=reg, test=test, view=view, token=token,
                           kind=kind)  # fmt: skip
    return resp, 200, {"Cache-Control": "no-store"}


@bp.post("/r/<token>/tes/<kind>/simpan")
@limiter.limit("240 per minute")
def save(token: str, kind: str):
    """Autosave: {"answers": {question id: value}} from the page's script; JSON in, JSON out."""
    reg = _participant(token)
    test = _test(reg, kind)
    body = request.get_json(silent=True)
    answers = body.get("answers") if isinstance(body, dict) else None
    if test is None or not isinstance(answers, dict):
        return jsonify({"error": "malformed", "message": _("Isi permintaan tidak valid.")}), 400
    now = utcnow()
    attempt = attempts.unsubmitted(test, reg.id)
    if attempt is None:
        return jsonify({"error": "submitted", "message": _("Tes ini sudah dikirim."),
                        "next": url_for("learning.overview", token=token)}), 409  # fmt: skip
    try:
        saved_at = attempts.save_answers(attempt, answers, now=now)
        db.session.commit()
    except DomainError as err:
        db.session.commit() if err.code == "time_up" else db.session.rollback()
        return jsonify({"error": err.code, "message": err.message,
                        "next": url_for("learning.overview", token=token)}), err.status  # fmt: skip
    left = max(0, int((as_utc(attempt.deadline_at) - saved_at).total_seconds()))
    return jsonify({"saved_at": saved_at.isoformat(), "saved": sorted(answers), "seconds_left": left})


@bp.post("/r/<token>/tes/<kind>/kirim")
@limiter.limit("20 per minute")
def submit(token: str, kind: str):
    """Save the answers on the page and submit the attempt (also the script's submission at the time limit)."""
    reg = _participant(token)
    test = _test(reg, kind)
    now = utcnow()
    attempt = attempts.open_attempt(test, reg.id, now) if test else None
    if attempt is None:
        db.session.commit()
        flash(_("Waktu habis: jawaban yang sudah tersimpan telah dikirim."), "info")
        return redirect(url_for("learning.overview", token=token))
    ids = [int(i) for i in attempt.layout.get("questions", [])]
    form = forms.answers_form(ids)
    if not form.validate_on_submit():
        abort(400)
    try:
        attempts.save_answers(attempt, forms.answers_from(form, ids), now=now)
        attempts.submit(attempt, now=now, automatic=form.auto.data == "1", actor=f"participant:{reg.code}")
        db.session.commit()
    except DomainError as err:
        db.session.commit() if err.code == "time_up" else db.session.rollback()
        flash(err.message, "error")
    return redirect(url_for("learning.overview", token=token, selesai=kind))


@bp.post("/r/<token>/tes/<kind>/simpan-halaman")
@limiter.limit("60 per minute")
def take_save(token: str, kind: str):
    """Save the answers on the page without submitting (the "Simpan" button when the script does not run)."""
    reg = _participant(token)
    test = _test(reg, kind)
    now = utcnow()
    attempt = attempts.open_attempt(test, reg.id, now) if test else None
    if attempt is None:
        db.session.commit()
        return redirect(url_for("learning.overview", token=token))
    ids = [int(i) for i in attempt.layout.get("questions", [])]
    form = forms.answers_form(ids)
    if not form.validate_on_submit():
        abort(400)
    try:
        attempts.save_answers(attempt, forms.answers_from(form, ids), now=now)
        db.session.commit()
        flash(_("Jawaban tersimpan."), "success")
    except DomainError as err:
        db.session.commit() if err.code == "time_up" else db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("learning.overview", token=token))
    return redirect(url_for("learning.take", token=token, kind=kind))
