"""The Laporan tab's narrative page: the organizer writes the laporan's texts; defaults come from the data."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.core import audit
from bimtek.extensions import db
from bimtek.organizers import queries as organizers
from bimtek.reports import documents, laporan, narrative, services
from bimtek.reports.forms import NarrativeForm
from bimtek.reports.models import NARRATIVE_SECTIONS

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def narrative_page(event):
    """Edit the laporan's narrative sections; an empty box prints the default shown as its placeholder."""
    form = NarrativeForm(data=narrative.saved(event))
    if form.validate_on_submit():
        narrative.save(event, {k: getattr(form, k).data for k in NARRATIVE_SECTIONS}, actor=current_user)
        db.session.commit()
        flash(_("Narasi laporan disimpan."), "success")
        return redirect(url_for("reports.narrative", event_id=event.id))
    report = services.event_report(event, comment_limit=0)
    org = organizers.for_event(event)
    unit = org.kop.sub_unit or org.kop.unit or org.kop.parent
    defaults = laporan.defaults(report, organizer=unit.title() if unit.isupper() else unit)
    return render_template("reports/narrative.html", event=event, form=form, defaults=defaults,
                           sections=NARRATIVE_SECTIONS), (422 if form.errors else 200)  # fmt: skip


def report_docx(event):
    """The laporan kegiatan as an editable Word document."""
    data = documents.laporan_docx(event)
    audit.record("report.docx", event, event_id=event.id, details={"bytes": len(data)})
    db.session.commit()
    resp = Response(data, mimetype=DOCX_TYPE)
    resp.headers["Content-Disposition"] = f'attachment; filename="laporan-{event.code.lower()}-{event.id}.docx"'
    return resp
