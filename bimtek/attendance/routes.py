"""Attendance pages: the organizer's "Kehadiran" tab and the participant's presensi page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_view
from bimtek.attendance import exports, presensi, services, verdicts
from bimtek.attendance.models import PresensiWindow, ZoomImport, ZoomImportRow
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db, limiter
from bimtek.nav import add_event_tab
from bimtek.registration.models import Registration

bp = Blueprint("attendance", __name__)
add_event_tab("attendance.overview", _l("Kehadiran"), "manage", 40)

PRESENSI_COOKIE = "bimtek_presensi"


def _session(event: Event, session_id: int) -> EventSession:
    session = db.session.get(EventSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    return session


def _scoped(model, event: Event, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None or obj.event_id != event.id:
        abort(404)
    return obj


@bp.get("/manage/events/<int:event_id>/attendance")
@login_required
@event_view("manage")
def overview(event):
    """Sessions with their Zoom imports and presensi windows, the review queue count, the rule."""
    return render_template(
        "attendance/overview.html",
        event=event,
        imports=services.session_groups(event.id),
        pending=services.pending_count(event.id),
        rule=verdicts.get_rule(event),
        webhook=services.webhook_config(event.id),
    )


@bp.post("/manage/events/<int:event_id>/attendance/sessions/<int:session_id>/zoom")
@login_required
@event_view("manage")
def upload(event, session_id: int):
    """Upload a Zoom report for a session and show its preview (nothing credited yet)."""
    session = _session(event, session_id)
    upload_file = request.files.get("file")
    data = upload_file.read() if upload_file else b""
    try:
        imp, created = services.upload_report(
            event, session, upload_file.filename if upload_file else "", data, user=current_user
        )
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(url_for("attendance.overview", event_id=event.id) + f"#sesi-{session.id}")
    if not created:
        flash(
            _("Berkas yang sama sudah pernah diunggah untuk sesi ini; tidak ada yang berubah.")
            if imp.status == "confirmed"
            else _("Berkas ini sudah diunggah; pratinjau sebelumnya ditampilkan."),
            "info",
        )
    return redirect(url_for("attendance.import_detail", event_id=event.id, import_id=imp.id))


@bp.get("/manage/events/<int:event_id>/attendance/imports/<int:import_id>")
@login_required
@event_view("manage")
def import_detail(event, import_id: int):
    """Preview (before confirmation) or result of one Zoom import."""
    imp = _scoped(ZoomImport, event, import_id)
    return render_template("attendance/import.html", event=event, imp=imp, summary=imp.summary or {})


@bp.post("/manage/events/<int:event_id>/attendance/imports/<int:import_id>/confirm")
@login_required
@event_view("manage")
def import_confirm(event, import_id: int):
    """Credit the previewed attendance; confirming twice changes nothing."""
    imp = _scoped(ZoomImport, event, import_id)
    changed = services.confirm_import(imp, user=current_user)
    db.session.commit()
    if changed:
        flash(_("Laporan Zoom disimpan. Periksa antrean peninjauan untuk nama yang belum cocok."), "success")
    else:
        flash(_("Laporan ini sudah disimpan sebelumnya; tidak ada yang berubah."), "info")
    return redirect(url_for("attendance.import_detail", event_id=event.id, import_id=imp.id))


@bp.get("/manage/events/<int:event_id>/attendance/review")
@login_required
@event_view("manage")
def review(event):
    """Zoom names that did not match by an exact key, to link or dismiss with one click."""
    rows = services.review_queue(event.id)
    ids = {i for r in rows for i in r.candidate_ids or []}
    people = {r.id: r for r in db.session.query(Registration).filter(Registration.id.in_(ids))} if ids else {}
    sessions = {s.id: s for s in event.sessions}
    return render_template(
        "attendance/review.html", event=event, rows=rows, people=people, sessions=sessions, errors={}
    )


def _review_row(event: Event, row_id: int) -> ZoomImportRow:
    return _scoped(ZoomImportRow, event, row_id)


@bp.post("/manage/events/<int:event_id>/attendance/review/<int:row_id>/link")
@login_required
@event_view("manage")
def review_link(event, row_id: int):
    """Credit a review row to a registration (chosen from the candidates or typed as a code)."""
    row = _review_row(event, row_id)
    raw_id = request.form.get("registration_id", "").strip()
    reg_id = int(raw_id) if raw_id.isdigit() else None
    code = request.form.get("code", "").strip().replace("-", "").upper()
    if reg_id is None and code:
        reg = db.session.query(Registration).filter_by(event_id=event.id, code=code).one_or_none()
        reg_id = reg.id if reg else None
    try:
        count = services.link_row(row, reg_id, user=current_user)
        db.session.commit()
        flash(_("Dihubungkan (%(n)s baris). Nama ini akan dikenali di sesi lain.", n=count), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("attendance.review", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/attendance/review/<int:row_id>/dismiss")
@login_required
@event_view("manage")
def review_dismiss(event, row_id: int):
    """Take a row out of the queue without crediting anyone."""
    row = _review_row(event, row_id)
    try:
        services.dismiss_row(row, user=current_user)
        db.session.commit()
        flash(_("Baris diabaikan."), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return redirect(url_for("attendance.review", event_id=event.id))


@bp.route("/manage/events/<int:event_id>/attendance/webhook", methods=["GET", "POST"])
@login_required
@event_view("manage")
def webhook_settings(event):
    """Zoom webhook settings: the secret token and the meeting ids; shows the endpoint URL."""
    config = services.webhook_config(event.id)
    errors = {}
    if request.method == "POST":
        try:
            config = services.save_webhook_config(
                event, request.form.get("secret_token", ""), request.form.get("meeting_ids", ""), user=current_user
            )
            db.session.commit()
            flash(_("Pengaturan webhook disimpan."), "success")
            return redirect(url_for("attendance.webhook_settings", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields
    endpoint = current_app.config["BASE_URL"].rstrip("/") + url_for("api.zoom_webhook", event_id=event.id)
    return render_template(
        "attendance/webhook.html",
        event=event,
        config=config,
        endpoint=endpoint,
        stats=services.webhook_stats(event.id),
        errors=errors,
    ), (422 if errors else 200)


# --- presensi (organizer) -------------------------------------------------------------------------------


@bp.get("/manage/events/<int:event_id>/attendance/presensi")
@login_required
@event_view("manage")
def presensi_windows(event):
    """Presensi windows per session, with counts, and a form to open one."""
    now = utcnow()
    return render_template(
        "attendance/presensi.html",
        event=event,
        windows=presensi.windows(event.id),
        counts=presensi.record_counts(event.id),
        is_open=lambda w: presensi.is_open(w, now),
        not_yet=lambda w: now < as_utc(w.opens_at),
        errors={},
    )


def _local(value: str, tz: str) -> datetime | None:
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return parsed.replace(tzinfo=ZoneInfo(tz))


@bp.post("/manage/events/<int:event_id>/attendance/presensi")
@login_required
@event_view("manage")
def presensi_open(event):
    """Open a presensi window now (for N minutes) or at given times."""
    raw_session = request.form.get("session_id", "")
    session = _session(event, int(raw_session)) if raw_session.isdigit() else None
    if session is None:
        abort(404)
    minutes_raw = request.form.get("minutes", "30").strip()
    opens = _local(request.form.get("opens_at", ""), event.timezone) if request.form.get("opens_at") else None
    closes = _local(request.form.get("closes_at", ""), event.timezone) if request.form.get("closes_at") else None
    try:
        window = presensi.open_window(
            event,
            session,
            request.form.get("kind", ""),
            opens_at=opens,
            closes_at=closes,
            minutes=int(minutes_raw) if minutes_raw.isdigit() else -1,
            user=current_user,
        )
        db.session.commit()
        flash(_("Presensi dibuka."), "success")
        return redirect(url_for("attendance.presensi_projector", event_id=event.id, window_id=window.id))
    except DomainError as err:
        db.session.rollback()
        flash("; ".join(_(m) for m in err.fields.values()) or _(err.message), "error")
        return redirect(url_for("attendance.presensi_windows", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/attendance/presensi/schedule")
@login_required
@event_view("manage")
def presensi_schedule(event):
    """Plan start and end windows (first and last 30 minutes) for every session that lacks them."""
    count = sum(len(presensi.schedule_session_windows(event, s, user=current_user)) for s in event.sessions)
    db.session.commit()
    flash(_("%(n)s jendela presensi dijadwalkan.", n=count), "success")
    return redirect(url_for("attendance.presensi_windows", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/attendance/presensi/<int:window_id>/close")
@login_required
@event_view("manage")
def presensi_close(event, window_id: int):
    """Close a window now."""
    presensi.close_window(_scoped(PresensiWindow, event, window_id), user=current_user)
    db.session.commit()
    flash(_("Presensi ditutup."), "success")
    return redirect(url_for("attendance.presensi_windows", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/attendance/presensi/<int:window_id>/projector")
@login_required
@event_view("manage")
def presensi_projector(event, window_id: int):
    """Full-screen page to project or screen-share: the rotating QR and code, refreshed by a small script."""
    window = _scoped(PresensiWindow, event, window_id)
    return render_template("attendance/projector.html", event=event, window=window, state=presensi.window_code(window))


@bp.get("/manage/events/<int:event_id>/attendance/presensi/<int:window_id>/code")
@login_required
@event_view("manage")
def presensi_code(event, window_id: int):
    """The projector's current code and QR as JSON."""
    return jsonify(presensi.window_code(_scoped(PresensiWindow, event, window_id)))


# --- eligibility ----------------------------------------------------------------------------------------


@bp.route("/manage/events/<int:event_id>/attendance/rule", methods=["GET", "POST"])
@login_required
@event_view("manage")
def rule(event):
    """The event's eligibility rule."""
    errors, values = {}, verdicts.rule_json(verdicts.get_rule(event)) or {"jp_minutes": event.jp_minutes}
    if request.method == "POST":
        values = request.form.to_dict()
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
    return render_template("attendance/rule.html", event=event, values=values, errors=errors), (422 if errors else 200)


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
    page = max(1, request.args.get("page", 1, type=int) or 1)
    per_page = 100
    return render_template(
        "attendance/matrix.html",
        event=event,
        rows=rows[(page - 1) * per_page : page * per_page],
        total=len(rows),
        page=page,
        per_page=per_page,
        args=args,
        rule=verdicts.get_rule(event),
        source_labels=verdicts.SOURCE_LABELS,
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
    reg = _scoped(Registration, event, registration_id)
    decision = {"eligible": True, "not_eligible": False, "clear": None}.get(request.form.get("decision", ""), "bad")
    if decision == "bad":
        abort(400)
    try:
        verdicts.override_verdict(reg, decision, request.form.get("reason", ""), user=current_user)
        db.session.commit()
        flash(_("Keputusan untuk %(name)s disimpan.", name=reg.full_name), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    target = request.form.get("next", "")
    # Only a path on this site: never an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for("attendance.matrix", event_id=event.id)
    return redirect(target)


# --- presensi (participant) -----------------------------------------------------------------------------


def _presensi_rate() -> str:
    return current_app.config.get("PRESENSI_RATE_LIMIT", "10 per minute")


def _token_key() -> str:
    return f"presensi:{request.view_args.get('token', '')}:{request.remote_addr}"


@bp.get("/presensi")
def presensi_entry():
    """Where the projected QR points: forwards to the participant's own presensi page if this phone knows it."""
    code = request.args.get("c", "")[:20]
    token = request.cookies.get(PRESENSI_COOKIE, "")
    if token and db.session.query(Registration.id).filter_by(manage_token=token).first():
        return redirect(url_for("attendance.presensi_participant", token=token, c=code))
    return render_template("attendance/presensi_entry.html", code=code)


@bp.route("/r/<token>/presensi", methods=["GET", "POST"])
@limiter.limit(_presensi_rate, key_func=_token_key, methods=["POST"])
def presensi_participant(token: str):
    """A participant confirms presence by the code on screen (scanned or typed)."""
    try:
        reg = presensi.registration_by_token(token)
    except DomainError:
        abort(404)
    event = reg.event
    status, message, errors = 200, None, {}
    code = request.values.get("c", "") or request.form.get("code", "")
    if request.method == "POST":
        try:
            record, created = presensi.submit_code(
                reg, request.form.get("code", ""), method="qr" if request.form.get("via") == "qr" else "typed"
            )
            db.session.commit()
            window = db.session.get(PresensiWindow, record.window_id)
            message = (
                _("Presensi tercatat. Terima kasih!")
                if created
                else _("Presensi Anda untuk sesi ini sudah tercatat sebelumnya.")
            )
            flash(message, "success")
            resp = redirect(url_for("attendance.presensi_participant", token=token, done=window.id))
            _remember_phone(resp, token)
            return resp
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields or {"code": err.message}, err.status
    records = presensi.records_for(reg.id)
    resp = current_app.make_response(
        (
            render_template(
                "attendance/presensi_participant.html",
                reg=reg,
                event=event,
                code=code,
                records=records,
                errors=errors,
                message=message,
            ),
            status,
        )
    )
    _remember_phone(resp, token)
    return resp


def _remember_phone(resp, token: str) -> None:
    # Lets the generic QR link (/presensi?c=...) open this participant's page; readable only there.
    resp.set_cookie(
        PRESENSI_COOKIE,
        token,
        max_age=3600 * 24 * 30,
        httponly=True,
        samesite="Lax",
        path="/presensi",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
