"""Bulk email with placeholders, a preview and a test send to myself; the real send runs in the consumer."""

from __future__ import annotations

from tests.factories import login, make_event, make_registration, make_user
from tests.integration.test_jobs_in_consumer import BASE, _job, app, outbox, queue  # noqa: F401


def test_placeholders_preview_test_send_and_consumer_send(app, client, queue):  # noqa: F811
    owner = make_user("organizer")
    event = make_event(owner)
    rina = make_registration(event, full_name="Dr. Rina Hapsari, M.Si.", mode="online")
    budi = make_registration(event, full_name="Budi {kode} Maharani", mode="online")
    login(client, owner)
    url = f"/manage/events/{event.id}/participants/email"
    page = client.get(url, query_string={"mode": "online"}).get_data(as_text=True)
    for token in ("{nama}", "{kode}", "{tautan}"):
        assert f"<code>{token}</code>" in page
    subject, body = "Materi untuk {nama}", "Kode Anda {kode}.\n\nUnduh di {tautan} {0.__class__}"
    data = {"mode": "online", "subject": subject, "body": body}

    preview = client.post(url, data={**data, "action": "preview"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Pratinjau untuk Dr. Rina Hapsari, M.Si." in text
    assert "Materi untuk Dr. Rina Hapsari, M.Si." in text and f"Kode Anda {rina.code}." in text
    assert f"{BASE}/r/{rina.manage_token}" in text and "{0.__class__}" in text
    assert outbox(app) == [] and queue.items == []

    typo = client.post(url, data={**data, "body": "Halo {nama_lengkap}", "action": "preview"})
    assert typo.status_code == 422 and "Placeholder tidak dikenal: {nama_lengkap}" in typo.get_data(as_text=True)

    test = client.post(url, data={**data, "action": "test"})
    assert test.status_code == 200
    (mine,) = outbox(app)
    assert mine.to == [owner.email] and mine.subject == "[Uji] Materi untuk Dr. Rina Hapsari, M.Si."
    assert f"Kode Anda {rina.code}." in mine.body and f"{BASE}/r/{rina.manage_token}" in mine.body
    assert queue.items == []

    sent = client.post(url, data={**data, "action": "send"})
    assert sent.status_code == 303 and len(outbox(app)) == 1  # nothing more inside the request
    queue.drain()
    assert _job("registration.bulk_email").status == "done"
    got = {m.to[0]: m for m in outbox(app)[1:]}
    assert got[rina.email].subject == "Materi untuk Dr. Rina Hapsari, M.Si."
    assert got[budi.email].subject == "Materi untuk Budi {kode} Maharani"  # a value is never expanded again
    for reg in (rina, budi):
        msg = got[reg.email]
        assert f"Kode Anda {reg.code}." in msg.body and f"Unduh di {BASE}/r/{reg.manage_token}" in msg.body
        assert "{0.__class__}" in msg.body and "{nama}" not in msg.body
