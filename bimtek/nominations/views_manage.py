"""The organizer's nominations board: intake and deadline, invited agencies with their quotas and PICs,
invitations and reminders, the release of unused seats, and the per-agency report."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bimtek.accounts.access import event_view
from bimtek.core.labels import label
from bimtek.core.time import utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.nav import add_event_tab
from bimtek.nominations import forms, notify, pic, queries, services, sheet, tasks
from bimtek.reference import regions
from bimtek.registration import tasks as registration_tasks
from bimtek.registration.phone import format_phone

bp = Blueprint("nominations_manage", __name__)
add_event_tab("nominations_manage.board", _l("Nominasi"), "manage", 22)

MAX_SHEET = 2 * 1024 * 1024


def _board(event, *, errors=None, values=None, status=200):
    now = utcnow()
    rows = queries.agency_report(event)
    return render_template(
        "nominations/board.html", event=event, settings=services.settings_for(event.id),
        agencies=services.agencies(event.id), report={r["agency_id"]: r for r in rows},
        totals=queries.report_totals(rows), closed=services.deadline_passed(event.id, now),
        laggards=len(services.laggards(event.id)), provinces=regions.provinces(),
        errors=errors or {}, values=values or {}, format_phone=format_phone,
        zone=regions.zone_abbreviation(event.timezone),
    ), status  # fmt: skip


def _back(anchor: str = ""):
    return redirect(url_for("nominations_manage.board", event_id=request.view_args["event_id"]) + anchor, 303)


def _failed(event, err: DomainError, values: dict | None = None):
    db.session.rollback()
    if not err.fields:
        flash(_(err.message), "error")
    return _board(event, errors=err.fields, values=values, status=err.status)


def _agency(event, agency_id: int):
    agency = services.get_agency(event.id, agency_id)
    if agency is None:
        abort(404)
    return agency


@bp.get("/manage/events/<int:event_id>/nominasi")
@login_required
@event_view("manage")
def board(event):
    """Agencies with invited / link opened / nominated k of n / surat tugas, and what to do next."""
    return _board(event)


@bp.post("/manage/events/<int:event_id>/nominasi/pengaturan")
@login_required
@event_view("manage")
def settings(event):
    """Who may take seats (open form, nominations, both) and the nominations' deadline."""
    try:
        intake, deadline, auto = forms.settings_input(request.form, event.timezone)
        services.configure(event, intake, deadline, auto, user=current_user)
        db.session.commit()
    except DomainError as err:
        return _failed(event, err)
    flash(_("Pengaturan nominasi disimpan."), "success")
    return _back()


@bp.post("/manage/events/<int:event_id>/nominasi/instansi")
@login_required
@event_view("manage")
def add(event):
    """Invite one agency with its quota per mode and its PIC."""
    values = forms.agency_input(request.form)
    try:
        services.add_agency(event, services.clean_agency(values), user=current_user)
        db.session.commit()
    except DomainError as err:
        return _failed(event, err, values)
    flash(_("Instansi ditambahkan. Kirim undangan agar PIC menerima tautan nominasinya."), "success")
    return _back("#agencies")


@bp.post("/manage/events/<int:event_id>/nominasi/wilayah")
@login_required
@event_view("manage")
def add_region(event):
    """Invite the Dinas Kominfo of a province and/or of each of its kabupaten/kota, with one quota each."""
    code, province, regencies, quotas = forms.region_input(request.form)
    try:
        if not (province or regencies):
            raise DomainError("invalid", _("Pilih dinas provinsi, dinas kabupaten/kota, atau keduanya."), status=422)
        try:
            picked = services.region_agencies(code, province=province, regencies=regencies)
        except regions.RegionError as err:
            raise DomainError("invalid", _("Pilih provinsi."), status=422) from err
        out = services.add_many(event, [{**p, **quotas} for p in picked], user=current_user)
        db.session.commit()
    except DomainError as err:
        return _failed(event, err)
    flash(_("%(added)s instansi ditambahkan, %(skipped)s sudah ada.", **out), "success")
    return _back("#agencies")


@bp.post("/manage/events/<int:event_id>/nominasi/impor")
@login_required
@event_view("manage")
def import_sheet(event):
    """Invite agencies from an XLSX file (all rows or none)."""
    upload = request.files.get("file")
    content = upload.read(MAX_SHEET + 1) if upload else b""
    try:
        if len(content) > MAX_SHEET:
            raise DomainError("too_large", _("Berkas terlalu besar (paling besar 2 MB)."), status=413)
        try:
            rows = sheet.read_agencies(content)
        except sheet.SheetError as err:
            raise DomainError("invalid", _(str(err)), status=422) from err
        for number, raw in rows:
            try:
                services.clean_agency(raw)
            except DomainError as err:
                detail = "; ".join(f"{label('agency_field', k)}: {_(v)}" for k, v in err.fields.items())
                raise DomainError("invalid", _("Baris %(n)s: %(detail)s", n=number, detail=detail), status=422) from err
        out = services.add_many(event, [raw for _n, raw in rows], user=current_user)
        db.session.commit()
    except DomainError as err:
        return _failed(event, err)
    flash(_("%(added)s instansi ditambahkan, %(skipped)s sudah ada.", **out), "success")
    return _back("#agencies")


@bp.get("/manage/events/<int:event_id>/nominasi/templat.xlsx")
@login_required
@event_view("manage")
def sheet_template(event):
    """The XLSX layout the import reads, with an example row."""
    return Response(sheet.template_xlsx(), headers={"Content-Disposition": 'attachment; filename="instansi.xlsx"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


@bp.route("/manage/events/<int:event_id>/nominasi/instansi/<int:agency_id>", methods=["GET", "POST"])
@login_required
@event_view("manage")
def edit(event, agency_id: int):
    """Change an agency's name, PIC or quotas."""
    agency = _agency(event, agency_id)
    values = {**{k: getattr(agency, k, "") for k in forms.AGENCY_FIELDS}, "region_code": agency.regency_code
              or agency.province_code}  # fmt: skip
    errors, status = {}, 200
    if request.method == "POST":
        values = forms.agency_input(request.form)
        try:
            services.update_agency(agency, services.clean_agency(values), user=current_user)
            db.session.commit()
            flash(_("Instansi diperbarui."), "success")
            return _back("#agencies")
        except DomainError as err:
            db.session.rollback()
            errors, status = err.fields or {"_form": err.message}, err.status
    return render_template("nominations/edit.html", event=event, agency=agency, values=values, errors=errors), status


@bp.post("/manage/events/<int:event_id>/nominasi/instansi/<int:agency_id>/hapus")
@login_required
@event_view("manage")
def remove(event, agency_id: int):
    """Withdraw an agency's invitation (its unused seats return to the event)."""
    services.remove_agency(_agency(event, agency_id), user=current_user)
    db.session.commit()
    flash(_("Undangan instansi dibatalkan."), "success")
    return _back("#agencies")


@bp.post("/manage/events/<int:event_id>/nominasi/instansi/<int:agency_id>/tautan")
@login_required
@event_view("manage")
def new_link(event, agency_id: int):
    """A new private link for the PIC (the old one stops working), shown once and emailed when possible."""
    agency = _agency(event, agency_id)
    token = services.new_link(agency)
    sent = notify.send_pic_email(agency, "invite", token)
    db.session.commit()
    flash(_("Tautan baru untuk %(name)s: %(url)s", name=agency.name, url=notify.pic_url(token)), "success")
    if not sent:
        flash(_("PIC belum punya email: kirimkan tautan di atas lewat WhatsApp."), "info")
    return _back("#agencies")


@bp.post("/manage/events/<int:event_id>/nominasi/undang")
@login_required
@event_view("manage")
def invite_all(event):
    """Email the invitation to every agency with an email that has not been invited yet (sent by the consumer)."""
    count = sum(1 for a in services.agencies(event.id) if a.invited_at is None and a.pic_email)
    tasks.invite_agencies(event.id)
    flash(_("Undangan untuk %(n)s instansi sedang dikirim.", n=count), "success")
    return _back("#agencies")


@bp.post("/manage/events/<int:event_id>/nominasi/ingatkan")
@login_required
@event_view("manage")
def remind(event):
    """Remind every agency that has not filled its quota, in one action (sent by the job consumer)."""
    count = len(services.laggards(event.id))
    tasks.remind_agencies(event.id)
    flash(_("Pengingat untuk %(n)s instansi sedang dikirim.", n=count), "success")
    return _back("#agencies")


@bp.post("/manage/events/<int:event_id>/nominasi/lepas")
@login_required
@event_view("manage")
def release(event):
    """Hand every unused quota seat back to open registration now."""
    out = services.release_unused(event, actor=current_user)
    db.session.commit()
    for registration_id in out["promoted_ids"]:
        registration_tasks.email_registration(registration_id, "promoted")
    flash(_("%(onsite)s kursi luring dan %(online)s kursi daring dilepas ke pendaftaran umum.", **out), "success")
    return _back()


@bp.get("/manage/events/<int:event_id>/nominasi/instansi/<int:agency_id>/surat-tugas")
@login_required
@event_view("manage")
def letter(event, agency_id: int):
    """The agency's surat tugas (PDF)."""
    path = pic.letter_path(_agency(event, agency_id))
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name)
