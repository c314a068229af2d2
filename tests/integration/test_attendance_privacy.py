"""Erasing what attendance recorded about a person: Zoom names and emails go, the minutes stay."""

from __future__ import annotations

from sqlalchemy import select

from bimtek.attendance import services
from bimtek.attendance.models import AttendanceInterval, ZoomImport, ZoomImportRow
from bimtek.extensions import db
from tests.factories import make_user
from tests.factories_attendance import batam_event, sample_people
from tests.unit.test_zoom_csv import PLAIN


def test_erasing_a_registration_blanks_its_zoom_rows_and_keeps_its_minutes(app):
    owner = make_user("organizer")
    event = batam_event(owner)
    rina = sample_people(event)["rina"]
    for session in event.sessions:
        imp, _ = services.upload_report(event, session, "p.csv", PLAIN, user=owner)
        services.confirm_import(imp, user=owner)
    db.session.commit()
    minutes_before = db.session.scalars(
        select(AttendanceInterval).where(AttendanceInterval.registration_id == rina.id)
    ).all()
    assert minutes_before

    services.erase_registration_traces(rina.id, erased_name="[dihapus]")
    services.purge_zoom_reports(event.id)
    db.session.commit()
    db.session.expire_all()

    rows = db.session.scalars(select(ZoomImportRow).where(ZoomImportRow.registration_id == rina.id)).all()
    assert rows and all(r.display_name == "[dihapus]" and r.email is None and r.original_name is None for r in rows)
    others = db.session.scalars(select(ZoomImportRow).where(ZoomImportRow.registration_id != rina.id)).all()
    assert any(r.display_name != "[dihapus]" for r in others)  # only hers
    assert all(imp.data == b"" for imp in db.session.scalars(select(ZoomImport)))
    kept = db.session.scalars(select(AttendanceInterval).where(AttendanceInterval.registration_id == rina.id)).all()
    assert len(kept) == len(minutes_before)
