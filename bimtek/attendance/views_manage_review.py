"""The Zoom review queue for organizers: one entry per Zoom identity (an email, else a name) with all its
sessions; link it to a registration found by name, or mark it as not a participant.

Works as plain forms: the search is a GET form that lists matching registrations under the identity, each
with a "Hubungkan" button. static/js/attendance_review.js fetches the same results as the organizer types.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts.access import event_object, event_view
from bimtek.attendance import services
from bimtek.attendance.blueprint import bp
from bimtek.attendance.forms import ReviewLinkForm
from bimtek.attendance.models import ZoomImportRow
from bimtek.core.pages import Page
from bimtek.errors import DomainError
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration import queries as registration_queries

SEARCH_MIN = 2


PER_PAGE = 50


def _search(event: Event) -> tuple[dict | None, int]:
    """The search asked for in the query string (``group``: a row of the identity, ``q``), its results, and
    the status code."""
    raw_group = request.args.get("group")
    if raw_group is None:
        return None, 200
    if not raw_group.isdigit():
        abort(400)
    row = event_object(ZoomImportRow, int(raw_group), event)  # another event's row: 404
    if row.status != "pending":
        return None, 200  # linked or dismissed meanwhile: nothing left to search for
    q = (request.args.get("q") or "").strip()
    search = {"group": services.identity_of(row)[0].row_id, "q": q, "results": [], "message": None}
    if len(q) > services.SEARCH_MAX:
        search["message"] = _("Kata pencarian terlalu panjang (paling banyak %(n)s karakter).", n=services.SEARCH_MAX)
        return search, 400
    if len(q) < SEARCH_MIN:
        search["message"] = _("Ketik paling sedikit %(n)s huruf nama atau instansi.", n=SEARCH_MIN)
        return search, 200
    search["results"] = services.find_registrations(event.id, q)
    if not search["results"]:
        search["message"] = _("Tidak ada peserta kegiatan ini yang cocok dengan “%(q)s”.", q=q)
    return search, 200


@bp.get("/manage/events/<int:event_id>/attendance/review")
@login_required
@event_view("manage")
def review(event):
    """Zoom identities that did not match by an exact key, each with its sessions, to link or dismiss."""
    search, status = _search(event)
    if request.args.get("partial") and search is not None:
        page = request.args.get("page", 1, type=int)
        html = render_template(
            "attendance/_review_results.html", event=event, search=search, labels=_labels(), page=page
        )
        return html, status
    everyone = services.identities(event.id)
    found = Page.of_list(everyone, page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE)
    groups = found.items
    known = services.remembered(event.id, groups)
    ids = sorted({i for g in groups for i in g.candidate_ids} | set(known.values()))
    people = registration_queries.registrations_by_id(ids)
    return render_template(
        "attendance/review.html",
        event=event,
        groups=groups,
        found=found,
        total=len(everyone),
        page=found.page,
        known=known,
        people=people,
        sessions=sorted(event.sessions, key=lambda s: (s.starts_at, s.id)),
        search=search,
        labels=_labels(),
        rows=sum(len(g.row_ids) for g in everyone),
    ), status


def _labels() -> dict[str, str]:
    return {s: registration_queries.status_label(s) for s in services.MATCHABLE_STATUSES}


def _back(event: Event):
    page = request.form.get("page", 1, type=int) or 1
    return redirect(url_for("attendance.review", event_id=event.id, page=page if page > 1 else None))


@bp.post("/manage/events/<int:event_id>/attendance/review/<int:row_id>/link")
@login_required
@event_view("manage")
def review_link(event, row_id: int):
    """Credit an identity (all its sessions) to a registration chosen from a search, a candidate or a code."""
    row = event_object(ZoomImportRow, row_id, event)
    form = ReviewLinkForm()
    reg_id, code = form.chosen_id, form.code.data
    if reg_id is None and code:
        reg_id = next((r.id for r in services.find_registrations(event.id, code) if r.code == code), None)
    try:
        group = services.link_identity(row, reg_id, user=current_user)
        db.session.commit()
        person = registration_queries.registrations_by_id([reg_id])[reg_id].full_name
        flash(_("%(name)s dihubungkan ke %(person)s; %(n)s sesi dikreditkan.", name=group.display_name, person=person,
                n=len(group.minutes_by_session)), "success")  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return _back(event)


@bp.post("/manage/events/<int:event_id>/attendance/review/<int:row_id>/dismiss")
@login_required
@event_view("manage")
def review_dismiss(event, row_id: int):
    """Mark an identity as not a participant: all its rows leave the queue, nobody is credited."""
    row = event_object(ZoomImportRow, row_id, event)
    try:
        services.dismiss_row(row, user=current_user)
        db.session.commit()
        flash(_("%(name)s ditandai bukan peserta.", name=row.display_name), "success")
    except DomainError as err:
        db.session.rollback()
        flash(_(err.message), "error")
    return _back(event)
