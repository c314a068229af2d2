"""flask backup, then flask restore into an empty database and instance folder: nothing lost, nothing new."""

from __future__ import annotations

import secrets
import tarfile

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bimtek import create_app
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import jobs as cert_jobs
from bimtek.certificates.tasks import run_issue_job
from bimtek.events.models import Event
from bimtek.extensions import db
from tests.conftest import _pg_admin_engine, base_config
from tests.factories import make_registration
from tests.factories_certificates import make_cert_event


def _issue(event, user):
    job = cert_jobs.start_issue_job(
        event, {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir"}, user=user
    )
    db.session.commit()
    return run_issue_job(job.id)


@pytest.fixture
def empty_target(db_url, tmp_path):
    """An empty database (no schema at all) of the same kind, and an empty instance folder."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'bimtek.sqlite3'}", tmp_path / "restored"
        return
    admin = _pg_admin_engine()
    name = f"bimtek_restore_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(db_url).set(database=name).render_as_string(hide_password=False)
    yield url, tmp_path / "restored"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_then_restore_into_an_empty_installation(app, tmp_path, empty_target):
    owner, event, regs = make_cert_event(participants=3)
    _issue(event, owner)
    certs = db.session.scalars(select(Certificate).order_by(Certificate.seq)).all()
    assert [c.seq for c in certs] == [1, 2, 3]
    downloads = {r.manage_token: app.test_client().get(f"/r/{r.manage_token}/sertifikat").data for r in regs}
    assert all(data.startswith(b"%PDF") for data in downloads.values())
    numbers = [c.number for c in certs]
    event_id = event.id
    codes = {c.verification_code: c.name for c in certs}

    archive = tmp_path / "cadangan.tar"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Cadangan:" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json" and sum(n.endswith(".pdf") for n in names) >= 3
    # A backup into the installation it came from is refused: it is not empty.
    refused = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0 and "tidak kosong" in refused.output

    url, instance = empty_target
    target = create_app({**base_config(tmp_path, url), "INSTANCE_PATH": str(instance)})
    with target.app_context():  # the CLI runs in the current app context when there is one
        restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
        db.session.remove()
    assert restored.exit_code == 0, restored.output
    assert "Dipulihkan" in restored.output
    # Each request gets its own app context, as in production.
    client = target.test_client()
    for code, name in codes.items():
        page = client.get(f"/verify/{code}.json")
        assert page.status_code == 200 and page.get_json()["name"] == name
    for token, data in downloads.items():
        assert client.get(f"/r/{token}/sertifikat").data == data  # byte-identical
    with target.app_context():
        # The next certificate continues the series: number 4, not 1 again.
        restored_event = db.session.get(Event, event_id)
        newcomer = make_registration(restored_event, full_name="Peserta Setelah Pemulihan", email="baru@x.go.id")
        _issue(restored_event, None)
        cert = db.session.scalar(select(Certificate).where(Certificate.registration_id == newcomer.id))
        assert cert.seq == 4 and cert.number not in numbers and cert.number.startswith("004/")
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "bukan.tar"
    bogus.write_bytes(b"bukan arsip")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0 and "bukan arsip cadangan Bimtek" in result.output
