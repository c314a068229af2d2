"""The "any word" participant search: name order, one row per person, filters, and the index that serves it."""

from __future__ import annotations

import random

import sqlalchemy as sa

from bimtek.extensions import db
from bimtek.registration import services
from bimtek.registration.services.search import word_page
from tests.factories import make_event, make_registration


def test_pages_come_in_name_order_once_per_person(app):
    event = make_event(online_capacity=500)
    names = [f"Peserta Maharani {i:02d}" for i in range(60)]
    random.Random(7).shuffle(names)
    for i, name in enumerate(names):
        # The instansi also starts with "maha": a person matched by two words is still listed once.
        make_registration(event, full_name=name, institution_name="Universitas Mahasaraswati", email=f"m{i}@x.go.id")
    make_registration(event, full_name="Agus Salim", email="a@x.go.id")
    first, total = services.search(event.id, {"q": "maha"}, page=1, per_page=50)
    assert total == 60
    assert [r.full_name for r in first] == [f"Peserta Maharani {i:02d}" for i in range(50)]
    second, total = services.search(event.id, {"q": "MAHA"}, page=2, per_page=50)
    assert [r.full_name for r in second] == [f"Peserta Maharani {i:02d}" for i in range(50, 60)] and total == 60
    rows, total = services.search(event.id, {"q": "peserta 07"}, page=1, per_page=50)
    assert [r.full_name for r in rows] == ["Peserta Maharani 07"] and total == 1


def test_filters_and_a_typed_code_join_the_word_search(app):
    event = make_event()
    kept = make_registration(event, full_name="Budi Maharani", email="b1@x.go.id")
    gone = make_registration(event, full_name="Budi Santoso", email="b2@x.go.id")
    services.transition(gone, "cancel", actor=None, reason="")
    db.session.commit()
    rows, _ = services.search(event.id, {"q": "budi", "status": "confirmed"})
    assert [r.id for r in rows] == [kept.id]
    rows, _ = services.search(event.id, {"q": gone.code})
    assert [r.id for r in rows] == [gone.id]


def test_word_pages_are_read_from_the_word_index(app):
    import secrets
    from datetime import UTC, datetime

    from bimtek.registration.models import Registration, RegistrationWord
    from bimtek.registration.services import search_index

    event = make_event()
    now = datetime.now(UTC)
    rows = [
        {"event_id": event.id, "code": f"{i:08d}", "manage_token": secrets.token_hex(16), "ticket_id": secrets.token_hex(10),
         "ticket_issued_at": now, "status": "confirmed", "mode": "online", "source": "import",
         "full_name": f"Nama{i % 40} Orang {i}", "name_key": f"nama{i % 40} orang {i}", "email": f"p{i}@x.go.id",
         "email_key": f"p{i}@x.go.id", "phone": "", "employment_status": "non_asn", "nip": None, "rank": "",
         "position": "Staf", "institution_type": "pusat", "institution_name": f"Instansi {i % 300}", "work_unit": "",
         "province_code": "21", "regency_code": "21.71", "answers": {}, "consent_version": "", "created_at": now,
         "updated_at": now}
        for i in range(3000)
    ]  # fmt: skip
    db.session.execute(sa.insert(Registration), rows)
    people = db.session.execute(
        sa.select(Registration.id, Registration.full_name, Registration.institution_name).where(
            Registration.event_id == event.id
        )
    ).all()
    words = [w for rid, name, inst in people for w in search_index.rows_for(rid, event.id, name, inst)]
    db.session.execute(sa.insert(RegistrationWord), words)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    pg = db.engine.dialect.name == "postgresql"
    for text in ("nama12", "orang"):
        sql = str(word_page(event.id, text).compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " ".join(
            str(r) for r in db.session.execute(sa.text(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + sql))
        )
        assert "ix_registration_words_event_word" in plan, plan
        # No walk over registrations: the page and its sort key come from the word table alone.
        assert " registrations" not in plan and "Seq Scan" not in plan and "SCAN registrations" not in plan, plan
    rows, total = services.search(event.id, {"q": "nama12 orang"})
    assert total == 75 and [r.full_name for r in rows[:2]] == ["Nama12 Orang 1012", "Nama12 Orang 1052"]
