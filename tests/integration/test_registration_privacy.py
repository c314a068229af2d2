"""UU PDP: a granted deletion request and the retention period really erase personal data."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bimtek.attendance.models import ZoomImport, ZoomImportRow
from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.registration import privacy, services
from bimtek.registration.models import Registration
from tests.factories import make_event, make_registration, make_user


def test_granted_deletion_erases_personal_data_but_keeps_the_counts(app):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event, employment_status="pns", nip="196608011988031001", rank="Penata (III/c)")
    keep = make_registration(event)
    folder = Path(app.instance_path) / "uploads" / "registration" / str(event.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "abc123.pdf").write_bytes(b"%PDF-1.4 surat tugas")
    reg.answers = {"7": {"file": "abc123.pdf", "name": "surat tugas.pdf"}}
    imp = ZoomImport(event_id=event.id, session_id=event.sessions[0].id, fingerprint="f" * 64, data=b"csv")
    db.session.add(imp)
    db.session.flush()
    db.session.add(ZoomImportRow(event_id=event.id, session_id=event.sessions[0].id, import_id=imp.id,
                                 display_name="KEPRI_Budi", email=reg.email, registration_id=reg.id))  # fmt: skip
    db.session.commit()

    req = services.request_deletion(reg, "Mohon hapus data saya")
    services.close_data_request(req, status="done", actor=owner)
    db.session.commit()

    db.session.refresh(reg)
    assert reg.full_name == privacy.ERASED_NAME and reg.nip is None and reg.phone == ""
    assert reg.email.endswith("@dihapus.invalid") and reg.answers == {}
    assert reg.status == "confirmed" and reg.mode == "onsite"  # counts and seats stay true
    assert not (folder / "abc123.pdf").exists()
    row = db.session.scalar(select(ZoomImportRow).where(ZoomImportRow.registration_id == reg.id))
    assert row.email is None and row.display_name == privacy.ERASED_NAME
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "registration.erase")) is not None
    assert db.session.get(Registration, keep.id).full_name.startswith("Budi")  # nobody else is touched


def test_refused_request_changes_nothing(app):
    owner = make_user("organizer")
    reg = make_registration(make_event(owner))
    name = reg.full_name
    services.close_data_request(services.request_deletion(reg), status="refused", actor=owner)
    db.session.commit()
    assert db.session.get(Registration, reg.id).full_name == name


def test_retention_purge_cli(app, runner):
    owner = make_user("organizer")
    old = make_event(owner, starts_at=datetime.now(UTC) - timedelta(days=800))
    recent = make_event(owner, code="BIMTEK-BARU")
    old_reg, new_reg = make_registration(old), make_registration(recent)
    db.session.add(ZoomImport(event_id=old.id, session_id=old.sessions[0].id, fingerprint="a" * 64, data=b"Name,Email"))
    db.session.commit()
    stale = Path(app.instance_path) / "imports" / "1-old.bin"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"NIP,Nama")
    past = time.time() - 3 * 86400
    os.utime(stale, (past, past))

    out = runner.invoke(args=["retention", "purge", "--months", "12"])
    assert "1 registrations erased in 1 events; 1 stale import files removed" in out.output, out.output
    assert privacy.is_erased(db.session.get(Registration, old_reg.id))
    assert not privacy.is_erased(db.session.get(Registration, new_reg.id))
    assert not stale.exists()
    assert db.session.scalar(select(ZoomImport.data).where(ZoomImport.event_id == old.id)) == b""
    again = runner.invoke(args=["retention", "purge", "--months", "12"])
    assert "0 registrations erased" in again.output
