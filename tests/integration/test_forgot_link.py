""" "Lupa tautan?": a participant who lost the email gets every manage link back, by email, from the consumer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bimtek.core.codes import format_code
from tests.factories import make_event, make_registration, make_user
from tests.integration.test_jobs_in_consumer import BASE, app, outbox, queue  # noqa: F401  (fixtures)


def test_lost_link_email_lists_every_registration(app, client, queue, caplog):  # noqa: F811
    owner = make_user("organizer")
    first = make_event(owner, title="Bimtek Media Sosial Batam")
    second = make_event(owner, title="Bimtek Evaluasi Kinerja", starts_at=datetime(2030, 9, 5, 2, tzinfo=UTC))
    mine = [
        make_registration(first, email="Siti.Rahma@kominfo.go.id", full_name="Siti Rahma, S.Sos."),
        make_registration(second, email="siti.rahma@kominfo.go.id", full_name="Siti Rahma, S.Sos.", mode="online"),
    ]
    other = make_registration(first, email="orang.lain@kominfo.go.id")

    home = client.get("/").get_data(as_text=True)
    detail = client.get(f"/e/{first.slug}").get_data(as_text=True)
    assert 'href="/lupa-tautan"' in home and f'href="/lupa-tautan?e={first.slug}"' in detail
    assert "Lupa tautan?" in client.get(f"/lupa-tautan?e={first.slug}").get_data(as_text=True)

    caplog.set_level(logging.DEBUG)
    known = client.post("/lupa-tautan", data={"email": " SITI.RAHMA@kominfo.go.id "})
    unknown = client.post("/lupa-tautan", data={"email": "belum.terdaftar@kominfo.go.id"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "Periksa email Anda" in known.get_data(as_text=True)
    assert outbox(app) == []  # nothing leaves inside the request
    queue.drain()

    [msg] = outbox(app)
    assert [t.lower() for t in msg.to] == ["siti.rahma@kominfo.go.id"]
    assert msg.subject == "Tautan kelola pendaftaran Anda di Bimtek"
    [(html, _mime)] = msg.alternatives
    for reg in mine:
        link = f"{BASE}/r/{reg.manage_token}"
        assert link in msg.body and f'href="{link}"' in html
        assert format_code(reg.code) in msg.body
    assert "Bimtek Media Sosial Batam" in msg.body and "Bimtek Evaluasi Kinerja" in msg.body
    assert msg.body.index("Bimtek Evaluasi Kinerja") < msg.body.index("Bimtek Media Sosial Batam")  # newest first
    assert other.manage_token not in msg.body and "(Terkonfirmasi)" in msg.body and "confirmed" not in msg.body
    logged = caplog.text.lower()
    assert "siti" not in logged and "belum.terdaftar" not in logged and mine[0].manage_token not in caplog.text


def test_lost_link_needs_an_address(app, client, queue):  # noqa: F811
    resp = client.post("/lupa-tautan", data={"email": "bukan email"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Tuliskan alamat email yang Anda pakai saat mendaftar." in page
    assert 'aria-invalid="true"' in page
    queue.drain()
    assert outbox(app) == []


def test_lost_link_is_rate_limited(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per minute")
    with limited.app_context():
        client = limited.test_client()
        codes = [client.post("/lupa-tautan", data={"email": f"a{i}@x.go.id"}).status_code for i in range(3)]
        assert codes == [200, 200, 429]
