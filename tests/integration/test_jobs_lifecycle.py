"""One job lifecycle and one resume door: leases, the sweep, and a queue that is down."""

from __future__ import annotations

import logging
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from huey import RedisHuey
from sqlalchemy import select

from bimtek import jobs
from bimtek.certificates import tasks as cert_tasks
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import jobs as cert_jobs
from bimtek.core.models import AuditLog, Job
from bimtek.core.time import utcnow
from bimtek.extensions import db
from tests.factories import login
from tests.factories_certificates import make_cert_event


def _free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


_codes = iter(range(1, 1000))


def _stopped_job(status: str = "failed", **values):
    user, event, _ = make_cert_event(participants=3, code=f"BIMTEK-UJI{next(_codes)}")
    job = cert_jobs.start_issue_job(
        event, {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir", "notify": False}, user=user
    )
    job.status = status
    for key, value in values.items():
        setattr(job, key, value)
    db.session.commit()
    return user, event, job


def _audits(action: str) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_page_and_cli_resume_through_one_door(app, client, runner):
    user, event, job = _stopped_job("failed", error="RuntimeError: simulated crash")
    login(client, user)
    url = f"/manage/events/{event.id}/certificates/jobs/{job.id}/resume"
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Penerbitan dilanjutkan." in page
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    [first] = _audits("certificates.issue_resume")
    assert first.actor_user_id == user.id and first.details["from"] == "failed"

    # A finished job is refused the same way by the page and by both CLI commands, and nothing is audited.
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Pekerjaan ini sudah selesai." in page
    for args in (["jobs", "resume", str(job.id)], ["certificates", "resume", str(job.id)]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "Pekerjaan ini sudah selesai." in result.output
    assert len(_audits("certificates.issue_resume")) == 1

    # The CLI door audits too, then runs the job in place.
    _user, _event, other = _stopped_job("failed", error="x")
    result = runner.invoke(args=["jobs", "resume", str(other.id)])
    assert result.exit_code == 0 and "Sudah selesai, 3/3" in result.output
    cli_audit = _audits("certificates.issue_resume")[-1]
    assert cli_audit.object_id == other.id and cli_audit.actor_label == "cli"


def test_a_job_held_by_a_live_consumer_is_not_resumed_twice(app, client):
    user, event, job = _stopped_job(
        "running", lease_until=utcnow() + timedelta(minutes=5), leased_by=f"{socket.gethostname()}:1"
    )
    login(client, user)
    page = client.post(f"/manage/events/{event.id}/certificates/jobs/{job.id}/resume", follow_redirects=True)
    assert "sedang berjalan" in page.get_data(as_text=True)
    assert jobs.claim(job.id) is False  # the live lease also keeps every consumer out
    assert jobs.sweep() == []  # pid 1 is alive: the lease is honoured
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "running" and not _audits("certificates.issue_resume")


def test_sweep_requeues_lapsed_leases_and_dead_holders_and_they_finish(app):
    _u, event, lapsed = _stopped_job("running", lease_until=utcnow() - timedelta(seconds=1), leased_by="elsewhere:42")
    dead = subprocess.Popen(["true"])
    dead.wait()
    _u2, event2, orphan = _stopped_job(
        "running", lease_until=utcnow() + timedelta(minutes=5), leased_by=f"{socket.gethostname()}:{dead.pid}"
    )
    ids = jobs.sweep()  # tests run the queue inline: re-queued jobs run to the end here
    assert sorted(ids) == sorted([lapsed.id, orphan.id])
    db.session.expire_all()
    for job, ev in ((lapsed, event), (orphan, event2)):
        job = db.session.get(Job, job.id)
        assert (job.status, job.done, job.attempts) == ("done", 3, 1)
        assert len(db.session.scalars(select(Certificate).where(Certificate.event_id == ev.id)).all()) == 3
    reasons = sorted(a.details["reason"] for a in _audits("job.requeued"))
    assert reasons == ["holder_gone", "lease"]


def test_unreachable_queue_leaves_the_job_waiting_visibly_then_the_sweep_runs_it(app, client, monkeypatch):
    user, event, _ = make_cert_event(participants=2)
    dead = RedisHuey("dead", url=f"redis://127.0.0.1:{_free_port()}/0")
    real = cert_tasks.issue_certificates_task.task
    monkeypatch.setattr(cert_tasks.issue_certificates_task, "task", dead.task()(real.func))
    login(client, user)
    resp = client.post(
        f"/manage/events/{event.id}/certificates/issue",
        data={"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir"},
    )
    assert resp.status_code == 302  # no 500 for the organizer
    job = db.session.scalars(select(Job)).one()
    db.session.refresh(job)
    assert (job.status, job.queued_at) == ("queued", None)
    assert job.error == jobs.QUEUE_DOWN_NOTE
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "Antrean pekerjaan tidak terjangkau" in page
    monkeypatch.setattr(cert_tasks.issue_certificates_task, "task", real)  # the queue is back
    assert jobs.sweep() == [job.id]
    db.session.refresh(job)
    assert (job.status, job.done, job.error) == ("done", 2, None)


def test_a_plain_task_runs_in_place_when_the_queue_is_down(app, monkeypatch):
    from bimtek.registration import tasks as reg_tasks
    from tests.factories import make_event, make_registration

    reg = make_registration(make_event())
    dead = RedisHuey("dead", url=f"redis://127.0.0.1:{_free_port()}/0")
    dead.immediate = False
    real = reg_tasks.email_registration.task
    monkeypatch.setattr(reg_tasks.email_registration, "task", dead.task()(real.func))
    app.extensions["mailman"].outbox = []
    reg_tasks.email_registration(reg.id, "manage_link")
    assert [m.to for m in app.extensions["mailman"].outbox] == [[reg.email]]


def test_queue_health_backs_off_instead_of_a_traceback_storm(caplog):
    health = jobs.QueueHealth(RedisHuey("dead", url=f"redis://127.0.0.1:{_free_port()}/0"))
    caplog.set_level(logging.WARNING, logger="bimtek.jobs")
    started = time.monotonic()
    answers = [health.ok() for _ in range(2000)]  # a worker polling as fast as it can
    assert not any(answers) and time.monotonic() - started < 5
    lines = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None  # one line, no traceback


def test_a_consumer_on_a_dead_redis_waits_quietly_then_runs_the_waiting_job(make_app, db_url, tmp_path):
    """The consumer starts while Redis is down, logs a few lines (no tracebacks), and once Redis answers it
    picks up the job a page left waiting in the database."""
    from tests.integration.consumer_process import ConsumerProcess, wait_for

    if not db_url.startswith("postgresql"):
        pytest.skip("the Redis queue runs with PostgreSQL in production")
    port = _free_port()
    app = make_app()
    with app.app_context():
        user, event, _ = make_cert_event(participants=2)
        job = cert_jobs.start_issue_job(
            event,
            {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir", "notify": False},
            user=user,
        )
        db.session.commit()
        job_id = job.id
        consumer = ConsumerProcess(app, redis_url=f"redis://127.0.0.1:{port}/0").start()
        redis_server = None
        try:
            wait_for(lambda: "unreachable" in consumer.output(), timeout=60, step=0.2)
            time.sleep(8)
            quiet = consumer.output()
            assert "Traceback" not in quiet, quiet
            assert 1 <= quiet.count("unreachable") <= 10, quiet  # a handful of lines, not thousands
            redis_server = subprocess.Popen(
                ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                stdout=subprocess.DEVNULL,
            )
            done = wait_for(
                lambda: (
                    (db.session.rollback(), db.session.get(Job, job_id, populate_existing=True))[1].status == "done"
                ),
                timeout=90,
                step=0.5,
            )
            assert done
        except AssertionError:
            raise AssertionError(consumer.output()) from None
        finally:
            consumer.stop()
            if redis_server:
                redis_server.terminate()
                redis_server.wait(10)
        assert "reachable again" in consumer.output()


def test_api_resumes_through_the_same_door(app, client):
    from tests.factories import bearer, token_for

    user, event, job = _stopped_job("failed", error="x")
    auth = bearer(token_for(user))
    url = f"/api/v1/events/{event.id}/certificates/jobs/{job.id}/resume"
    resp = client.post(url, headers=auth)
    assert resp.status_code == 202
    body = client.get(f"/api/v1/events/{event.id}/certificates/jobs/{job.id}", headers=auth).get_json()
    assert (body["status"], body["status_label"], body["done"]) == ("done", "Sudah selesai", 3)
    again = client.post(url, headers=auth)
    assert again.status_code == 409 and again.get_json()["error"] == "job_done"
    assert [a.actor_user_id for a in _audits("certificates.issue_resume")] == [user.id]
