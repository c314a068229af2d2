"""A closed evaluation reads "Ditutup" and invites nobody, neither from the page nor from a queued job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bimtek.extensions import db
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_reports import open_evaluation
from tests.integration.test_jobs_in_consumer import _job, app, outbox, queue  # noqa: F401  (fixtures)


def test_closed_evaluation_sends_no_invitations(app, client, queue):  # noqa: F811
    owner = make_user("organizer")
    event = make_event(owner)
    make_registration(event)
    settings = open_evaluation(event, opens=datetime.now(UTC) - timedelta(days=3))
    settings.closes_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    login(client, owner)

    page = client.get(f"/manage/events/{event.id}/evaluasi").get_data(as_text=True)
    assert "Ditutup" in page and "Tidak dibuka" not in page
    assert "Kirim tautan evaluasi ke peserta yang belum mengisi" not in page

    resp = client.post(f"/manage/events/{event.id}/evaluasi/undangan", follow_redirects=True)
    assert "Evaluasi sudah ditutup: undangan tidak dikirim." in resp.get_data(as_text=True)
    queue.drain()
    assert outbox(app) == [] and queue.ran == []


def test_invitation_job_stops_when_the_evaluation_closed_meanwhile(app, client, queue):  # noqa: F811
    owner = make_user("organizer")
    event = make_event(owner)
    make_registration(event)
    settings = open_evaluation(event)
    login(client, owner)
    client.post(f"/manage/events/{event.id}/evaluasi/undangan")
    settings.closes_at = datetime.now(UTC) - timedelta(minutes=1)  # closed before the consumer got to it
    db.session.commit()
    queue.drain()
    assert outbox(app) == []
    assert _job("evaluation.invite").done == 0


def test_evaluation_status_labels(app, client, queue):  # noqa: F811
    owner = make_user("organizer")
    event = make_event(owner)
    login(client, owner)
    client.post(f"/manage/events/{event.id}/evaluasi", data={"action": "prepare"})
    assert "Belum dijadwalkan" in client.get(f"/manage/events/{event.id}/evaluasi").get_data(as_text=True)
    open_evaluation(event)
    page = client.get(f"/manage/events/{event.id}/evaluasi").get_data(as_text=True)
    assert ">Dibuka<" in page and "Ditutup" not in page.split('id="undangan"')[0].split("Pengaturan")[1][:300]
