"""Reminders: sent once at the event's local time (WITA here), by the consumer's function outside any request,
nothing more after a restart; whole emails; organizer pages, edits and their authorization."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from bimtek import jobs
from bimtek.extensions import db
from bimtek.reminders import sending, services
from bimtek.reminders.models import Reminder, ReminderSend, WhatsAppTick
from bimtek.reminders.queries import sent_to
from bimtek.reminders.tasks import send_reminders
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_registration import clear_outbox, outbox

# Thursday 22 August 2030, 10.00 WITA (Denpasar) = 02.00 UTC.
START = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)
BASE = "http://bimtek.test:8080"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(make_app):
    clock = Clock(START - timedelta(days=5))
    app = make_app(BASE_URL=BASE, REMINDERS_CLOCK=clock)
    with app.app_context():
        owner = make_user("organizer")
        event = make_event(owner, starts_at=START, province_code="51", city="Denpasar", timezone="Asia/Makassar")
        onsite = make_registration(event, full_name="Ni Luh Putu Ayu, S.Sos.", mode="onsite", phone="0812-3456-7890")
        online = make_registration(event, full_name="I Made Wirawan", mode="online", phone="0813 1111 2222")
        ids = {"event": event.id, "owner": owner.id, "onsite": onsite.id, "online": online.id,
               "onsite_token": onsite.manage_token, "onsite_email": onsite.email, "online_token": online.manage_token}  # fmt: skip
        clear_outbox()
    return app, clock, ids


def consumer_run(app) -> None:
    """What the consumer does every minute: the periodic task, in a thread with no request and no app context."""
    jobs.use_app(app)
    errors = []

    def run():
        from flask import has_app_context, has_request_context

        try:
            assert not has_app_context() and not has_request_context()
            send_reminders.call_local()
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not errors, errors


def subjects(app) -> list[str]:
    with app.app_context():
        return sorted(m.subject for m in outbox())


def test_h1_fires_once_at_0800_wita_and_not_again_after_a_restart(world, make_app):
    app, clock, ids = world
    try:
        # 07.59 WITA the day before (23.59 UTC): nothing yet (H-3 was due on the 19th; its day is over).
        clock.now = datetime(2030, 8, 20, 23, 59, tzinfo=UTC)
        consumer_run(app)
        assert subjects(app) == []
        # 08.00 WITA = 00.00 UTC: H-1 for both participants. (In WIB it would wait until 01.00 UTC.)
        clock.now = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)
        consumer_run(app)
        assert subjects(app) == ["Besok: Bimtek Strategi Komunikasi Media Sosial"] * 2
        consumer_run(app)  # a minute later, the same consumer: nothing twice
        assert len(subjects(app)) == 2
        with app.app_context():
            msg = next(m for m in outbox() if m.to == [ids["onsite_email"]])
            manage = f"{BASE}/r/{ids['onsite_token']}"
            assert msg.subject == "Besok: Bimtek Strategi Komunikasi Media Sosial"
            assert msg.body == (
                "Yth. Ni Luh Putu Ayu, S.Sos.,\n\nBimtek Strategi Komunikasi Media Sosial dimulai besok, Kamis, "
                "22 Agustus 2030, pukul 10.00 WITA. Siapkan tiket Anda (peserta luring) atau tautan Zoom (peserta "
                f"daring) dari tautan pribadi Anda:\n{manage}\n\nSampai jumpa besok.\n\n--\n"
                f"Bimtek Strategi Komunikasi Media Sosial\nTautan pribadi Anda: {manage}"
            )
            html = msg.alternatives[0][0]
            assert f'<a href="{manage}">' in html and "pukul 10.00 WITA" in html
            rows = db.session.scalars(select(ReminderSend)).all()
            assert {(r.status, r.registration_id) for r in rows} == {("sent", ids["onsite"]), ("sent", ids["online"])}
        # A restart: a new app (new engine, new process state) at the same minute sends nothing.
        restarted = make_app(BASE_URL=BASE, REMINDERS_CLOCK=clock)
        consumer_run(restarted)
        assert subjects(restarted) == []
        with restarted.app_context():
            assert db.session.scalar(select(func.count()).select_from(ReminderSend)) == 2
            assert [s["kind"] for s in sent_to(ids["online"])] == ["h1"]
    finally:
        jobs.use_app(None)


def test_zoom_reminder_one_hour_before_goes_to_online_participants_only(world):
    app, clock, ids = world
    with app.app_context():
        clock.now = START - timedelta(minutes=59)  # 09.01 WITA, session 1 at 10.00
        assert sending.send_due() == 1
        (msg,) = outbox()
        assert msg.subject == "Satu jam lagi: Sesi 1"
        assert 'Sesi "Sesi 1" dari Bimtek Strategi Komunikasi Media Sosial dimulai pukul 10.00 WITA.' in msg.body
        assert "https://zoom.us/j/81234567890\nMeeting ID: 812 3456 7890\nKode sandi: rahasia22" in msg.body
        assert f"{BASE}/r/{ids['online_token']}" in msg.body
        # Session 2 (11.30 WITA, the same day) is off by default: only the first session of each day reminds.
        clock.now = START + timedelta(minutes=60)
        assert sending.send_due() == 0


def test_evaluation_reminder_when_it_opens_and_a_disabled_reminder_stays_silent(world):
    from bimtek.evaluation import services as evaluation

    app, clock, ids = world
    with app.app_context():
        event_id = ids["event"]
        from bimtek.events.models import Event

        event = db.session.get(Event, event_id)
        evaluation.update_settings(event, {"opens_at": "2030-08-22T15:00"})  # 15.00 WITA
        db.session.commit()
        services.ensure_reminders(event)
        h1 = db.session.scalar(select(Reminder).where(Reminder.event_id == event_id, Reminder.kind == "h1"))
        h1.enabled = False
        db.session.commit()
        clock.now = datetime(2030, 8, 21, 0, 30, tzinfo=UTC)
        assert sending.send_due() == 0
        clock.now = datetime(2030, 8, 22, 7, 0, tzinfo=UTC)  # 15.00 WITA
        assert sending.send_due() == 2
        assert {m.subject for m in outbox()} == {"Evaluasi dibuka: Bimtek Strategi Komunikasi Media Sosial"}
        assert any(f"{BASE}/r/{ids['onsite_token']}/evaluasi" in m.body for m in outbox())


def test_reminders_page_edit_and_log(world):
    app, clock, ids = world
    client = app.test_client()
    with app.app_context():
        from bimtek.accounts.models import User

        login(client, db.session.get(User, ids["owner"]))
        page = client.get(f"/manage/events/{ids['event']}/pengingat")
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "H-1: sehari sebelum kegiatan" in text and "Rabu, 21 Agustus 2030" in text and "08.00 WITA" in text
        assert "h1" not in [w for w in text.split() if w == "h1"]  # no raw codes shown as words
        h1 = db.session.scalar(select(Reminder).where(Reminder.event_id == ids["event"], Reminder.kind == "h1"))
        url = f"/manage/events/{ids['event']}/pengingat/{h1.id}"
        bad = client.post(url, data={"enabled": "y", "send_time": "7 pagi", "subject": "Besok {acara}",
                                     "body": "Halo {nama} {nip}", "wa_text": "Halo {nama} {zoom}"})  # fmt: skip
        body = bad.get_data(as_text=True)
        assert bad.status_code == 422
        assert "Tulis jam seperti 08.00." in body and "Penanda tidak dikenal: {nip}." in body
        assert "Penanda tidak dikenal: {zoom}." in body
        ok = client.post(url, data={"enabled": "y", "send_time": "07.30", "subject": "Besok: {acara}",
                                    "body": "Halo {nama}, sampai besok: {tautan}", "wa_text": "Halo {nama}: {tautan}"})  # fmt: skip
        assert ok.status_code == 302
        db.session.refresh(h1)
        assert (h1.send_time, h1.wa_text) == ("07:30", "Halo {nama}: {tautan}")
        clock.now = datetime(2030, 8, 20, 23, 30, tzinfo=UTC)  # 07.30 WITA
        assert sending.send_due() == 2
        log_page = client.get(f"/manage/events/{ids['event']}/pengingat").get_data(as_text=True)
        assert "I Made Wirawan" in log_page and "Terkirim" in log_page


def test_other_organizer_gets_404_everywhere(world):
    app, clock, ids = world
    client = app.test_client()
    with app.app_context():
        login(client, make_user("organizer"))
        event_id = ids["event"]
        rid = services.ensure_reminders(db.session.get(__import__("bimtek.events.models", fromlist=["Event"]).Event,
                                                        event_id))[0].id  # fmt: skip
        db.session.commit()
        assert client.get(f"/manage/events/{event_id}/pengingat").status_code == 404
        assert client.get(f"/manage/events/{event_id}/pengingat/{rid}").status_code == 404
        assert client.post(f"/manage/events/{event_id}/pengingat/{rid}", data={"subject": "x"}).status_code == 404
        assert client.get(f"/manage/events/{event_id}/whatsapp").status_code == 404
        tick = client.post(f"/manage/events/{event_id}/whatsapp/{rid}/tandai",
                           data={"registration_id": ids["onsite"], "sent": "1"})  # fmt: skip
        assert tick.status_code == 404
        assert db.session.scalar(select(func.count()).select_from(WhatsAppTick)) == 0


def test_reminder_of_another_event_is_404_for_its_organizer(world):
    app, clock, ids = world
    client = app.test_client()
    with app.app_context():
        from bimtek.accounts.models import User

        owner = db.session.get(User, ids["owner"])
        other = make_event(owner, title="Lain", code="LAIN")
        rid = services.ensure_reminders(other)[0].id
        db.session.commit()
        login(client, owner)
        assert client.get(f"/manage/events/{ids['event']}/pengingat/{rid}").status_code == 404


def test_whatsapp_page_links_and_ticks(world):
    app, clock, ids = world
    client = app.test_client()
    with app.app_context():
        from bimtek.accounts.models import User

        login(client, db.session.get(User, ids["owner"]))
        default = client.get(f"/manage/events/{ids['event']}/whatsapp").get_data(as_text=True)
        manage = f"{BASE}/r/{ids['onsite_token']}"
        ticket = quote(f"Halo Ni Luh Putu Ayu, S.Sos., pendaftaran Anda untuk Bimtek Strategi Komunikasi Media "
                       f"Sosial (Kamis, 22 Agustus 2030, pukul 10.00 WITA) sudah kami terima. Tiket, tautan Zoom, dan "
                       f"info ada di tautan pribadi Anda: {manage}", safe="")  # fmt: skip
        assert f'href="https://wa.me/6281234567890?text={ticket}"' in default  # the ticket message comes first
        h3 = db.session.scalar(select(Reminder).where(Reminder.event_id == ids["event"], Reminder.kind == "h3"))
        page = client.get(f"/manage/events/{ids['event']}/whatsapp?pengingat={h3.id}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        expected = quote(f"Halo Ni Luh Putu Ayu, S.Sos., 3 hari lagi Bimtek Strategi Komunikasi Media Sosial "
                         f"(Kamis, 22 Agustus 2030, pukul 10.00 WITA). Tiket dan info: {manage}", safe="")  # fmt: skip
        assert f'href="https://wa.me/6281234567890?text={expected}"' in text
        assert "https://wa.me/6281311112222?text=" in text
        assert client.get(f"/manage/events/{ids['event']}/whatsapp?pengingat=999999").status_code == 404
        resp = client.post(f"/manage/events/{ids['event']}/whatsapp/{h3.id}/tandai",
                           data={"registration_id": ids["onsite"], "sent": "1"})  # fmt: skip
        assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#p{ids['onsite']}")
        after = client.get(f"/manage/events/{ids['event']}/whatsapp?pengingat={h3.id}&belum=1").get_data(as_text=True)
        assert "Ni Luh" not in after and "I Made Wirawan" in after
        # Someone who is not a recipient of this reminder (no Zoom for an on-site participant): 404.
        zoom = db.session.scalar(select(Reminder).where(Reminder.event_id == ids["event"], Reminder.kind == "zoom"))
        refused = client.post(f"/manage/events/{ids['event']}/whatsapp/{zoom.id}/tandai",
                              data={"registration_id": ids["onsite"], "sent": "1"})  # fmt: skip
        assert refused.status_code == 404
        untick = client.post(f"/manage/events/{ids['event']}/whatsapp/{h3.id}/tandai",
                             data={"registration_id": ids["onsite"], "sent": "0"})  # fmt: skip
        assert untick.status_code == 302
        assert db.session.scalar(select(func.count()).select_from(WhatsAppTick)) == 0


def test_tick_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, BASE_URL="http://localhost")
    client = app.test_client()
    with app.app_context():
        owner = make_user("organizer")
        event = make_event(owner)
        reg = make_registration(event)
        rid = services.ensure_reminders(event)[0].id
        db.session.commit()
        page = client.get("/login").get_data(as_text=True)
        token = (
            page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            if 'name="csrf_token" type="hidden"' in page
            else page.split('name="csrf_token" value="')[1].split('"')[0]
        )
        client.post("/login", data={"email": owner.email, "password": "correct-horse-battery", "csrf_token": token})
        url = f"/manage/events/{event.id}/whatsapp/{rid}/tandai"
        assert client.post(url, data={"registration_id": reg.id, "sent": "1"}).status_code == 400
        wa = client.get(f"/manage/events/{event.id}/whatsapp").get_data(as_text=True)
        form_token = wa.split('name="csrf_token" value="')[1].split('"')[0]
        ok = client.post(url, data={"registration_id": reg.id, "sent": "1", "csrf_token": form_token})
        assert ok.status_code == 302
        assert db.session.scalar(select(func.count()).select_from(WhatsAppTick)) == 1


def test_participant_manage_page_offers_share_to_whatsapp_with_their_own_link(world):
    app, clock, ids = world
    client = app.test_client()
    page = client.get(f"/r/{ids['onsite_token']}", base_url="http://bimtek.test:8080").get_data(as_text=True)
    text = quote(f"Tiket dan tautan pribadi saya untuk Bimtek Strategi Komunikasi Media Sosial: "
                 f"http://bimtek.test:8080/r/{ids['onsite_token']}", safe="")  # fmt: skip
    assert f'href="https://wa.me/?text={text}"' in page and "Bagikan ke WhatsApp" in page


def test_certificate_reminder_reaches_only_those_the_certificate_email_missed_and_the_page_shares(world):
    from bimtek.certificates.services.jobs import start_issue_job
    from bimtek.certificates.services.settings import update_settings
    from bimtek.certificates.tasks import run_issue_job
    from bimtek.events.models import Event
    from bimtek.registration.models import Registration
    from tests.factories_certificates import SIGNATORY

    app, clock, ids = world
    with app.app_context():
        event = db.session.get(Event, ids["event"])
        owner = __import__("bimtek.accounts.models", fromlist=["User"]).User
        owner = db.session.get(owner, ids["owner"])
        update_settings(event, SIGNATORY, user=owner)
        db.session.commit()
        job = start_issue_job(
            event, {"scope": "eligible", "notify": False, "early_issue_reason": "Uji pengingat sertifikat"}, user=owner
        )  # no certificate email
        db.session.commit()
        run_issue_job(job.id)
        clear_outbox()
        issued = datetime.now(UTC)
        clock.now = issued + timedelta(minutes=59)
        assert sending.send_due() == 0  # the issuing job's own email goes first
        clock.now = issued + timedelta(hours=1, minutes=1)
        assert sending.send_due() == 2
        subjects_sent = {m.subject for m in outbox()}
        assert subjects_sent == {"Sertifikat siap: Bimtek Strategi Komunikasi Media Sosial"}
        token = db.session.get(Registration, ids["online"]).manage_token
        assert any(f"{BASE}/r/{token}/sertifikat?view=1" in m.body for m in outbox())
        page = app.test_client().get(f"/r/{token}/sertifikat?view=1").get_data(as_text=True)
        assert 'id="wa-share" href="https://wa.me/?text=Sertifikat%20saya%20untuk%20Bimtek' in page
        assert "%2Fverify%2F" in page


def test_cli_plan_and_send(world):
    app, clock, ids = world
    runner = app.test_cli_runner()
    plan = runner.invoke(args=["reminders", "plan", str(ids["event"])])
    assert plan.exit_code == 0, plan.output
    assert "\th1\ton\t2030-08-21T00:00:00+00:00\t0 sent" in plan.output
    bad = runner.invoke(args=["reminders", "send", "--now", "besok"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output
    sent = runner.invoke(args=["reminders", "send", "--now", "2030-08-21T00:05:00+00:00"])
    assert sent.exit_code == 0 and sent.output.strip() == "2 reminder email(s) sent"
    again = runner.invoke(args=["reminders", "send", "--now", "2030-08-21T00:06:00+00:00"])
    assert again.output.strip() == "0 reminder email(s) sent"
    assert runner.invoke(args=["reminders", "plan", "999999"]).exit_code == 1


def test_ticket_message_is_whatsapp_only_and_its_text_is_edited_alone(world):
    app, clock, ids = world
    client = app.test_client()
    with app.app_context():
        from bimtek.accounts.models import User

        login(client, db.session.get(User, ids["owner"]))
        page = client.get(f"/manage/events/{ids['event']}/pengingat").get_data(as_text=True)
        assert "Tiket dan tautan pribadi (pendaftaran diterima)" in page and "Hanya WhatsApp" in page
        ticket = db.session.scalar(select(Reminder).where(Reminder.event_id == ids["event"], Reminder.kind == "ticket"))
        url = f"/manage/events/{ids['event']}/pengingat/{ticket.id}"
        assert 'name="subject"' not in client.get(url).get_data(as_text=True)
        assert client.post(url, data={"wa_text": "Halo {nama}, NIP {nip}"}).status_code == 422
        assert client.post(url, data={"wa_text": "Halo {nama}, tiket Anda: {tautan}"}).status_code == 302
        db.session.refresh(ticket)
        assert (ticket.wa_text, ticket.enabled, ticket.subject) == ("Halo {nama}, tiket Anda: {tautan}", True, "")
        for now in (START - timedelta(days=3), START - timedelta(hours=1), START):
            clock.now = now
            sending.send_due()
        assert db.session.scalar(select(func.count()).select_from(ReminderSend).where(
            ReminderSend.reminder_id == ticket.id)) == 0  # fmt: skip


def test_an_erased_participant_gets_no_reminder(world):
    from bimtek.registration.models import Registration
    from bimtek.registration.privacy import erase_registration

    app, clock, ids = world
    with app.app_context():
        erase_registration(db.session.get(Registration, ids["onsite"]), actor="test", reason="permintaan peserta")
        db.session.commit()
        clock.now = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)
        assert sending.send_due() == 1
        assert [m.to for m in outbox()] == [[db.session.get(Registration, ids["online"]).email]]


def test_two_consumers_at_once_send_each_reminder_once(world):
    app, clock, ids = world
    with app.app_context():
        from bimtek.events.models import Event

        event = db.session.get(Event, ids["event"])
        for i in range(30):
            make_registration(event, full_name=f"Peserta Serentak {i}", mode="online")
        clear_outbox()
    clock.now = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)
    jobs.use_app(app)
    barrier, errors = threading.Barrier(2), []

    def consume():
        try:
            barrier.wait(10)
            send_reminders.call_local()
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    try:
        threads = [threading.Thread(target=consume) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        jobs.use_app(None)
    assert not errors, errors
    with app.app_context():
        sent = [m.to[0] for m in outbox()]
        assert len(sent) == 32 and len(set(sent)) == 32
        assert db.session.scalar(select(func.count()).select_from(ReminderSend)) == 32


def test_pages_in_english_show_labels_never_codes(world):
    app, clock, ids = world
    client = app.test_client()
    with app.app_context():
        from bimtek.accounts.models import User

        login(client, db.session.get(User, ids["owner"]))
        clock.now = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)
        sending.send_due()
        page = client.get(f"/manage/events/{ids['event']}/pengingat?lang=en").get_data(as_text=True)
        for label in ("Scheduled reminders", "D-1: the day before the event", "Not scheduled yet", "Sending log",
                      "Ticket and private link (registration accepted)", "WhatsApp only", "Sent"):  # fmt: skip
            assert label in page, label
        wa = client.get(f"/manage/events/{ids['event']}/whatsapp?lang=en").get_data(as_text=True)
        assert "Send via WhatsApp" in wa and "Mark as sent" in wa
        visible = re.sub(r"<[^>]+>", " ", page + wa)  # what people read (class names are not shown)
        for code in ("post_test", "per_person", "wa_only", "claimed", " h1 ", " h3 ", "zoom:"):
            assert code not in visible, code


def test_one_broken_event_does_not_hold_back_the_others(world, caplog):
    from bimtek.events.models import Event

    app, clock, ids = world
    with app.app_context():
        owner = db.session.get(__import__("bimtek.accounts.models", fromlist=["User"]).User, ids["owner"])
        broken = make_event(owner, title="Rusak", code="RUSAK", starts_at=START)
        make_registration(broken)
        db.session.get(Event, broken.id).timezone = "Mars/Olympus"  # written around the service's check
        db.session.commit()
        clock.now = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)
        assert sending.send_due() == 2  # the WITA event's two participants
        assert f"Reminders of event {broken.id} could not be sent" in caplog.text
