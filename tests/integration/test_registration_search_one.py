"""One participant search for the organizer's list, the API and the check-in desk (issue 11).

Any word of the name or the instansi, from its start, accent- and case-insensitive, the same answers on both
pages, pages in name order whichever way the page is read (per-word runs or the name index), and a count
that is exact when small and an honest lower bound when it stopped counting.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from bimtek.extensions import db
from bimtek.registration import services
from bimtek.registration.models import Registration, RegistrationWord
from bimtek.registration.names import name_search_key, search_words
from bimtek.registration.services import search_index, word_search
from tests.factories import bearer, login, make_event, make_registration, make_user, token_for
from tests.factories_checkin import make_scanner


def _listed(client, event, q: str) -> str:
    client.post(f"/manage/events/{event.id}/participants", data={"q": q})
    return client.get(f"/manage/events/{event.id}/participants?sq=1").get_data(as_text=True)


def _desk(client, event, headers, q: str) -> list[dict]:
    return client.get(f"/api/v1/events/{event.id}/checkin-search", query_string={"q": q}, headers=headers).get_json()[
        "items"
    ]


def test_list_and_desk_find_a_later_word_of_the_name_and_the_instansi(client):
    owner = make_user("organizer")
    event = make_event(owner, onsite_capacity=20)
    maharani = [
        make_registration(event, full_name=f"Budi Maharani {n}", email=f"bm{n}@x.go.id") for n in ("A", "B", "C")
    ]
    keuangan = make_registration(
        event, full_name="Siti Aminah", institution_name="Kementerian Keuangan", email="sa@x.go.id"
    )
    setiawan = make_registration(event, full_name="Agus Sétiawan", email="as@x.go.id")
    gone = make_registration(event, full_name="Rina Maharani", email="rm@x.go.id")
    services.transition(gone, "cancel", actor=None, reason="")
    db.session.commit()
    login(client, owner)

    page = _listed(client, event, "maharani")
    assert "4 peserta" in page and all(r.full_name in page for r in maharani) and "Rina Maharani" in page
    page = _listed(client, event, "keuangan")
    assert "1 peserta" in page and "Siti Aminah" in page and "Budi Maharani" not in page
    for typed in ("setiawan", "SÉTIA", "agus setia"):
        page = _listed(client, event, typed)
        assert "1 peserta" in page and "Agus Sétiawan" in page, typed
    assert "Tidak ada peserta yang cocok." in _listed(client, event, "aharani")  # the start of a word, not inside

    h = bearer(token_for(make_scanner(event)))
    found = _desk(client, event, h, "maharani")
    assert [r["name"] for r in found] == ["Budi Maharani A", "Budi Maharani B", "Budi Maharani C", "Rina Maharani"]
    usable = {r["name"]: (r["can_check_in"], r["status_label"]) for r in found}
    assert usable["Rina Maharani"] == (False, "Dibatalkan")  # listed, with its status, but no Check-in button
    assert all(usable[r.full_name] == (True, "Terkonfirmasi") for r in maharani)
    assert [r["code"] for r in _desk(client, event, h, "keuangan")] == [keuangan.code]
    assert [r["code"] for r in _desk(client, event, h, "sétia")] == [setiawan.code]
    # The scanner sees who is at the door, not how to reach them.
    assert all(not ({"email", "phone", "nip"} & r.keys()) for r in found)


VOCAB = ["Made", "Maharani", "Maria", "Mahendra", "Budi", "Bungsu", "Sétiawan", "Setia", "Ñúñez", "Nur", "Ayu"]
INSTANSI = ["Kementerian Keuangan", "Dinas Kominfo Kota Batam", "Universitas Mahasaraswati", "Badan Pusat Statistik"]


def _seed(event, n: int, seed: int = 11) -> list[tuple[int, str, str]]:
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    rows = []
    for i in range(n):
        name = " ".join(rnd.sample(VOCAB, rnd.choice((1, 2, 3)))) + f" {i % 17}"
        rows.append({
            "event_id": event.id, "code": secrets.token_hex(4).upper(), "manage_token": secrets.token_hex(16),
            "ticket_id": secrets.token_hex(10), "ticket_issued_at": now, "status": ("confirmed", "cancelled")[i % 5 == 0],
            "mode": ("online", "onsite")[i % 3 == 0], "source": "import", "full_name": name,
            "name_key": name_search_key(name), "email": f"p{i}@x.go.id", "email_key": f"p{i}@x.go.id", "phone": "",
            "employment_status": "non_asn", "nip": None, "rank": "", "position": "Staf", "institution_type": "pusat",
            "institution_name": rnd.choice(INSTANSI), "work_unit": "", "province_code": "21", "regency_code": "21.71",
            "answers": {}, "consent_version": "", "created_at": now, "updated_at": now,
        })  # fmt: skip
    db.session.execute(sa.insert(Registration), rows)
    people = db.session.execute(
        sa.select(Registration.id, Registration.full_name, Registration.institution_name, Registration.status).where(
            Registration.event_id == event.id
        )
    ).all()
    words = [w for rid, name, inst, _ in people for w in search_index.rows_for(rid, event.id, name, inst)]
    db.session.execute(sa.insert(RegistrationWord), words)
    db.session.commit()
    return people


def _expected(people, text: str, status: str | None = None) -> list[int]:
    typed = search_words(text)
    hits = []
    for rid, name, inst, st in people:
        mine = search_words(name) + search_words(inst)
        if all(any(w.startswith(t) for w in mine) for t in typed) and (status is None or st == status):
            hits.append((name_search_key(name).encode("utf-8"), rid))  # code-point order, as the index sorts
    return [rid for _key, rid in sorted(hits)]


@pytest.mark.parametrize("read", ["runs", "name order"])
def test_pages_match_a_plain_reading_of_the_rule(app, monkeypatch, read):
    """Every page, both ways of reading it, equals filtering and sorting everyone in Python."""
    if read == "name order":
        monkeypatch.setattr(word_search, "MAX_WORDS", 0)  # every prefix counts as "too many words"
    event = make_event(online_capacity=1000, onsite_capacity=1000)
    people = _seed(event, 400)
    for text, status in [("ma", None), ("maha", None), ("setia", None), ("NUNEZ", None), ("budi ma", None),
                         ("ma keuangan", "confirmed"), ("maharani 3", None), ("b", "cancelled"), ("zzz", None)]:  # fmt: skip
        want = _expected(people, text, status)
        args = {"q": text, **({"status": status} if status else {})}
        got = []
        for page in range(1, 60):
            found = services.search_page(event.id, args, page=page, per_page=13)
            got += [r.id for r in found.items]
            assert found.has_next == (len(got) < len(want)), (text, page)
            if not found.has_next:
                break
        assert got == want, text
        assert found.exact and found.total == len(want), text


def test_a_count_that_stops_early_is_a_lower_bound(client, monkeypatch):
    monkeypatch.setattr(word_search, "COUNT_SCAN", 30)
    owner = make_user("organizer")
    event = make_event(owner, online_capacity=1000, onsite_capacity=1000)
    people = _seed(event, 300)
    want = _expected(people, "ma")
    found = services.search_page(event.id, {"q": "ma"}, page=1, per_page=10)
    assert not found.exact and 10 < found.total <= len(want) and found.has_next
    assert [r.id for r in found.items] == want[:10]
    second = services.search_page(event.id, {"q": "ma"}, page=2, per_page=10)
    assert [r.id for r in second.items] == want[10:20]
    login(client, owner)
    page = _listed(client, event, "ma")
    shown = services.search_page(event.id, {"q": "ma"}, page=1, per_page=50).shown_total
    assert f"Lebih dari {shown} peserta" in page and "<span>Halaman 1</span>" in page and "Berikutnya" in page
    api = client.get(f"/api/v1/events/{event.id}/registrations?q=ma", headers=bearer(token_for(owner))).get_json()
    assert api["total_exact"] is False and api["total"] >= 50
    exact = client.get(f"/api/v1/events/{event.id}/registrations?q=zzz", headers=bearer(token_for(owner))).get_json()
    assert (exact["total"], exact["total_exact"], exact["items"]) == (0, True, [])


def test_a_typed_code_joins_a_word_search_and_filters_apply(app):
    event = make_event()
    a = make_registration(event, full_name="Made Wijaya", email="mw@x.go.id", mode="online")
    b = make_registration(event, full_name="Maria Ulfa", email="mu@x.go.id", mode="onsite")
    rows, total = services.search(event.id, {"q": "ma", "mode": "online"})
    assert [r.id for r in rows] == [a.id] and total == 1
    rows, total = services.search(event.id, {"q": b.code.lower()})
    assert [r.id for r in rows] == [b.id] and total == 1
    assert services.find_participants(event.id, "m") == []  # the desk waits for two characters
