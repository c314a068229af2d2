"""One door per rule: one register() with a per-channel policy, one seat allocator, one status door."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bimtek.core.models import AuditLog
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration import services
from bimtek.registration.channels import CHANNELS
from bimtek.registration.models import Registration
from tests.factories import bearer, login, make_event, make_registration, make_user, registration_data, token_for
from tests.factories_checkin import make_scanner
from tests.factories_registration import clear_outbox, form_data, outbox

IMPORT_CSV = (
    "Nama Lengkap;Email;No HP;Status Kepegawaian;NIP;Jabatan;Jenis Instansi;Instansi;Unit Kerja;Provinsi;"
    "Kabupaten/Kota;Cara Mengikuti\n"
    "Budi Maharani;budi1@kemenkeu.go.id;081211110001;Non ASN;;Staf;pusat;Kementerian Keuangan;Biro;31;31.71;luring\n"
    "Sari Maharani;sari@kemenkeu.go.id;081211110002;Non ASN;;Staf;pusat;Kementerian Keuangan;Biro;31;31.71;luring\n"
)


def _import(client, event, csv_text=IMPORT_CSV):
    url = f"/manage/events/{event.id}/participants/import"
    page = client.post(url, data={"file": (io.BytesIO(csv_text.encode()), "u.csv"), "default_mode": "onsite"},
                       content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    token = page.split('name="token" value="')[1].split('"')[0]
    return client.post(url + "/confirm", data={"token": token, "filename": "u.csv", "default_mode": "onsite"})


def test_policy_table_states_each_channel():
    rows = {name: (p.window, p.consent, p.approval, p.when_full, p.questions) for name, p in CHANNELS.items()}
    assert [name for name, p in CHANNELS.items() if p.held] == ["nomination"]
    assert rows == {
        "form": (True, True, True, "ask", True),
        "api": (True, True, True, "waitlist", True),
        "manual": (False, False, False, "ask", True),
        "import": (False, False, True, "waitlist", False),
        "walkin": (False, True, False, "refuse", False),
        "nomination": (False, False, False, "refuse", False),
    }


def test_import_into_an_approval_event_creates_pending_audited_registrations(client):
    organizer = make_user("organizer")
    event = make_event(organizer, approval_required=True, onsite_capacity=5)
    login(client, organizer)
    assert _import(client, event).status_code == 303
    regs = db.session.scalars(select(Registration).where(Registration.source == "import")).all()
    assert sorted(r.status for r in regs) == ["pending", "pending"]
    db.session.refresh(event)
    assert event.onsite_taken == 0  # pending registrations hold no seat
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "registration.create")).all()
    assert {r.object_id for r in rows} == {r.id for r in regs}
    assert all(r.details == {"mode": "onsite", "source": "import", "status": "pending"} for r in rows)
    assert all(r.actor_user_id == organizer.id for r in rows)
    # Approving one of them goes through the same door as any pending registration.
    reg = regs[0]
    client.post(f"/manage/registrations/{reg.id}/action", data={"action": "approve"})
    db.session.refresh(reg)
    assert reg.status == "confirmed"


def test_import_and_walk_in_share_the_one_seat_allocator(client):
    organizer = make_user("organizer")
    event = make_event(organizer, onsite_capacity=3)
    make_registration(event, mode="onsite")
    login(client, organizer)
    _import(client, event)
    staff = make_scanner(event)
    h = bearer(token_for(staff))
    walkin = {**registration_data(email="walkin@batam.go.id"), "gate": "Meja"}
    walkin.pop("mode")
    full = client.post(f"/api/v1/events/{event.id}/walkins", json=walkin, headers=h)
    assert full.status_code == 409 and full.get_json()["error"] == "full"
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    confirmed = db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.status == "confirmed")
    )
    assert event.onsite_taken == 3 == confirmed
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3  # the refused walk-in left nothing


def test_take_seats_grants_what_is_free_and_never_more(app):
    event = make_event(onsite_capacity=5)
    assert services.take_seats(event.id, "onsite", 3) == 3
    assert services.take_seats(event.id, "onsite", 4) == 2
    assert services.take_seats(event.id, "onsite", 1) == 0
    db.session.commit()
    db.session.refresh(event)
    assert event.onsite_taken == 5


def test_status_door_gives_the_same_result_from_page_api_and_cli(client, app):
    organizer = make_user("organizer")
    event = make_event(organizer, approval_required=True)
    regs = [make_registration(event) for _ in range(3)]
    assert [r.status for r in regs] == ["pending"] * 3
    login(client, organizer)
    clear_outbox()
    client.post(f"/manage/registrations/{regs[0].id}/action", data={"action": "approve"})
    api = client.patch(f"/api/v1/registrations/{regs[1].id}", json={"status": "confirmed"},
                       headers=bearer(token_for(organizer)))  # fmt: skip
    assert api.status_code == 200 and api.get_json()["status"] == "confirmed"
    result = app.test_cli_runner().invoke(args=["registration", "status", regs[2].code, "approve"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in regs] == ["confirmed"] * 3
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "registration.approve")).all()
    assert sorted(a.object_id for a in audits) == sorted(r.id for r in regs)
    assert all(a.details == {"status": "confirmed"} for a in audits)
    title = event.title
    assert sorted(m.subject for m in outbox()) == [f"Pendaftaran disetujui: {title}"] * 3
    db.session.refresh(event)
    assert event.onsite_taken == 3
    # A refused transition is refused the same way everywhere.
    again = app.test_cli_runner().invoke(args=["registration", "status", regs[2].code, "approve"])
    assert again.exit_code != 0 and "menunggu persetujuan" in again.output
    bad = client.patch(f"/api/v1/registrations/{regs[1].id}", json={"status": "pending"},
                       headers=bearer(token_for(organizer)))  # fmt: skip
    assert bad.status_code == 409


def test_confirmation_subject_is_whole(client):
    event = make_event()
    clear_outbox()
    resp = client.post(f"/e/{event.slug}/daftar", data=form_data())
    assert resp.status_code == 303
    assert [m.subject for m in outbox()] == [f"Pendaftaran diterima: {event.title}"]


def test_search_matches_the_start_of_any_word_of_name_and_instansi(client):
    organizer = make_user("organizer")
    event = make_event(organizer)
    for i, name in enumerate(["Budi Maharani", "Budi Maharani, S.E.", "Dr. Budi Maharani"]):
        make_registration(event, full_name=name, email=f"b{i}@x.go.id")
    make_registration(event, full_name="Ñoman Sari", institution_name="Kementerian Keuangan", email="n@x.go.id")
    make_registration(event, full_name="Agus Salim", email="a@x.go.id")
    ids = {r.full_name: r.id for r in db.session.scalars(select(Registration))}

    def names(text):
        return sorted(r.full_name for r in services.find_participants(event.id, text))

    assert names("maharani") == ["Budi Maharani", "Budi Maharani, S.E.", "Dr. Budi Maharani"]
    assert names("keuangan") == ["Ñoman Sari"]
    assert names("noman") == ["Ñoman Sari"]
    assert names("budi mah") == ["Budi Maharani", "Budi Maharani, S.E.", "Dr. Budi Maharani"]
    assert names("harani") == []  # the start of a word, not any substring
    login(client, organizer)
    page = client.get(f"/manage/events/{event.id}/participants", query_string={"q": "Maharani"}).get_data(as_text=True)
    assert "3 peserta" in page
    # A corrected name is found by its new words only.
    services.update_name(db.session.get(Registration, ids["Agus Salim"]), "Agus Wirawan")
    db.session.commit()
    assert names("salim") == [] and names("wirawan") == ["Agus Wirawan"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employment_status", "", "Pilih status kepegawaian."),
        ("phone", "", "Wajib diisi."),
        ("work_unit", "", "Wajib diisi."),
    ],
)
def test_required_fields_say_so(app, field, value, message):
    from bimtek.errors import Invalid

    event = make_event()
    with pytest.raises(Invalid) as err:
        services.validate_participant(event, registration_data(**{field: value}), now=datetime.now(UTC))
    assert err.value.fields[field] == message


WHOLE_SUBJECTS = {
    "confirmed": "Pendaftaran diterima: {}",
    "approved": "Pendaftaran disetujui: {}",
    "promoted": "Anda mendapat kursi: {}",
    "mode_changed": "Cara mengikuti diubah: {}",
    "reissued": "Tiket baru: {}",
    "rejected": "Pendaftaran tidak disetujui: {}",
    "cancelled": "Pendaftaran dibatalkan: {}",
    "manage_link": "Tautan kelola pendaftaran: {}",
}


@pytest.mark.parametrize("kind", sorted(WHOLE_SUBJECTS))
def test_every_participant_email_subject_carries_the_title(app, kind):
    """Each subject whole, sent through the job the way the worker runs it: outside any request."""
    from flask import has_request_context

    from bimtek.registration.tasks import email_registration

    event = make_event(title="Bimtek 100% Aman")  # a "%" in the title must not break the placeholder
    reg = make_registration(event)
    clear_outbox()
    assert not has_request_context()
    email_registration(reg.id, kind)
    assert [m.subject for m in outbox()] == [WHOLE_SUBJECTS[kind].format("Bimtek 100% Aman")]
