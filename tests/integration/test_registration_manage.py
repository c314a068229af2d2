"""Manage my registration (/r/<token>) and the organizer's participant pages and staff API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.registration.models import DataRequest, Registration
from tests.factories import bearer, login, make_event, make_registration, make_user, token_for
from tests.factories_registration import clear_outbox, outbox


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    clear_outbox()


def _seats(event):
    db.session.refresh(event)
    return event.onsite_taken, event.online_taken


def test_fix_name_and_reissue_ticket(client):
    event = make_event()
    reg = make_registration(event, full_name="I Gusti Ngurah Rai")
    base = f"/r/{reg.manage_token}"
    resp = client.post(base + "/nama", data={"full_name": "  I Gusti  Ngurah Rai, S.H.  "})
    assert resp.status_code == 303
    db.session.refresh(reg)
    assert reg.full_name == "I Gusti Ngurah Rai, S.H." and reg.name_key == "i gusti ngurah rai, s.h."
    bad = client.post(base + "/nama", data={"full_name": "Rai\u200b"})
    assert bad.status_code == 303 and "tak terlihat" in client.get(base).get_data(as_text=True)
    db.session.refresh(reg)
    assert reg.full_name == "I Gusti Ngurah Rai, S.H."
    old_ticket, old_qr = reg.ticket_id, client.get(base + "/qr.svg").data
    client.post(base + "/tiket-baru")
    db.session.refresh(reg)
    assert reg.ticket_id != old_ticket and client.get(base + "/qr.svg").data != old_qr


def test_switch_mode_moves_the_seat_and_promotes(client):
    event = make_event(onsite_capacity=1, online_capacity=5)
    holder = make_registration(event, mode="onsite")
    waiting = make_registration(event, mode="onsite")
    assert waiting.status == "waitlisted" and _seats(event) == (1, 0)
    old_ticket = holder.ticket_id
    resp = client.post(f"/r/{holder.manage_token}/mode", data={"mode": "online"})
    assert resp.status_code == 303
    db.session.refresh(holder)
    db.session.refresh(waiting)
    assert (holder.mode, holder.status) == ("online", "confirmed") and holder.ticket_id != old_ticket
    assert waiting.status == "confirmed" and _seats(event) == (1, 1)
    kinds = sorted(m.subject.split(":")[0] for m in outbox())
    assert kinds == ["Anda mendapat kursi", "Cara mengikuti diubah"]
    # Back to a full mode: refused, the seat kept.
    client.post(f"/r/{holder.manage_token}/mode", data={"mode": "onsite"})
    db.session.refresh(holder)
    assert (holder.mode, holder.status) == ("online", "confirmed") and _seats(event) == (1, 1)


def test_cancel_frees_seat_promotes_and_emails(client):
    event = make_event(onsite_capacity=1)
    holder = make_registration(event)
    waiting = make_registration(event)
    assert client.post(f"/r/{holder.manage_token}/batal", data={}).status_code == 303  # no confirmation box
    db.session.refresh(holder)
    assert holder.status == "confirmed"
    client.post(f"/r/{holder.manage_token}/batal", data={"confirm": "y"})
    db.session.refresh(holder)
    db.session.refresh(waiting)
    assert holder.status == "cancelled" and waiting.status == "confirmed" and _seats(event) == (1, 0)
    to = {m.to[0]: m.subject for m in outbox()}
    assert to[waiting.email].startswith("Anda mendapat kursi") and to[holder.email].startswith("Pendaftaran dibatalkan")
    assert client.get(f"/r/{holder.manage_token}/qr.svg").status_code == 404
    assert client.post(f"/r/{holder.manage_token}/batal", data={"confirm": "y"}).status_code == 303
    assert _seats(event) == (1, 0)


def test_my_data_and_deletion_request(client):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event, employment_status="pns", nip="196608011988031001", rank="Penata (III/c)")
    client.post(f"/r/{reg.manage_token}/nama", data={"full_name": "Tan Sioe Lie"})
    resp = client.get(f"/r/{reg.manage_token}/data.json")
    data = resp.get_json()
    assert "attachment" in resp.headers["Content-Disposition"]
    assert data["nip"] == "196608011988031001" and data["consent"]["version"]
    actions = [h["action"] for h in data["history"]]
    assert actions[:2] == ["registration.create", "registration.name_change"]
    assert all(h["by"] in ("peserta", "panitia", "sistem") for h in data["history"])
    client.post(f"/r/{reg.manage_token}/hapus", data={"note": "Sudah pensiun"})
    client.post(f"/r/{reg.manage_token}/hapus", data={"note": "lagi"})
    req = db.session.query(DataRequest).one()
    assert req.status == "open" and req.note == "Sudah pensiun"
    assert "sedang diproses" in client.get(f"/r/{reg.manage_token}").get_data(as_text=True)
    login(client, owner)  # the organizer sees the request
    assert "Permintaan penghapusan data terbuka: 1" in client.get(f"/manage/events/{event.id}/participants").get_data(
        as_text=True
    )
    assert "Sudah pensiun" in client.get(f"/manage/registrations/{reg.id}").get_data(as_text=True)
    client.post(f"/manage/data-requests/{req.id}", data={"status": "done"})
    db.session.refresh(req)
    assert req.status == "done" and req.handled_by_id == owner.id


def _organizer_client(client, event=None):
    user = make_user("organizer")
    event = event or make_event(user)
    login(client, user)
    return user, event


def test_organizer_list_search_filters_and_counts(client):
    user, event = _organizer_client(client)
    names = ["Łukasz Nowak", "Ni Luh Putu Ayu", "Ñúñez García", "O'Neil Tan", "Ahmad Yani"]
    regs = [make_registration(event, full_name=n, mode="online" if i % 2 else "onsite") for i, n in enumerate(names)]
    other = make_event(make_user("organizer"), title="Lain")
    make_registration(other, full_name="Łukasz Lain")
    url = f"/manage/events/{event.id}/participants"
    page = client.get(url).get_data(as_text=True)
    assert "5 peserta" in page and all(n.replace("'", "&#39;") in page for n in names)

    def found(**args):
        html = client.get(url, query_string=args).get_data(as_text=True)
        return sorted(n for n in names if n.replace("'", "&#39;") in html)

    assert found(q="lukasz") == ["Łukasz Nowak"]
    assert found(q="NUNEZ") == ["Ñúñez García"]
    assert found(q="o'neil") == ["O'Neil Tan"]
    assert found(q="ni luh") == ["Ni Luh Putu Ayu"]
    assert found(q=regs[4].code) == ["Ahmad Yani"]
    assert found(q=regs[1].email.upper()) == ["Ni Luh Putu Ayu"]
    assert found(mode="online") == ["Ni Luh Putu Ayu", "O'Neil Tan"]
    assert found(q="pemerintah provinsi", field="institution") == sorted(names)
    assert found(status="waitlisted") == []
    h = bearer(token_for(user))
    api = client.get(f"/api/v1/events/{event.id}/registrations", query_string={"q": "łuk"}, headers=h).get_json()
    assert api["total"] == 1 and api["items"][0]["full_name"] == "Łukasz Nowak"


def test_organizer_actions_are_audited(client):
    user, event = _organizer_client(client, None)
    event.approval_required = True
    event.onsite_capacity = 1
    db.session.commit()
    a = make_registration(event)
    b = make_registration(event)
    assert a.status == b.status == "pending"
    act = f"/manage/registrations/{a.id}/action"
    assert client.post(act, data={"action": "approve"}).status_code == 303
    client.post(f"/manage/registrations/{b.id}/action", data={"action": "approve"})
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.status, b.status) == ("confirmed", "waitlisted")
    client.post(act, data={"action": "move", "mode": "online"})
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.mode, a.status, b.status) == ("online", "confirmed", "confirmed")
    client.post(f"/manage/registrations/{b.id}/action", data={"action": "cancel"})
    client.post(act, data={"action": "resend"})
    client.post(act, data={"action": "bogus"})
    actions = [r.action for r in db.session.query(AuditLog).filter(AuditLog.actor_user_id == user.id)]
    for expected in ("registration.approve", "registration.mode_change", "registration.cancel", "registration.resend"):
        assert expected in actions
    subjects = [m.subject for m in outbox()]
    assert any(s.startswith("Pendaftaran disetujui") for s in subjects)
    page = client.get(f"/manage/registrations/{a.id}").get_data(as_text=True)
    assert "Cara mengikuti diubah" in page and "Email konfirmasi dikirim ulang" in page
    assert "registration.mode_change" not in page  # labels, never audit codes
    reject = make_registration(event)
    client.post(f"/manage/registrations/{reject.id}/action", data={"action": "reject"})
    db.session.refresh(reject)
    assert reject.status == "rejected" and outbox()[-1].subject.startswith("Pendaftaran tidak disetujui")


def test_organizer_adds_participant_by_hand(client):
    user, event = _organizer_client(client)
    from tests.factories_registration import form_data

    data = form_data(full_name="Drs. Bambang Sutrisno, M.Si.")
    data.pop("consent")
    resp = client.post(f"/manage/events/{event.id}/participants/new", data=data)
    assert resp.status_code == 303
    reg = db.session.query(Registration).one()
    assert reg.source == "manual" and reg.consent_at is None and reg.status == "confirmed"
    dup = client.post(f"/manage/events/{event.id}/participants/new", data=data)
    assert dup.status_code == 409


def test_staff_api(client):
    user = make_user("organizer")
    event = make_event(user, onsite_capacity=1)
    h = bearer(token_for(user))
    a = make_registration(event)
    b = make_registration(event)
    got = client.get(f"/api/v1/registrations/{a.id}", headers=h).get_json()
    assert got["code"] == a.code and got["status"] == "confirmed"
    patched = client.patch(f"/api/v1/registrations/{a.id}", json={"full_name": "Budi, S.E.", "phone": "+62 812 1111 2222"},
                           headers=h)  # fmt: skip
    assert patched.status_code == 200 and patched.get_json()["phone"] == "+6281211112222"
    bad = client.patch(f"/api/v1/registrations/{a.id}", json={"email": b.email.upper()}, headers=h)
    assert bad.status_code == 409
    assert client.patch(f"/api/v1/registrations/{a.id}", json={"phone": "1"}, headers=h).status_code == 422
    assert client.patch(f"/api/v1/registrations/{a.id}", json={"event_id": 9}, headers=h).status_code == 422
    cancelled = client.post(f"/api/v1/registrations/{a.id}/cancel", json={"reason": "sakit"}, headers=h).get_json()
    assert cancelled["status"] == "cancelled" and cancelled["promoted_id"] == b.id
    assert client.post(f"/api/v1/registrations/{a.id}/cancel", headers=h).status_code == 409
    listing = client.get(f"/api/v1/events/{event.id}/registrations?status=confirmed", headers=h).get_json()
    assert [i["id"] for i in listing["items"]] == [b.id]
    outsider = bearer(token_for(make_user("organizer")))
    assert client.get(f"/api/v1/registrations/{b.id}", headers=outsider).status_code == 404


def test_search_uses_the_indexes(app):
    """The list's name/email/institution/code searches are index range scans on both databases (EXPLAIN)."""
    import secrets

    import sqlalchemy as sa

    from bimtek.registration import services

    event = make_event()
    make_registration(event, full_name="Łukasz Nowak")
    now = datetime.now(UTC)
    rows = [
        {"event_id": event.id, "code": f"{i:08d}", "manage_token": secrets.token_hex(16), "ticket_id": secrets.token_hex(10),
         "ticket_issued_at": now, "status": "confirmed", "mode": "online", "source": "import", "full_name": f"Nama {i}",
         "name_key": f"nama {i:05d}", "email": f"p{i}@x.go.id", "email_key": f"p{i}@x.go.id", "phone": "",
         "employment_status": "non_asn", "nip": None, "rank": "", "position": "Staf", "institution_type": "pusat",
         "institution_name": f"Instansi {i % 300}", "work_unit": "", "province_code": "21", "regency_code": "21.71",
         "answers": {}, "consent_version": "", "created_at": now, "updated_at": now}
        for i in range(3000)
    ]  # fmt: skip
    db.session.execute(sa.insert(Registration), rows)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    pg = db.engine.dialect.name == "postgresql"
    expected = {
        "name": "ix_registrations_event_name_c" if pg else "ix_registrations_event_name_key",
        "email": "ix_registrations_event_email_c"
        if pg
        else "sqlite_autoindex_registrations_1 (event_id=? AND email_key>?",
        "institution": "ix_registrations_event_institution_c" if pg else "ix_registrations_event_institution",
        "code": "code",
    }
    queries = {"name": "łuk", "email": "p12@", "institution": "instansi 12", "code": "ABCD2345"}
    for field, index in expected.items():
        conds = services.search_conditions(event.id, {"q": queries[field], "field": field})
        stmt = sa.select(Registration.id).where(*conds).order_by(services._name_order()).limit(50)
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " ".join(
            str(r) for r in db.session.execute(sa.text(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + sql))
        )
        assert index in plan, (field, plan)
        assert "Seq Scan" not in plan and "SCAN registrations" not in plan, (field, plan)
