"""Evaluation: default questions, opening time, one response per registration, the API, eligibility hooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.evaluation import responses, services
from bimtek.evaluation.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from bimtek.extensions import db
from bimtek.registration import services as registration
from tests.factories import bearer, login, make_event, make_registration, make_user, token_for
from tests.factories_reports import full_answers, open_evaluation, submit


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_default_evaluation_in_bahasa_indonesia(app):
    event = make_event()
    services.ensure_evaluation(event)
    db.session.commit()
    texts = [q.text for q in services.questions(event.id)]
    assert "Penguasaan materi" in texts and "Pengelolaan waktu" in texts
    assert "Pelayanan dan kesigapan panitia" in texts
    assert any("Saran" in t for t in texts)
    services.ensure_evaluation(event)  # idempotent
    assert _count(EvaluationQuestion) == len(services.DEFAULT_QUESTIONS)
    onsite = responses.form_items(responses.build_form(event, "onsite"))
    online = responses.form_items(responses.build_form(event, "online"))
    # 2 sessions with one narasumber each: materi per session, 4 speaker items per narasumber.
    assert sum(1 for i in onsite if i.session_id and i.speaker_id is None) == 2
    assert sum(1 for i in onsite if i.speaker_id) == 8
    assert any("Zoom" in i.question.text for i in online) and not any("Zoom" in i.question.text for i in onsite)


def test_participant_fills_the_form_once_through_the_manage_link(client):
    event = make_event()
    reg = make_registration(event, mode="online")
    url = f"/r/{reg.manage_token}/evaluasi"
    assert "belum dibuka" in client.get(url).get_data(as_text=True)
    open_evaluation(event)
    page = client.get(url).get_data(as_text=True)
    assert "Penguasaan materi" in page and "Narasumber 1" in page and 'type="radio"' in page
    answers = full_answers(event, reg, 5, "Materi sangat bermanfaat")
    resp = client.post(url, data=answers)
    assert resp.status_code == 302
    assert services.evaluation_done(reg.id)
    assert "sudah tercatat" in client.get(url).get_data(as_text=True)
    again = client.post(url, data=answers)
    assert again.status_code == 409
    assert _count(EvaluationResponse) == 1


def test_missing_or_bad_answers_store_nothing(client):
    event = make_event()
    reg = make_registration(event)
    open_evaluation(event)
    answers = full_answers(event, reg, 4)
    key = next(iter(answers))
    bad = {**answers, key: "9"}
    resp = client.post(f"/r/{reg.manage_token}/evaluasi", data=bad)
    assert resp.status_code == 422 and "Pilih nilai 1 sampai 5" in resp.get_data(as_text=True)
    missing = {k: v for k, v in answers.items() if k != key}
    resp = client.post(f"/r/{reg.manage_token}/evaluasi", data=missing)
    assert resp.status_code == 422 and "Pilih salah satu nilai" in resp.get_data(as_text=True)
    assert _count(EvaluationResponse) == 0 and _count(EvaluationAnswer) == 0
    assert not services.evaluation_done(reg.id)


def test_closed_not_confirmed_and_unknown_links(client):
    event = make_event(onsite_capacity=1)
    first = make_registration(event)
    waiting = make_registration(event)
    assert waiting.status == "waitlisted"
    settings = open_evaluation(event)
    assert client.get("/r/tidak-ada-token/evaluasi").status_code == 404
    assert "terkonfirmasi" in client.get(f"/r/{waiting.manage_token}/evaluasi").get_data(as_text=True)
    assert client.post(f"/r/{waiting.manage_token}/evaluasi", data={}).status_code == 409
    settings.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert "sudah ditutup" in client.get(f"/r/{first.manage_token}/evaluasi").get_data(as_text=True)
    registration.cancel_registration(first)
    db.session.commit()
    assert _count(EvaluationResponse) == 0


def test_unique_constraint_holds_even_past_the_service(app):
    event = make_event()
    reg = make_registration(event)
    db.session.add(EvaluationResponse(event_id=event.id, registration_id=reg.id))
    db.session.commit()
    db.session.add(EvaluationResponse(event_id=event.id, registration_id=reg.id))
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.session.commit()
    db.session.rollback()


def test_bulk_evaluation_done_for_eligibility(app):
    event = make_event()
    regs = [make_registration(event) for _ in range(3)]
    open_evaluation(event)
    submit(event, regs[0])
    submit(event, regs[2], 3)
    assert services.evaluations_done(event.id) == {regs[0].id, regs[2].id}
    assert [services.evaluation_done(r.id) for r in regs] == [True, False, True]


def test_organizer_sets_opening_time_and_edits_questions(client):
    owner = make_user("organizer")
    event = make_event(owner)
    login(client, owner)
    page = client.get(f"/manage/events/{event.id}/evaluasi")
    assert page.status_code == 200 and "Siapkan evaluasi" in page.get_data(as_text=True)
    client.post(f"/manage/events/{event.id}/evaluasi", data={"action": "prepare"})
    bad = client.post(f"/manage/events/{event.id}/evaluasi",
                      data={"opens_at": "2030-08-22T12:00", "closes_at": "2030-08-22T11:00"})  # fmt: skip
    assert bad.status_code == 422 and "ditutup setelah dibuka" in bad.get_data(as_text=True)
    ok = client.post(f"/manage/events/{event.id}/evaluasi", data={"opens_at": "2030-08-22T12:00", "anonymous": "y"})
    assert ok.status_code == 302
    settings = services.get_settings(event.id)
    assert settings.opens_at.hour == 5 and settings.anonymous  # 12.00 WIB is 05.00 UTC
    resp = client.post(f"/manage/events/{event.id}/evaluasi/pertanyaan",
                       data={"text": "Kualitas konsumsi", "section": "organisasi", "scope": "event", "kind": "scale",
                             "mode": "onsite", "required": "y"})  # fmt: skip
    assert resp.status_code == 302
    q = db.session.scalar(select(EvaluationQuestion).where(EvaluationQuestion.text == "Kualitas konsumsi"))
    assert q.mode == "onsite" and q.required
    assert client.post(f"/manage/events/{event.id}/evaluasi/pertanyaan", data={"text": ""}).status_code == 422
    resp = client.post(f"/manage/events/{event.id}/evaluasi/pertanyaan/{q.id}",
                       data={"text": "Kualitas konsumsi 100% halal", "section": "organisasi", "scope": "event",
                             "kind": "scale", "mode": ""})  # fmt: skip
    assert resp.status_code == 302
    page = client.get(f"/manage/events/{event.id}/evaluasi").get_data(as_text=True)
    assert "Kualitas konsumsi 100% halal" in page  # organizer text with % is shown as typed
    client.post(f"/manage/events/{event.id}/evaluasi/pertanyaan/{q.id}/hapus")
    assert db.session.get(EvaluationQuestion, q.id) is None


def test_answered_question_cannot_be_deleted_or_change_kind(client):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event)
    open_evaluation(event)
    submit(event, reg)
    login(client, owner)
    q = next(q for q in services.questions(event.id) if q.kind == "scale" and q.scope == "event" and not q.mode)
    client.post(f"/manage/events/{event.id}/evaluasi/pertanyaan/{q.id}/hapus")
    assert db.session.get(EvaluationQuestion, q.id) is not None
    resp = client.post(f"/manage/events/{event.id}/evaluasi/pertanyaan/{q.id}",
                       data={"text": q.text, "section": q.section, "scope": q.scope, "kind": "text"})  # fmt: skip
    assert resp.status_code == 422
    db.session.expire_all()
    assert db.session.get(EvaluationQuestion, q.id).kind == "scale"


def test_other_organizers_and_checkin_staff_are_kept_out(client):
    event = make_event()
    outsider = make_user("organizer")
    login(client, outsider)
    assert client.get(f"/manage/events/{event.id}/evaluasi").status_code == 404
    h = bearer(token_for(outsider))
    assert client.get(f"/api/v1/events/{event.id}/evaluation/results", headers=h).status_code == 404


def test_api_settings_questions_form_and_submit(client):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event, mode="online")
    h = bearer(token_for(owner))
    body = client.patch(f"/api/v1/events/{event.id}/evaluation", json={"opens_at": "2020-01-01T09:00:00+07:00",
                                                                         "anonymous": False}, headers=h)  # fmt: skip
    assert body.status_code == 200, body.get_json()
    data = body.get_json()
    assert data["prepared"] and data["opens_at"] == "2020-01-01T02:00:00+00:00" and not data["anonymous"]
    created = client.post(f"/api/v1/events/{event.id}/evaluation/questions",
                          json={"text": "Apakah materi bisa langsung diterapkan?", "kind": "text", "section": "umum"},
                          headers=h)  # fmt: skip
    assert created.status_code == 201 and created.get_json()["kind"] == "text"
    bad = client.post(f"/api/v1/events/{event.id}/evaluation/questions", json={"kind": "pilihan"}, headers=h)
    assert bad.status_code == 422 and set(bad.get_json()["fields"]) >= {"text", "kind"}
    form = client.get(f"/api/v1/evaluation/{reg.manage_token}").get_json()
    assert form["state"] == "open"
    keys = [i for s in form["sections"] for g in s["groups"] for i in g["items"]]
    answers = {i["key"]: 5 if i["kind"] == "scale" else "Mantap" for i in keys}
    assert client.post(f"/api/v1/evaluation/{reg.manage_token}", json={"answers": "x"}).status_code == 422
    done = client.post(f"/api/v1/evaluation/{reg.manage_token}", json={"answers": answers})
    assert done.status_code == 201
    assert client.post(f"/api/v1/evaluation/{reg.manage_token}", json={"answers": answers}).status_code == 409
    results = client.get(f"/api/v1/events/{event.id}/evaluation/results", headers=h).get_json()
    assert results["responses"] == 1 and results["overall"]["mean"] == 5
    assert results["comments"][0]["author"]["name"] == reg.full_name  # not anonymous for this event


def test_participant_form_in_english(client):
    event = make_event()
    reg = make_registration(event)
    open_evaluation(event)
    client.get("/lang/en")
    page = client.get(f"/r/{reg.manage_token}/evaluasi").get_data(as_text=True)
    assert "Mastery of the subject" in page and "Very good" in page and "Send evaluation" in page


def _outbox(app):
    return getattr(app.extensions["mailman"], "outbox", [])


def test_invitations_reach_each_participant_once(app, client):
    owner = make_user("organizer")
    event = make_event(owner, onsite_capacity=2)
    regs = [make_registration(event) for _ in range(3)]  # the third is waitlisted
    online = make_registration(event, mode="online")
    login(client, owner)
    client.post(f"/manage/events/{event.id}/evaluasi", data={"action": "prepare"})
    refused = client.post(f"/manage/events/{event.id}/evaluasi/undangan", follow_redirects=True)
    assert "Atur dulu waktu pembukaan" in refused.get_data(as_text=True)
    assert _outbox(app) == []
    open_evaluation(event)
    submit(event, regs[0])  # already answered: not emailed
    resp = client.post(f"/manage/events/{event.id}/evaluasi/undangan", follow_redirects=True)
    assert "2 peserta" in resp.get_data(as_text=True)
    sent = _outbox(app)
    assert sorted(m.to[0] for m in sent) == sorted([regs[1].email, online.email])
    assert f"/r/{online.manage_token}/evaluasi" in next(m for m in sent if m.to == [online.email]).body
    again = client.post(f"/manage/events/{event.id}/evaluasi/undangan", follow_redirects=True)
    assert "sudah diundang" in again.get_data(as_text=True) and len(_outbox(app)) == 2
    assert services.invitation_counts(event.id)["invited"] == 2


def test_participant_form_carries_a_csrf_token(make_app):
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        reg = make_registration(event)
        open_evaluation(event)
        client = app.test_client()
        url = f"/r/{reg.manage_token}/evaluasi"
        answers = full_answers(event, reg, 4)
        assert client.post(url, data=answers).status_code == 400  # no token: refused, nothing stored
        assert not services.evaluation_done(reg.id)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
        assert client.post(url, data={**answers, "csrf_token": token}).status_code == 302
        assert services.evaluation_done(reg.id)
