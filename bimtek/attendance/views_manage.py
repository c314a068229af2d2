"""Attendance pages for organizers: the "Kehadiran" tab, Zoom report imports, webhook settings.

The review queue (views_manage_review.py), presensi (views_manage_presensi.py), eligibility (views_manage_verdicts.py) and the participant's pages
(views_public.py) are their own modules on the same blueprint; routes.py lists them.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_object, event_view
from bimtek.attendance import services, verdicts, webhooks
from bimtek.attendance.blueprint import bp
from bimtek.attendance.forms import WebhookForm
from bimtek.attendance.models import ZoomImport
from bimtek.errors import DomainError
from bimtek.events.models import EventSession
from bimtek.extensions import db
from bimtek.nav import add_event_tab

add_event_tab("attendance.overview", _l("Kehadiran"), "manage", 40)


@bp.get("/manage/events/<int:event_id>/attendance")
@login_required
@event_view("manage")
def overview(event):
    """Sessions with their Zoom imports and presensi windows, the review queue count, the rule."""
    return render_template(
        "attendance/overview.html",
        event=event,
        imports=services.session_groups(event.id),
        previews=services.previews(event.id),
        pending=len(services.identities(event.id)),
        rule=verdicts.get_rule(event),
        webhook=webhooks.webhook_config(event.id),
    )


@bp.post("/manage/events/<int:event_id>/attendance/sessions/<int:session_id>/zoom")
@login_required
@event_view("manage")
def upload(event, session_id: int):
    """Upload a Zoom report for a session and show its preview (nothing credited yet)."""
    session = event_object(EventSession, session_id, event)
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


@bp.post("/manage/events/<int:event_id>/attendance/zoom")
@login_required
@event_view("manage")
def upload_all(event):
    """One Zoom meeting for the whole event: preview the report for every session at once."""
    upload_file = request.files.get("file")
    data = upload_file.read() if upload_file else b""
    try:
        results, skipped = services.upload_report_all_sessions(
            event, upload_file.filename if upload_file else "", data, user=current_user
        )
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
        return redirect(url_for("attendance.overview", event_id=event.id))
    flash(_("Pratinjau dibuat untuk %(n)s sesi. Periksa lalu konfirmasi.", n=len(results)), "success")
    if skipped:
        flash(_("%(n)s sesi dilewati: tidak ada peserta dalam rentang waktunya.", n=len(skipped)), "info")
    return redirect(url_for("attendance.overview", event_id=event.id) + "#pratinjau")


@bp.post("/manage/events/<int:event_id>/attendance/imports/confirm-all")
@login_required
@event_view("manage")
def confirm_all(event):
    """Confirm every preview of the event."""
    count = services.confirm_all(event, user=current_user)
    db.session.commit()
    flash(_("%(n)s laporan disimpan.", n=count), "success")
    return redirect(url_for("attendance.overview", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/attendance/imports/<int:import_id>")
@login_required
@event_view("manage")
def import_detail(event, import_id: int):
    """Preview (before confirmation) or result of one Zoom import."""
    imp = event_object(ZoomImport, import_id, event)
    waiting = services.pending_count(event.id, import_id=imp.id) if imp.status == "confirmed" else None
    return render_template("attendance/import.html", event=event, imp=imp, summary=imp.summary or {}, waiting=waiting)


@bp.post("/manage/events/<int:event_id>/attendance/imports/<int:import_id>/confirm")
@login_required
@event_view("manage")
def import_confirm(event, import_id: int):
    """Credit the previewed attendance; confirming twice changes nothing."""
    imp = event_object(ZoomImport, import_id, event)
    changed = services.start_confirm(
        imp, user=current_user, inline_rows=current_app.config.get("ZOOM_INLINE_CONFIRM_ROWS", 5000)
    )
    db.session.commit()
    if not isinstance(changed, bool):
        services.enqueue_confirm(changed, user=current_user)
        flash(_("Laporan besar ini disimpan di latar belakang; muat ulang halaman untuk melihat hasilnya."), "info")
    elif changed:
        flash(_("Laporan Zoom disimpan. Periksa antrean peninjauan untuk nama yang belum cocok."), "success")
    else:
        flash(_("Laporan ini sudah disimpan sebelumnya; tidak ada yang berubah."), "info")
    return redirect(url_for("attendance.import_detail", event_id=event.id, import_id=imp.id))


@bp.route("/manage/events/<int:event_id>/attendance/webhook", methods=["GET", "POST"])
@login_required
@event_view("manage")
def webhook_settings(event):
    """Zoom webhook settings: the secret token and the meeting ids; shows the endpoint URL."""
    config = webhooks.webhook_config(event.id)
    errors = {}
    if request.method == "POST":
        try:
            form = WebhookForm()
            config = webhooks.save_webhook_config(
                event, form.secret_token.data or "", form.meeting_ids.data or "", user=current_user
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
        stats=webhooks.webhook_stats(event.id),
        errors=errors,
    ), (422 if errors else 200)
