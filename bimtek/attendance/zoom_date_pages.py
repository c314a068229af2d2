"""The organizer's answer to a Zoom preview whose dates read two ways (day/month or month/day)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts.access import event_object, event_view
from bimtek.attendance import zoom_date_checks
from bimtek.attendance.blueprint import bp
from bimtek.attendance.forms import DateOrderForm
from bimtek.attendance.models import ZoomImport
from bimtek.extensions import db

# Preview summaries store dates as ISO text; the page shows them with the locale's date filters.
bp.add_app_template_filter(date.fromisoformat, "iso_date")


@bp.post("/manage/events/<int:event_id>/attendance/imports/<int:import_id>/date-order")
@login_required
@event_view("manage")
def import_date_order(event, import_id: int):
    """Re-read a preview with the day/month order the organizer chose, then show it again."""
    imp = event_object(ZoomImport, import_id, event)
    back = redirect(url_for("attendance.import_detail", event_id=event.id, import_id=imp.id))
    form = DateOrderForm()
    if not form.validate_on_submit():
        flash(_("Pilih cara membaca tanggal."), "error")
        return back
    zoom_date_checks.choose_date_order(imp, form.order.data, user=current_user)
    db.session.commit()
    flash(_("Tanggal dibaca ulang. Periksa menit peserta, lalu konfirmasi."), "success")
    return back
