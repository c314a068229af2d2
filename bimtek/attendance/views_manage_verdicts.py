"""Eligibility pages: the rule, recomputation, the attendance matrix, exports and overrides."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts.access import event_object, event_view
from bimtek.attendance import exports, verdicts
from bimtek.attendance.blueprint import bp
from bimtek.attendance.forms import OverrideForm, RuleForm
from bimtek.core import audit
from bimtek.core.pages import Page
from bimtek.core.time import utcnow
from bimtek.core.urls import safe_next
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.learning import queries as learning_queries
from bimtek.registration.models import Registration


@bp.route("/manage/events/<int:event_id>/attendance/rule", methods=["GET", "POST"])
@login_required
@event_view("manage")
def rule(event):
    """The event's eligibility rule."""
    errors, values = {}, verdicts.rule_json(verdicts.get_rule(event)) or {"jp_minutes": event.jp_minutes}
    if request.method == "POST":
        values = RuleForm().values()
        try:
            verdicts.save_rule(event, values, user=current_user)
            summary = verdicts.compute_verdicts(event, user=current_user)
            db.session.commit()
            flash(
                _(
                    "Syarat disimpan. %(e)s dari %(n)s peserta memenuhi syarat.",
                    e=summary["eligible"],
                    n=summary["evaluated"],
                ),
                "success",
            )
            return redirect(url_for("attendance.matrix", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields
    post_test = learning_queries.has_post_test(event)
    page = render_template("attendance/rule.html", event=event, values=values, errors=errors, post_test=post_test)
    return page, (422 if errors else 200)


@bp.post("/manage/events/<int:event_id>/attendance/verdicts")
@login_required
@event_view("manage")
def compute(event):
    """Evaluate every participant again with the current attendance."""
    summary = verdicts.compute_verdicts(event, user=current_user)
    db.session.commit()
    flash(_("%(e)s dari %(n)s peserta memenuhi syarat.", e=summary["eligible"], n=summary["evaluated"]), "success")
    return redirect(url_for("attendance.matrix", event_id=event.id))


def _matrix_args() -> dict:
    verdict = request.args.get("verdict", "all")
    return {
        "mode": request.args.get("mode", ""),
        "verdict_filter": verdict if verdict in verdicts.FILTERS else "all",
        "query": request.args.get("q", "")[:100],
    }


@bp.get("/manage/events/<int:event_id>/attendance/matrix")
@login_required
@event_view("manage")
def matrix(event):
    """Participants × sessions with minutes and sources, verdicts and overrides."""
    args = _matrix_args()
    rows = verdicts.matrix(event, **args)
    found = Page.of_list(rows, page=request.args.get("page", 1, type=int) or 1, per_page=100)
    return render_template(
        "attendance/matrix.html",
        event=event,
        rows=found.items,
        total=found.total,
        found=found,
        args=args,
        rule=verdicts.get_rule(event),
        last_computed=verdicts.last_computed(event),
    )


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/manage/events/<int:event_id>/attendance/matrix.xlsx")
@login_required
@event_view("manage")
def matrix_export(event):
    """The filtered matrix as XLSX (export of personal data: audited)."""
    rows = verdicts.matrix(event, **_matrix_args())
    audit.record("attendance.matrix_exported", event, event_id=event.id, details={"rows": len(rows)})
    db.session.commit()
    return _download(exports.matrix_xlsx(event, rows), f"kehadiran-{event.slug}.xlsx", XLSX)


@bp.get("/manage/events/<int:event_id>/attendance/annex.<fmt>")
@login_required
@event_view("manage")
def annex(event, fmt: str):
    """Daftar hadir daring (online participants) for the SPJ file, as XLSX or PDF."""
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    rows = verdicts.matrix(event, mode="online")
    audit.record("attendance.annex_exported", event, event_id=event.id, details={"rows": len(rows), "format": fmt})
    db.session.commit()
    now = utcnow()
    if fmt == "pdf":
        return _download(
            exports.annex_pdf(event, rows, now), f"daftar-hadir-daring-{event.slug}.pdf", "application/pdf"
        )
    return _download(exports.annex_xlsx(event, rows, now), f"daftar-hadir-daring-{event.slug}.xlsx", XLSX)


@bp.post("/manage/events/<int:event_id>/attendance/verdicts/<int:registration_id>/override")
@login_required
@event_view("manage")
def override(event, registration_id: int):
    """Set or clear the organizer's decision on one participant, with a reason."""
    reg = event_object(Registration, registration_id, event)
    form = OverrideForm()
    if not form.known_decision():
        abort(400)
    verdicts.override_verdict(reg, form.chosen, form.reason.data or "", user=current_user)
    db.session.commit()
    flash(_("Keputusan untuk %(name)s disimpan.", name=reg.full_name), "success")
    return redirect(safe_next(form.next.data, url_for("attendance.matrix", event_id=event.id)))
