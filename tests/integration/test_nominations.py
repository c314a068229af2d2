"""Agency nominations with quotas: the board, the PIC's private link, the deadline, the release, the letter."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bimtek.core.models import AuditLog
from bimtek.errors import DomainError
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.nominations import services
from bimtek.nominations.models import InvitedAgency, Nomination
from bimtek.nominations.tasks import release_due
from bimtek.registration.models import Registration
from tests.factories import login, make_event, make_user, registration_data
from tests.factories_registration import clear_outbox, form_data, outbox

FUTURE = "2030-08-20T17:00"


def _person(**overrides) -> dict:
    data = registration_data(**overrides)
    data.pop("consent")
    return data


def _board(client, event) -> str:
    return f"/manage/events/{event.id}/nominasi"


def _setup(client, *, intake="nomination", deadline=FUTURE, **event_overrides):
    organizer = make_user("organizer")
    event = make_event(organizer, **{"onsite_capacity": 10, "online_capacity": 10, **event_overrides})
    login(client, organizer)
    resp = client.post(_board(client, event) + "/pengaturan", data={"intake": intake, "deadline": deadline,
                                                                      "auto_release": "1"})  # fmt: skip
    assert resp.status_code == 303, resp.data[:400]
    return organizer, event


def _invite(client, event, name="Dinas Kominfo Kota Batam", onsite=1, online=2, email="pic@batam.go.id", **extra):
    data = {"name": name, "onsite_quota": onsite, "online_quota": online, "pic_name": "Rina Marlina",
            "pic_email": email, "pic_phone": "0812 7000 1234", "region_code": "21.71", **extra}  # fmt: skip
    resp = client.post(_board(client, event) + "/instansi", data=data)
    assert resp.status_code == 303, resp.data[:600]
    return db.session.scalar(select(InvitedAgency).where(InvitedAgency.event_id == event.id,
                                                         InvitedAgency.name == name))  # fmt: skip


def _fresh(event_id: int) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event_id)


def _token(agency) -> str:
    token = services.link_token(agency) or services.new_link(agency)
    db.session.commit()
    return token


def test_pic_invited_by_email_nominates_within_quota(client):
    _org, event = _setup(client)
    agency = _invite(client, event)
    event = _fresh(event.id)
    assert (event.onsite_taken, event.online_taken) == (1, 2)  # the quota is held for the agency
    assert agency.pic_phone == "+6281270001234"
    clear_outbox()
    assert client.post(_board(client, event) + "/undang").status_code == 303
    mail = [m for m in outbox() if m.to == ["pic@batam.go.id"]]
    assert len(mail) == 1 and "Undangan nominasi peserta" in mail[0].subject
    link = re.search(r"http://localhost(/nominasi/[\w-]+)", mail[0].body).group(1)
    assert services.token_hash(link.rsplit("/", 1)[1]) == agency.token_hash
    assert link.rsplit("/", 1)[1] not in (agency.token_hash, agency.token_nonce)

    page = client.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Dinas Kominfo Kota Batam" in text and "Batas waktu nominasi" in text
    clear_outbox()
    resp = client.post(link, data=_person(mode="onsite", email="andi@batam.go.id", full_name="Andi Wijaya, S.Sos."))
    assert resp.status_code == 303
    reg = db.session.scalar(select(Registration).where(Registration.email_key == "andi@batam.go.id"))
    assert reg.status == "confirmed" and reg.source == "nomination" and reg.mode == "onsite"
    assert reg.institution_name == "Dinas Kominfo Kota Batam" and reg.regency_code == "21.71"
    assert any(m.to == ["andi@batam.go.id"] for m in outbox())  # their own manage link, as today
    db.session.expire_all()
    assert _fresh(event.id).onsite_taken == 1  # the held seat became the nominee's

    no_mode = client.post(link, data=_person(mode=""))
    assert no_mode.status_code == 422 and "Pilih cara mengikuti." in no_mode.get_data(as_text=True)
    # The nominee's own page: their manage link as today, but the mode is the agency's to set.
    manage = client.get(f"/r/{reg.manage_token}").get_data(as_text=True)
    assert f'action="/r/{reg.manage_token}/mode"' not in manage
    switched = client.post(f"/r/{reg.manage_token}/mode", data={"mode": "online"}, follow_redirects=True)
    assert "diatur oleh PIC instansi" in switched.get_data(as_text=True)
    assert db.session.scalar(select(Registration.mode).where(Registration.id == reg.id)) == "onsite"
    full = client.post(link, data=_person(mode="onsite"))
    assert full.status_code == 409
    assert "Kuota instansi Anda untuk cara mengikuti ini sudah terpakai semua." in full.get_data(as_text=True)
    bad = client.post(link, data=_person(mode="online", nip="123", employment_status="pns", phone="12"))
    assert bad.status_code == 422
    assert "NIP" in bad.get_data(as_text=True)

    board = client.get(_board(client, event)).get_data(as_text=True)
    assert "Dinas Kominfo Kota Batam" in board and "<strong>1</strong> dari 3" in board
    # A nomination-only event keeps its public form closed.
    assert "registration/closed" not in board
    closed = client.post(f"/e/{event.slug}/daftar", data=form_data())
    assert closed.status_code == 409
    assert "dinominasikan oleh instansi yang diundang panitia" in closed.get_data(as_text=True)
    assert "dinominasikan oleh instansi yang diundang panitia" in client.get(f"/e/{event.slug}").get_data(as_text=True)


def test_nomination_after_the_deadline_is_refused_clearly(client):
    _org, event = _setup(client)
    agency = _invite(client, event)
    token = _token(agency)
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(_board(client, event) + "/pengaturan", data={"intake": "nomination", "deadline": past})
    resp = client.post(f"/nominasi/{token}", data=_person(mode="onsite"))
    assert resp.status_code == 409
    assert "Batas waktu nominasi sudah lewat" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    client.get("/lang/en")
    page = client.get(f"/nominasi/{token}").get_data(as_text=True)
    assert "Nominated participants" in page and "The nomination deadline has passed." in page
    refused = client.post(f"/nominasi/{token}", data=_person(mode="onsite")).get_data(as_text=True)
    assert "The nomination deadline has passed. Contact the organizer" in refused
    board = client.get(_board(client, event)).get_data(as_text=True)
    assert "Invited agencies" in board and "Release unused seats now" in board and "Instansi yang diundang" not in board


def test_a_pic_cannot_see_or_change_another_agencys_nominees(client):
    _org, event = _setup(client)
    first = _token(_invite(client, event, name="Dinas Kominfo Kota Batam"))
    second = _token(_invite(client, event, name="Dinas Kominfo Kabupaten Bintan", email="pic@bintan.go.id",
                            region_code="21.01"))  # fmt: skip
    client.post(f"/nominasi/{first}", data=_person(mode="onsite", full_name="Andi Wijaya"))
    rid = db.session.scalar(select(Nomination.registration_id))
    pic = client.application.test_client()  # the other agency's PIC, on their own phone
    assert "Andi Wijaya" not in pic.get(f"/nominasi/{second}").get_data(as_text=True)
    assert pic.get(f"/nominasi/{second}/ganti/{rid}").status_code == 404
    assert pic.post(f"/nominasi/{second}/ganti/{rid}", data=_person(mode="onsite")).status_code == 404
    assert pic.get("/nominasi/not-a-real-token").status_code == 404
    assert "Andi Wijaya" in pic.get(f"/nominasi/{first}").get_data(as_text=True)
    assert db.session.get(Registration, rid).status == "confirmed"


def test_replace_a_nominee_keeps_the_seat_with_the_agency(client):
    _org, event = _setup(client, onsite_capacity=2)
    token = _token(_invite(client, event, onsite=1, online=0))
    client.post(f"/nominasi/{token}", data=_person(mode="onsite", email="lama@batam.go.id"))
    old = db.session.scalar(select(Registration).where(Registration.email_key == "lama@batam.go.id"))
    # Someone waits in open registration for the last seat: the replaced seat must not go to them.
    client.post(_board(client, event) + "/pengaturan", data={"intake": "both", "deadline": FUTURE})
    client.post(f"/e/{event.slug}/daftar", data=form_data(email="umum1@x.go.id"))
    client.post(f"/e/{event.slug}/daftar", data=form_data(email="umum2@x.go.id", accept_waitlist="y"))
    assert (
        db.session.scalar(select(Registration.status).where(Registration.email_key == "umum2@x.go.id")) == "waitlisted"
    )

    assert "Kuota instansi Anda sudah terpakai semua." in client.get(f"/nominasi/{token}").get_data(as_text=True)
    assert client.get(f"/nominasi/{token}/ganti/{old.id}").status_code == 200
    resp = client.post(f"/nominasi/{token}/ganti/{old.id}", data=_person(mode="onsite", email="baru@batam.go.id"))
    assert resp.status_code == 303, resp.data[:500]
    db.session.expire_all()
    assert db.session.get(Registration, old.id).status == "cancelled"
    new = db.session.scalar(select(Registration).where(Registration.email_key == "baru@batam.go.id"))
    assert new.status == "confirmed"
    assert (
        db.session.scalar(select(Registration.status).where(Registration.email_key == "umum2@x.go.id")) == "waitlisted"
    )
    event = _fresh(event.id)
    assert event.onsite_taken == 2
    agency = db.session.scalar(select(InvitedAgency))
    assert agency.onsite_used == 1
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "nomination.replace"))


def test_released_seats_appear_in_open_registration(client):
    _org, event = _setup(client, onsite_capacity=3, intake="both")
    token = _token(_invite(client, event, onsite=3, online=0))
    client.post(f"/nominasi/{token}", data=_person(mode="onsite"))
    # All three seats belong to the agency: open registration can only wait.
    refused = client.post(f"/e/{event.slug}/daftar", data=form_data(email="umum@x.go.id"))
    assert refused.status_code == 422
    client.post(f"/e/{event.slug}/daftar", data=form_data(email="tunggu@x.go.id", accept_waitlist="y"))
    assert (
        db.session.scalar(select(Registration.status).where(Registration.email_key == "tunggu@x.go.id")) == "waitlisted"
    )

    clear_outbox()
    resp = client.post(_board(client, event) + "/lepas")
    assert resp.status_code == 303
    assert [m.to for m in outbox()] == [["tunggu@x.go.id"]] and "Anda mendapat kursi" in outbox()[0].subject
    db.session.expire_all()
    assert (
        db.session.scalar(select(Registration.status).where(Registration.email_key == "tunggu@x.go.id")) == "confirmed"
    )
    seat = client.post(f"/e/{event.slug}/daftar", data=form_data(email="umum@x.go.id"))
    assert seat.status_code == 303
    assert db.session.scalar(select(Registration.status).where(Registration.email_key == "umum@x.go.id")) == "confirmed"
    db.session.expire_all()
    assert _fresh(event.id).onsite_taken == 3
    late = client.post(f"/nominasi/{token}", data=_person(mode="onsite"))
    assert late.status_code == 409 and "Batas waktu nominasi sudah lewat" in late.get_data(as_text=True)


def test_the_deadline_job_releases_by_itself_and_opens_the_form(client):
    _org, event = _setup(client, onsite_capacity=2, online_capacity=0)
    _invite(client, event, onsite=2, online=0)
    assert client.get(f"/e/{event.slug}/daftar").status_code == 200  # the "closed" page
    assert release_due(datetime(2030, 8, 19, tzinfo=UTC)) == []
    assert release_due(datetime(2030, 8, 21, tzinfo=UTC)) == [event.id]
    db.session.expire_all()
    event = _fresh(event.id)
    assert event.intake == "both" and event.onsite_taken == 0
    assert client.post(f"/e/{event.slug}/daftar", data=form_data(email="umum@x.go.id")).status_code == 303
    assert release_due(datetime(2030, 8, 22, tzinfo=UTC)) == []  # once


def test_surat_tugas_is_one_pdf_within_the_limit(make_app):
    app = make_app(NOMINATION_LETTER_MAX_BYTES=1024 * 1024)
    with app.app_context():
        client = app.test_client()
        _org, event = _setup(client)
        agency = _invite(client, event)
        token = _token(agency)
        url = f"/nominasi/{token}/surat-tugas"
        wrong = client.post(url, data={"letter": (io.BytesIO(b"MZ not a pdf"), "surat.pdf")})
        assert wrong.status_code == 422 and "Surat tugas harus berupa berkas PDF." in wrong.get_data(as_text=True)
        big = client.post(url, data={"letter": (io.BytesIO(b"%PDF-1.4" + b"x" * (1024 * 1024)), "besar.pdf")})
        assert big.status_code == 413
        ok = client.post(url, data={"letter": (io.BytesIO(b"%PDF-1.4 surat tugas"), "Surat Tugas.pdf")})
        assert ok.status_code == 303
        board = client.get(_board(client, event)).get_data(as_text=True)
        assert "diterima" in board
        got = client.get(f"{_board(client, event)}/instansi/{agency.id}/surat-tugas")
        assert got.status_code == 200 and got.data.startswith(b"%PDF-1.4 surat tugas")
        got.close()


def test_agencies_from_the_region_reference_and_from_xlsx(client):
    _org, event = _setup(client, onsite_capacity=20)
    resp = client.post(_board(client, event) + "/wilayah", data={"province_code": "21", "onsite_quota": "1",
                       "online_quota": "0", "include_province": "1", "include_regencies": "1"})  # fmt: skip
    assert resp.status_code == 303
    names = set(db.session.scalars(select(InvitedAgency.name)))
    assert len(names) == 8 and "Dinas Kominfo Kota Batam" in names and "Dinas Kominfo Provinsi Kepulauan Riau" in names
    assert _fresh(event.id).onsite_taken == 8

    def sheet(rows):
        book = Workbook()
        book.active.append(["Instansi", "Kuota luring", "Kuota daring", "Nama PIC", "Email PIC", "WhatsApp PIC"])
        for row in rows:
            book.active.append(row)
        buf = io.BytesIO()
        book.save(buf)
        return {"file": (io.BytesIO(buf.getvalue()), "instansi.xlsx")}

    bad = client.post(_board(client, event) + "/impor", data=sheet([["Diskominfo Aceh", 1, 0, "A", "a@aceh.go.id",
                      "0812 7000 1111"], ["Diskominfo Bali", 1, 0, "B", "bukan-email", "0812"]]))  # fmt: skip
    assert bad.status_code == 422 and "Baris 3" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(InvitedAgency)) == 8
    good = client.post(_board(client, event) + "/impor", data=sheet([["Diskominfo Aceh", 1, 2.0, "A", "a@aceh.go.id",
                       "0812 7000 1111"], ["Dinas Kominfo Kota Batam", 1, 0, "", "", ""]]))  # fmt: skip
    assert good.status_code == 303
    aceh = db.session.scalar(select(InvitedAgency).where(InvitedAgency.name == "Diskominfo Aceh"))
    assert (aceh.onsite_quota, aceh.online_quota, aceh.pic_phone) == (1, 2, "+6281270001111")
    assert db.session.scalar(select(func.count()).select_from(InvitedAgency)) == 9  # Batam was already invited
    too_many = client.post(_board(client, event) + "/instansi", data={"name": "Besar", "onsite_quota": 50})
    assert too_many.status_code == 409 and "Kursi kegiatan tidak cukup" in too_many.get_data(as_text=True)
    assert client.get(_board(client, event) + "/templat.xlsx").data.startswith(b"PK")


def test_remind_laggards_in_one_action(client):
    _org, event = _setup(client)
    done = _invite(client, event, name="Dinas Kominfo Kota Batam", onsite=1, online=0)
    _invite(client, event, name="Dinas Kominfo Kabupaten Bintan", email="pic@bintan.go.id", region_code="21.01")
    _invite(client, event, name="Dinas Kominfo Kabupaten Natuna", email="", region_code="21.03")
    resp = client.post(f"/nominasi/{_token(done)}", data=_person(mode="onsite"))
    assert resp.status_code == 303, resp.data[-3000:]
    clear_outbox()
    resp = client.post(_board(client, event) + "/ingatkan")
    assert resp.status_code == 303
    sent = [m for m in outbox() if "Pengingat nominasi" in m.subject]
    assert [m.to for m in sent] == [["pic@bintan.go.id"]]
    assert "/nominasi/" in sent[0].body and "Kuota" in sent[0].body
    assert db.session.scalar(select(InvitedAgency.reminded_at).where(InvitedAgency.name.like("%Bintan"))) is not None


def test_pic_page_and_board_need_the_right_keys(client, app):
    organizer = make_user("organizer")
    other = make_user("organizer")
    event = make_event(organizer)
    assert client.get(f"/manage/events/{event.id}/nominasi").status_code in (302, 401)
    login(client, other)
    assert client.get(f"/manage/events/{event.id}/nominasi").status_code in (403, 404)


def test_demo_upcoming_event_has_invited_agencies(app):
    from bimtek.demo import seed

    assert seed()
    db.session.commit()
    rows = db.session.execute(select(InvitedAgency.name, InvitedAgency.onsite_used, InvitedAgency.online_used)).all()
    assert len(rows) == 4 and ("Dinas Kominfo Kota Batam", 1, 1) in rows
    event = db.session.get(Event, db.session.scalar(select(InvitedAgency.event_id)))
    assert event.intake == "both" and event.starts_at.year >= 2026
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 3


def test_report_counts_by_agency_on_the_board_and_in_the_export(client):
    from openpyxl import load_workbook

    from bimtek.attendance.models import EligibilityVerdict
    from bimtek.certificates.queries import certificates_by_registration

    _org, event = _setup(client)
    token = _token(_invite(client, event, onsite=1, online=2))
    _invite(client, event, name="Dinas Kominfo Kabupaten Bintan", email="", region_code="21.01", onsite=0, online=1)
    for mode in ("onsite", "online"):
        assert client.post(f"/nominasi/{token}", data=_person(mode=mode)).status_code == 303
    ids = sorted(db.session.scalars(select(Nomination.registration_id)))
    # The first nominee is judged present by the attendance rule (read back only through attendance.queries).
    db.session.add(EligibilityVerdict(event_id=event.id, registration_id=ids[0], eligible=True, reasons=[]))
    db.session.commit()
    assert certificates_by_registration(ids) == {}
    from bimtek.nominations.queries import agency_report

    rows = {r["name"]: r for r in agency_report(_fresh(event.id))}
    batam, bintan = rows["Dinas Kominfo Kota Batam"], rows["Dinas Kominfo Kabupaten Bintan"]
    assert [batam[k] for k in ("invited", "nominated", "attended", "certified")] == [3, 2, 1, 0]
    assert [bintan[k] for k in ("invited", "nominated", "attended", "certified")] == [1, 0, 0, 0]
    board = client.get(_board(client, event)).get_data(as_text=True)
    assert "<strong>2</strong> dari 3" in board and "<strong>0</strong> dari 1" in board
    resp = client.get(f"/manage/events/{event.id}/laporan.xlsx")
    sheet = load_workbook(io.BytesIO(resp.data))["Nominasi instansi"]
    assert [c.value for c in sheet[1]] == ["Instansi", "Kuota luring", "Kuota daring", "Dinominasikan", "Hadir",
                                           "Bersertifikat"]  # fmt: skip
    assert ["Dinas Kominfo Kota Batam", 1, 2, 2, 1, 0] in [
        list(r) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]


def test_a_nominee_who_cancelled_can_be_replaced_and_letters_come_after_the_deadline(client):
    _org, event = _setup(client, onsite_capacity=2, online_capacity=0)
    token = _token(_invite(client, event, onsite=1, online=0))
    client.post(f"/nominasi/{token}", data=_person(mode="onsite", email="batal@batam.go.id"))
    old = db.session.scalar(select(Registration).where(Registration.email_key == "batal@batam.go.id"))
    # The nominee cancels through their own manage link: the seat goes back to the event.
    assert client.post(f"/r/{old.manage_token}/batal", data={"confirm": "y"}).status_code in (302, 303)
    assert _fresh(event.id).onsite_taken == 0
    page = client.get(f"/nominasi/{token}").get_data(as_text=True)
    assert "Dibatalkan" in page and f"/ganti/{old.id}" in page
    resp = client.post(f"/nominasi/{token}/ganti/{old.id}", data=_person(mode="onsite", email="ganti@batam.go.id"))
    assert resp.status_code == 303, resp.data[-2000:]
    assert _fresh(event.id).onsite_taken == 1
    assert db.session.scalar(select(InvitedAgency.onsite_used)) == 1

    past = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    client.post(_board(client, event) + "/pengaturan", data={"intake": "nomination", "deadline": past})
    assert client.post(f"/nominasi/{token}/ganti/{old.id}", data=_person(mode="onsite")).status_code == 404
    ok = client.post(f"/nominasi/{token}/surat-tugas", data={"letter": (io.BytesIO(b"%PDF-1.7 late"), "st.pdf")})
    assert ok.status_code == 303  # the names are closed, the letter may still come


def test_nominations_end_with_the_event_even_without_a_deadline(client):
    _org, event = _setup(client, intake="open", deadline="")
    agency = _invite(client, event)
    from bimtek.nominations import pic

    with pytest.raises(DomainError) as err:
        pic.nominate(agency, _person(mode="onsite"), now=datetime(2031, 1, 1, tzinfo=UTC))
    assert err.value.code == "deadline_passed" and err.value.status == 409
    db.session.rollback()


def test_cli_reports_and_releases(client, runner):
    _org, event = _setup(client, onsite_capacity=4, online_capacity=0, intake="nomination")
    token = _token(_invite(client, event, onsite=3, online=0))
    client.post(f"/nominasi/{token}", data=_person(mode="onsite"))
    out = runner.invoke(args=["nominations", "report", str(event.id)])
    assert out.exit_code == 0 and "Dinas Kominfo Kota Batam\t3\t1\t0\t0" in out.output
    clear_outbox()
    out = runner.invoke(args=["nominations", "remind", str(event.id)])  # the job body, outside any request
    assert out.exit_code == 0 and "1 reminder(s) sent" in out.output
    assert [m.to for m in outbox()] == [["pic@batam.go.id"]] and "http://localhost/nominasi/" in outbox()[0].body
    out = runner.invoke(args=["nominations", "release", str(event.id)])
    assert out.exit_code == 0 and "luring 2" in out.output
    assert _fresh(event.id).onsite_taken == 1 and _fresh(event.id).intake == "both"
    assert runner.invoke(args=["nominations", "release", "999999"]).exit_code != 0


def test_the_deadline_release_runs_in_the_consumer_schedule():
    from bimtek.jobs import huey
    from bimtek.nominations import tasks

    assert tasks.release_due_nominations.task_class in huey._registry._periodic_tasks
