"""The demo: the finished Batam event gets Zoom attendance, a rule and verdicts certificates can use."""

from __future__ import annotations

from sqlalchemy import func, select

from bimtek import demo
from bimtek.attendance.models import EligibilityVerdict, ZoomImport, ZoomImportRow
from bimtek.extensions import db


def test_demo_seeds_attendance_and_verdicts(app):
    assert demo.seed() is True
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ZoomImport).where(ZoomImport.status == "confirmed")) == 3
    verdicts = db.session.scalars(select(EligibilityVerdict)).all()
    assert len(verdicts) == 50
    eligible = [v for v in verdicts if v.final]
    assert 20 <= len(eligible) <= 40
    assert any(v.override is True for v in verdicts)
    assert any(r.startswith("Sesi ") and "minimal 70%" in r for v in verdicts for r in v.reasons)
    pending = db.session.scalars(select(ZoomImportRow).where(ZoomImportRow.status == "pending")).all()
    assert pending and all(r.match_kind in ("name", "ambiguous") for r in pending)
