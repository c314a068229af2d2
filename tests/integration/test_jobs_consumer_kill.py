"""A consumer SIGKILLed in the middle of a certificate job: another one finishes it, with no human action.

Runs real `flask jobs worker` processes: on PostgreSQL with Redis as the queue, and on SQLite with huey's
SQLite queue. The figure printed (kill -> resumed) is the time to automatic resume.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bimtek.certificates.models import Certificate, CertificateSeries
from bimtek.certificates.services import delivery as cert_delivery
from bimtek.certificates.services import jobs as cert_jobs
from bimtek.core.models import AuditLog, Job
from bimtek.extensions import db
from tests.factories_certificates import make_cert_event
from tests.integration.consumer_process import REDIS_URL, ConsumerProcess, redis_available, wait_for

PARTICIPANTS = 120


def _job_row(engine, job_id):
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT status, done, leased_by, attempts FROM jobs WHERE id = :id"), {"id": job_id}
        ).one()


def test_killed_consumer_is_replaced_and_the_job_ends_gap_free(make_app, db_url, tmp_path):
    on_pg = db_url.startswith("postgresql")
    if on_pg and not redis_available():
        pytest.skip("Redis not reachable")
    app = make_app(BASE_URL="http://127.0.0.1:5077")
    with app.app_context():
        user, event, regs = make_cert_event(participants=PARTICIPANTS, onsite_capacity=PARTICIPANTS)
        job = cert_jobs.start_issue_job(
            event,
            {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir", "notify": False},
            user=user,
        )
        db.session.commit()  # queued, never handed to a queue: the starting consumer's sweep sends it
        job_id, event_id = job.id, event.id
        db.session.remove()
        engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        queue = f"bimtek-test-kill-{job_id}-{time.monotonic_ns()}"
        first = ConsumerProcess(app, redis_url=REDIS_URL if on_pg else None, queue=queue, lease=6).start()
        second = None
        try:
            # Kill it once at least one batch is committed and the job is still far from done.
            try:
                row = wait_for(lambda: (r := _job_row(engine, job_id)).done >= 10 and r, timeout=90, step=0.02)
            except AssertionError:
                raise AssertionError(first.output()) from None
            first.kill()
            killed_at = time.monotonic()
            at_kill = _job_row(engine, job_id)
            assert at_kill.status == "running" and at_kill.done < PARTICIPANTS, first.output()
            holder = at_kill.leased_by
            second = ConsumerProcess(app, redis_url=REDIS_URL if on_pg else None, queue=queue, lease=6).start()
            try:
                wait_for(lambda: _job_row(engine, job_id).leased_by not in (None, holder), timeout=60, step=0.02)
            except AssertionError:
                raise AssertionError(second.output() + "\n---first---\n" + first.output()[-3000:]) from None
            resumed_after = time.monotonic() - killed_at
            wait_for(lambda: _job_row(engine, job_id).status == "done", timeout=120, step=0.1)
            finished_after = time.monotonic() - killed_at
        finally:
            for proc in (first, second):
                if proc:
                    proc.stop()
            engine.dispose()
        print(
            f"\n[{'postgresql+redis' if on_pg else 'sqlite'}] killed at {row.done}/{PARTICIPANTS}: "
            f"resumed {resumed_after:.2f} s after SIGKILL, done {finished_after:.2f} s after SIGKILL"
        )
        db.session.expire_all()
        final = db.session.get(Job, job_id)
        assert (final.status, final.done, final.total, final.error) == ("done", PARTICIPANTS, PARTICIPANTS, None)
        assert final.attempts == 2
        certs = db.session.scalars(select(Certificate).where(Certificate.event_id == event_id)).all()
        assert len(certs) == PARTICIPANTS
        assert sorted(c.registration_id for c in certs) == sorted(r.id for r in regs)  # one each
        assert sorted(c.seq for c in certs) == list(range(1, PARTICIPANTS + 1))  # gap-free
        series = db.session.scalars(select(CertificateSeries).where(CertificateSeries.event_id == event_id)).one()
        assert series.next_seq == PARTICIPANTS + 1
        for cert in certs[:3] + certs[-3:]:
            assert cert_delivery.served_file(cert).exists()
        requeued = db.session.scalars(select(AuditLog).where(AuditLog.action == "job.requeued")).all()
        assert [a.object_id for a in requeued] == [job_id]
        assert "Traceback" not in second.output()
        assert "re-queued" in second.output()  # holder_gone (its pid is dead) or lease (it lapsed first)
