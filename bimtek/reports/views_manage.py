"""Report pages: an event's dashboard and its PDF and XLSX files; a participant's history for admins."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_view, require_role
from bimtek.core import audit
from bimtek.errors import DomainError
from bimtek.evaluation import queries as evaluation
from bimtek.extensions import db
from bimtek.nav import add_event_tab
from bimtek.reports import dashboard, documents, services, views_narrative, xlsx
from bimtek.reports.forms import HistoryForm

bp = Blueprint("reports", __name__)
add_event_tab("reports.dashboard", _l("Laporan"), "manage", 80)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(event, ext: str) -> str:
    base = re.sub(r"[^A-Za-z0-9-]+", "-", f"laporan-{event.code}-{event.starts_at:%Y%m%d}").strip("-").lower()
    return f"{base}.{ext}"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    resp = Response(data, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@bp.get("/manage/events/<int:event_id>/laporan", endpoint="dashboard")
@login_required
@event_view("manage")
def dashboard_page(event):
    """The event's report: registrations, reach, modes, attendance, evaluation, in charts and tables."""
    report = services.event_report(event)
    return render_template(
        "reports/dashboard.html",
        event=event,
        report=report,
        charts=dashboard.build(report),
        status_order=dashboard.STATUS_ORDER,
        generated_at=datetime.fromisoformat(report["generated_at"]),  # shown in the event's zone (WIB/WITA/WIT)
    )


@bp.get("/manage/events/<int:event_id>/laporan.pdf")
@login_required
@event_view("manage")
def report_pdf(event):
    """The printable laporan kegiatan."""
    data = documents.laporan_pdf(event)
    audit.record("report.pdf", event, event_id=event.id, details={"bytes": len(data)})
    db.session.commit()
    return _download(data, "application/pdf", _filename(event, "pdf"))


@bp.get("/manage/events/<int:event_id>/laporan.xlsx")
@login_required
@event_view("manage")
def report_xlsx(event):
    """The report's tables as a workbook."""
    report = services.event_report(event, comment_limit=None)
    data = xlsx.event_workbook(report, responses=evaluation.response_matrix(event))
    audit.record("report.xlsx", event, event_id=event.id, details={"bytes": len(data)})
    db.session.commit()
    return _download(data, XLSX_TYPE, _filename(event, "xlsx"))


# The laporan's narrative (Laporan tab) and its editable DOCX.
bp.add_url_rule(
    "/manage/events/<int:event_id>/laporan/narasi",
    "narrative",
    login_required(event_view("manage")(views_narrative.narrative_page)),
    methods=["GET", "POST"],
)
bp.add_url_rule("/manage/events/<int:event_id>/laporan.docx", "report_docx",
                login_required(event_view("manage")(views_narrative.report_docx)))  # fmt: skip


# NIPs and emails travel in the POST body, never in the URL, so they stay out of access logs and history.
@bp.route("/manage/laporan/peserta", methods=["GET", "POST"])
@login_required
@require_role("admin")
def history():
    """A participant's history across events by NIP or email (one or many), for admins."""
    q = (HistoryForm().q.data or "") if request.method == "POST" else ""
    people, errors, status = [], {}, 200
    if q.strip():
        try:
            people = services.participant_history(services.parse_keys(q), user=current_user)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields or {"q": err.message}, err.status
    return render_template(
        "reports/history.html", q=q, people=people, errors=errors,
    ), status  # fmt: skip


@bp.post("/manage/laporan/peserta.xlsx")
@login_required
@require_role("admin")
def history_xlsx():
    """The same history as a workbook for agency HR (kepegawaian)."""
    q = HistoryForm().q.data or ""
    try:
        people = services.participant_history(services.parse_keys(q), user=current_user)
    except DomainError as err:
        db.session.rollback()
        return render_template("reports/history.html", q=q, people=[], errors=err.fields), err.status  # fmt: skip
    data = xlsx.history_workbook(people)
    audit.record("report.history_xlsx", actor=current_user, details={"keys": len(people)})
    db.session.commit()
    return _download(data, XLSX_TYPE, "riwayat-peserta.xlsx")
