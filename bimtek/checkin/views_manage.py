"""Check-in pages for staff: the scanner, its service worker, the live view, walk-in, undo, badges,
daftar hadir and the attendance recap."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import can, event_object, event_view
from bimtek.checkin import export, services
from bimtek.checkin.forms import UndoForm, WalkInForm
from bimtek.checkin.models import CheckIn
from bimtek.core import audit
from bimtek.core.time import as_utc
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.i18n import format_long_date
from bimtek.nav import add_event_tab
from bimtek.registration.models import INSTITUTION_TYPES, Registration

bp = Blueprint("checkin", __name__)
add_event_tab("checkin.live", _l("Check-in"), "checkin", 30)

SW_SCOPE = "/manage/events/"


@bp.get("/manage/events/<int:event_id>/scan")
@login_required
@event_view("checkin")
def scan(event):
    """The scanner: camera, USB scanner and typed codes; keeps working offline once opened."""
    texts = {
        "ok": _("BOLEH MASUK"),
        "ok_offline": _("BOLEH MASUK (offline, menunggu kirim)"),
        "ok_unsynced": _("Tiket sah; data peserta belum tersinkron"),
        "already_checked_in": _("SUDAH CHECK-IN"),
        "first_scan": _("Pertama dipindai"),
        "gate": _("Pintu"),
        "by": _("oleh"),
        "wrong_event": _("TIKET KEGIATAN LAIN"),
        "cancelled": _("PENDAFTARAN DIBATALKAN"),
        "not_confirmed": _("BELUM DIKONFIRMASI"),
        "online_mode": _("PESERTA DARING (ZOOM)"),
        "online_hint": _("Hanya panitia yang dapat mengizinkan peserta daring masuk."),
        "admit_online": _("Izinkan masuk (panitia)"),
        "invalid": _("TIKET TIDAK SAH"),
        "malformed": _("KODE TIDAK DIKENALI"),
        "error": _("GAGAL"),
        "session_expired": _("Sesi berakhir: muat ulang halaman dan masuk lagi."),
        "online": _("Daring"),
        "offline": _("Offline"),
        "queue": _("Antrean kirim"),
        "synced": _("Sinkron terakhir"),
        "sent": _("pindaian offline terkirim"),
        "no_results": _("Tidak ada peserta yang cocok."),
        "checkin": _("Check-in"),
        "not_usable": _("Tidak dapat check-in"),
        "searching": _("Mencari…"),
        "camera_error": _("Kamera tidak dapat dibuka."),
        "offline_search": _("Pencarian offline dari data sinkron terakhir."),
        "modes": {"onsite": _("Luring"), "online": _("Daring")},
        "tap": _("Ketuk untuk lanjut"),
        "clear_confirm": _("Hapus daftar peserta dan log pindaian yang tersimpan di perangkat ini?"),
        "clear_pending": _("Masih ada pindaian yang belum terkirim: sambungkan ke internet dulu."),
        "cleared": _("Data offline di perangkat ini sudah dihapus."),
    }
    return render_template(
        "checkin/scan.html",
        event=event,
        slots=services.slots(event),
        texts=texts,
        can_override=current_user.role in ("admin", "organizer"),
        sw_scope=SW_SCOPE,
    )


@bp.get("/checkin/sw.js")
def service_worker():
    """The scanner's service worker, allowed to control the event pages so the scanner opens offline."""
    path = Path(current_app.static_folder) / "js" / "checkin-sw.js"
    resp = send_file(path, mimetype="text/javascript", max_age=0)
    resp.headers["Service-Worker-Allowed"] = SW_SCOPE
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/manage/events/<int:event_id>/checkin")
@login_required
@event_view("checkin")
def live(event):
    """Live counts per session/day and mode, arrivals over time, who is still missing, the log."""
    slot = services.parse_slot(event, request.args.get("slot"))
    stats = services.stats(event)
    current = next((s for s in stats["slots"] if s["key"] == slot.key), stats["slots"][0])
    peak = max([a["count"] for a in current["arrivals"]] or [1])
    log = db.session.scalars(services.log_query(event, slot=slot).limit(100)).all()
    return render_template(
        "checkin/live.html",
        event=event,
        slot=slot,
        slots=[*services.slots(event), *([] if any(s.key == slot.key for s in services.slots(event)) else [slot])],
        stats=stats,
        current=current,
        peak=peak,
        missing=services.missing(event, slot),
        log=log,
        zone=ZoneInfo(event.timezone),
        as_utc=as_utc,
        orders=export.ORDERS,
        onsite=_selected_registrations(event, None) if can(current_user, "manage", event.id) else [],
        day_labels={
            s["key"]: format_long_date(date.fromisoformat(s["day"]), event.timezone)
            for s in stats["slots"]
            if not s["session_id"]
        },
    )


@bp.post("/manage/events/<int:event_id>/checkins/<int:checkin_id>/undo")
@login_required
@event_view("manage")
def undo(event, checkin_id: int):
    """Undo an admit from the live view (organizers); audited."""
    row = event_object(CheckIn, checkin_id, event)
    services.undo_check_in(row, actor=current_user, reason=UndoForm().reason.data or "")
    db.session.commit()
    flash(_("Check-in dibatalkan."), "success")
    return redirect(url_for("checkin.live", event_id=event.id, slot=row.slot))


@bp.route("/manage/events/<int:event_id>/walkin", methods=["GET", "POST"])
@login_required
@event_view("checkin")
def walkin(event):
    """Register a walk-in participant at the desk and check them in, subject to on-site seats."""
    from bimtek.reference import regions

    errors, values = {}, {"province_code": event.province_code, "employment_status": "non_asn"}
    if request.method == "POST":
        form = WalkInForm()
        values = form.participant()
        try:
            adm = services.walk_in(
                event, values, staff=current_user, session_id=form.session,
                gate=form.gate.data or "", ip=request.remote_addr,
            )  # fmt: skip
            name, code = adm.registration.full_name, adm.registration.code
            db.session.commit()
            flash(_("%(name)s terdaftar (kode %(code)s) dan sudah check-in.", name=name, code=code), "success")
            return redirect(url_for("checkin.walkin", event_id=event.id))
        except DomainError as err:
            db.session.rollback()
            errors = err.fields or {}
            flash(_(err.message), "error")
    return render_template(
        "checkin/walkin.html",
        event=event,
        values=values,
        errors=errors,
        slots=services.slots(event),
        regions=[(p, regions.regencies(p.code)) for p in regions.provinces()],
        institution_types=INSTITUTION_TYPES,
    ), (422 if errors else 200)


def _selected_registrations(event, ids: list[int] | None) -> list[Registration]:
    return export.onsite_confirmed(event, ids)


@bp.get("/manage/events/<int:event_id>/badges.pdf")
@login_required
@event_view("manage")
def badges(event):
    """Name badges with name, instansi and the ticket QR: one per A6 page, or 8 labels per A4 sheet."""
    ids = [int(x) for x in request.args.getlist("id") if x.isascii() and x.isdigit() and len(x) < 19]
    people = export.speaker_badges(event) if request.args.get("who") == "narasumber" else export.badges_for(event, ids)
    layout = "a4" if request.args.get("layout") == "a4" else "a6"
    pdf = export.badges_pdf(event.title, people, layout=layout, font_dir=export.font_dir(current_app))
    audit.record("checkin.export_badges", event_id=event.id, details={"count": len(people), "layout": layout})
    db.session.commit()
    return _download(pdf, f"badge-{event.code}.pdf", "application/pdf")


@bp.get("/manage/events/<int:event_id>/daftar-hadir.pdf")
@login_required
@event_view("manage")
def attendance_sheet(event):
    """Daftar hadir for one day or session in the government layout, in the order the organizer picks."""
    slot = services.parse_slot(event, request.args.get("slot"))
    order = request.args.get("order", "name")
    only_present = request.args.get("only") == "present"
    if request.args.get("who") == "narasumber":
        sheet = export.speaker_sheet_for(event, slot)
    else:
        sheet = export.attendance_sheet_for(event, slot, order=order, only_present=only_present)
    pdf = export.attendance_pdf(sheet, font_dir=export.font_dir(current_app))
    audit.record("checkin.export_daftar_hadir", event_id=event.id, details={"slot": slot.key, "rows": len(sheet.rows)})
    db.session.commit()
    return _download(pdf, f"daftar-hadir-{event.code}-{slot.key}.pdf", "application/pdf")


@bp.get("/manage/events/<int:event_id>/checkin-recap.xlsx")
@login_required
@event_view("manage")
def recap(event):
    """Attendance recap: one row per on-site participant, one column per day and session."""
    data = export.recap_xlsx(event)
    audit.record("checkin.export_recap", event_id=event.id)
    db.session.commit()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(data, f"rekap-kehadiran-{event.code}.xlsx", mime)


def _download(data: bytes, name: str, mimetype: str):
    import io

    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
