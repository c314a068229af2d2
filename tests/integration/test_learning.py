"""Pre-test and post-test: windows, autosave, time limit, scores, marking, keys never leaked, reports."""

from __future__ import annotations

import io
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bimtek.core.models import AuditLog
from bimtek.core.time import utcnow
from bimtek.extensions import db
from bimtek.learning import queries
from bimtek.learning.models import LearningAnswer, LearningAttempt
from bimtek.learning.questionsheet import HEADERS
from bimtek.learning.services import attempts, bank, setup
from tests.factories import bearer, login, make_event, make_registration, make_user, token_for
from tests.factories_learning import QUESTIONS, enable_test, make_bank, right_answers


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = make_event(owner)  # sessions in 2030: the pre-test is open now, the post-test not yet
    questions = make_bank(event, owner)
    enable_test(event, owner, "pre")
    reg = make_registration(event)
    return {"owner": owner, "event": event, "questions": questions, "reg": reg, "token": reg.manage_token}


def start(client, token, kind="pre"):
    resp = client.post(f"/r/{token}/tes/{kind}/mulai")
    assert resp.status_code == 302, resp.data[:300]
    return resp


def test_participant_takes_the_pre_test_and_scores(client, world):
    token, qs = world["token"], world["questions"]
    page = client.get(f"/r/{token}")
    assert f"/r/{token}/tes" in page.get_data(as_text=True)
    assert "Pre-test" in client.get(f"/r/{token}/tes").get_data(as_text=True)
    assert start(client, token).headers["Location"].endswith(f"/r/{token}/tes/pre")
    html = client.get(f"/r/{token}/tes/pre").get_data(as_text=True)
    for q in QUESTIONS:
        assert q["text"] in html
    # Saved one by one, the last answer changed twice: one row per question, the last value wins.
    for qid, value in right_answers(qs).items():
        resp = client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {qid: value}})
        assert resp.status_code == 200, resp.get_json()
    client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[4].id): "cek"}})
    client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[4].id): "cek sumber asli"}})
    assert db.session.scalar(select(func.count(LearningAnswer.id))) == 5
    # The page shows the saved answers again after a reload.
    html = client.get(f"/r/{token}/tes/pre").get_data(as_text=True)
    assert "cek sumber asli" in html and html.count("checked") == 4
    resp = client.post(f"/r/{token}/tes/pre/kirim", data={})
    assert resp.status_code == 302
    attempt = db.session.scalar(select(LearningAttempt))
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.score is None and attempt.pending_marks == 1
    body = client.get(f"/r/{token}/tes").get_data(as_text=True)
    assert "menunggu penilaian isian" in body
    # One attempt only: starting again is refused.
    client.post(f"/r/{token}/tes/pre/mulai")
    assert db.session.scalar(select(func.count(LearningAttempt.id))) == 1
    assert "Anda sudah menyelesaikan tes ini." in client.get(f"/r/{token}/tes").get_data(as_text=True)

    # The organizer marks the short answer: 1 of 2 points -> (1 + 1 + 1 + 2 + 1) / 7.
    login(client, world["owner"])
    event = world["event"]
    page = client.get(f"/manage/events/{event.id}/tes/penilaian").get_data(as_text=True)
    assert "cek sumber asli" in page and "PEDOMAN-RAHASIA" in page
    answer = db.session.scalar(select(LearningAnswer).where(LearningAnswer.question_id == qs[4].id))
    resp = client.post(f"/manage/events/{event.id}/tes/penilaian", data={f"a{answer.id}": "1"})
    assert resp.status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == round(100 * 6 / 7, 2)
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "learning.marks")) is not None


def test_marks_out_of_range_are_refused(client, world):
    token, qs = world["token"], world["questions"]
    start(client, token)
    client.post(f"/r/{token}/tes/pre/kirim", data={f"q{qs[4].id}": "jawaban"})
    login(client, world["owner"])
    answer = db.session.scalar(select(LearningAnswer).where(LearningAnswer.question_id == qs[4].id))
    resp = client.post(f"/manage/events/{world['event'].id}/tes/penilaian", data={f"a{answer.id}": "3"})
    assert resp.status_code == 422
    assert "Nilai harus antara 0 dan 2" in resp.get_data(as_text=True)


def test_time_limit_submits_automatically(client, world):
    event, reg, qs, token = world["event"], world["reg"], world["questions"], world["token"]
    test = setup.get_test(event.id, "pre")
    began = utcnow() - timedelta(minutes=29, seconds=50)
    attempt = attempts.start(event, test, reg, now=began)
    db.session.commit()
    ok = client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[0].id): "1"}})
    assert ok.status_code == 200 and ok.get_json()["seconds_left"] <= 10
    # 30 minutes and the grace later, the server refuses the save and submits what it had.
    attempt.started_at = began - timedelta(minutes=1)
    attempt.deadline_at = utcnow() - timedelta(seconds=11)
    db.session.commit()
    late = client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[1].id): "2"}})
    assert late.status_code == 409 and late.get_json()["error"] == "time_up"
    db.session.refresh(attempt)
    assert attempt.auto_submitted and attempt.submitted_at is not None
    assert attempt.score == round(100 * 1 / 7, 2)  # only the answer saved in time: 1 of 7 points (short blank)
    assert client.get(f"/r/{token}/tes/pre").status_code == 302
    assert "dikirim otomatis" in client.get(f"/r/{token}/tes").get_data(as_text=True)


def test_overdue_attempts_are_submitted_by_the_cli(app, world):
    event, reg = world["event"], world["reg"]
    attempts.start(event, setup.get_test(event.id, "pre"), reg, now=utcnow() - timedelta(hours=2))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["learning", "close-expired"])
    assert result.exit_code == 0 and "1" in result.output
    attempt = db.session.scalar(select(LearningAttempt))
    db.session.refresh(attempt)
    assert attempt.auto_submitted and attempt.score == 0.0


def _normalise(text: str) -> str:
    text = re.sub(r'name="csrf-token" content="[^"]*"', "", text)
    text = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"|name="csrf_token" value="[^"]*"', "", text)
    text = re.sub(r'"?seconds_left"?[:=]\s*"?\d+"?', "", text)
    text = re.sub(r'data-seconds-left="\d+"', "", text)
    text = re.sub(r'"saved_at":\s*"[^"]*"', "", text)
    return re.sub(r"\d+:\d\d</span>", "</span>", text)


def _participant_responses(client, token, qs) -> list[str]:
    bodies = [client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[0].id): "0"}}).get_data(as_text=True)]
    bodies.append(
        client.put(f"/api/v1/tests/{token}/pre/answers", json={"answers": {str(qs[2].id): "true"}}).get_data(
            as_text=True
        )
    )
    bodies.append(client.get(f"/r/{token}/tes").get_data(as_text=True))
    bodies.append(client.get(f"/r/{token}/tes/pre").get_data(as_text=True))
    bodies.append(client.get(f"/api/v1/tests/{token}/pre").get_data(as_text=True))
    return bodies


def test_no_response_reveals_the_keys_before_submission(client, world):
    event, owner, token, qs = world["event"], world["owner"], world["token"], world["questions"]
    start(client, token)
    before = _participant_responses(client, token, qs)
    for body in before:
        assert "PEDOMAN-RAHASIA" not in body and '"correct"' not in body and "kunci" not in body.lower()
    # Change every key: if any response carried a key, it would change too.
    for q, new_key in zip(qs[:4], [0, 0, True, False], strict=True):
        raw = bank.question_json(q, with_key=True) | {"correct": new_key}
        bank.update_question(q, raw, user=owner)
    db.session.commit()
    after = _participant_responses(client, token, qs)
    assert [_normalise(b) for b in before] == [_normalise(b) for b in after]
    assert event.id  # the organizer still sees keys through the API
    resp = client.get(f"/api/v1/events/{event.id}/tests/questions", headers=bearer(token_for(owner)))
    assert resp.get_json()["items"][0]["correct"] == 0


def test_windows_are_enforced_by_the_server(client, world):
    event, owner, token = world["event"], world["owner"], world["token"]
    enable_test(event, owner, "post")
    assert 'data-state="not_open"' in client.get(f"/r/{token}/tes").get_data(as_text=True)
    client.post(f"/r/{token}/tes/post/mulai")
    assert client.put(f"/api/v1/tests/{token}/post/answers", json={"answers": {}}).status_code == 409
    assert db.session.scalar(select(func.count(LearningAttempt.id))) == 0
    resp = client.post(f"/api/v1/tests/{token}/post/start")
    assert resp.status_code == 409 and resp.get_json()["error"] == "test_not_open"
    # The organizer opens it by hand: now the participant can start.
    setup.update_test(event, "post", {"opens_at": utcnow() - timedelta(minutes=1)}, user=owner)
    db.session.commit()
    assert client.post(f"/api/v1/tests/{token}/post/start").status_code == 201


def test_post_test_reuses_questions_in_another_order(client, world):
    event, owner, reg = world["event"], world["owner"], world["reg"]
    more = make_bank(
        event, owner, [{"kind": "truefalse", "text": f"Pernyataan {i}", "correct": True} for i in range(10)]
    )
    enable_test(event, owner, "post", opens_at=utcnow() - timedelta(minutes=1))
    pre = attempts.start(event, setup.get_test(event.id, "pre"), reg)
    post = attempts.start(event, setup.get_test(event.id, "post"), reg)
    db.session.commit()
    assert (
        sorted(pre.layout["questions"])
        == sorted(post.layout["questions"])
        == sorted(q.id for q in world["questions"] + more)
    )
    assert pre.layout["questions"] != post.layout["questions"]


def test_best_or_last_attempt_counts_and_gain(client, world):
    event, owner, reg, qs = world["event"], world["owner"], world["reg"], world["questions"]
    closed = [q for q in qs if q.kind != "short"]
    bank.delete_question(qs[4], user=owner)
    enable_test(event, owner, "pre", max_attempts=2, counting="last")
    enable_test(event, owner, "post", opens_at=utcnow() - timedelta(minutes=1), pass_mark=80)
    right = right_answers(qs)

    def take(kind, answers):
        test = setup.get_test(event.id, kind)
        attempt = attempts.start(event, test, reg)
        attempts.save_answers(attempt, answers)
        attempts.submit(attempt)
        db.session.commit()
        return attempt.score

    assert take("pre", {str(closed[0].id): right[str(closed[0].id)]}) == 20.0  # 1 of 5 points
    assert take("pre", {}) == 0.0  # the last attempt counts, though lower
    assert take("post", right) == 100.0
    scores = queries.scores_for(event)[reg.id]
    assert scores == {"pre": 0.0, "post": 100.0, "gain": 100.0, "normalised_gain": 1.0, "passed": True,
                      "predikat": "Sangat Baik"}  # fmt: skip
    assert queries.post_test_passed(event) == {reg.id}
    assert queries.predikat_for(event, reg.id) == (100.0, "Sangat Baik")


def test_parallel_starts_and_saves_make_one_attempt_and_one_answer(make_app, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("real parallel requests on PostgreSQL")
    app = make_app()
    with app.app_context():
        owner = make_user("organizer")
        event = make_event(owner)
        qs = make_bank(event, owner)
        enable_test(event, owner, "pre")
        token = make_registration(event).manage_token
        qid = str(qs[0].id)
    barrier = threading.Barrier(8)
    codes = []

    def hit(path, **kwargs):
        with app.test_client() as c:
            barrier.wait()
            codes.append(c.post(path, **kwargs).status_code)

    threads = [threading.Thread(target=hit, args=(f"/api/v1/tests/{token}/pre/start",)) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert codes.count(201) == 8, codes
    barrier, codes = threading.Barrier(8), []
    threads = [threading.Thread(target=lambda v=v: _put(app, barrier, codes, token, qid, v)) for v in "01201201"]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert codes.count(200) == 8, codes
    with app.app_context():
        assert db.session.scalar(select(func.count(LearningAttempt.id))) == 1
        assert db.session.scalar(select(func.count(LearningAnswer.id))) == 1


def _put(app, barrier, codes, token, qid, value):
    with app.test_client() as c:
        barrier.wait()
        codes.append(c.put(f"/api/v1/tests/{token}/pre/answers", json={"answers": {qid: value}}).status_code)


def test_bad_input_is_a_clear_4xx(client, world):
    token, qs = world["token"], world["questions"]
    assert client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {}}).status_code == 409  # nothing started
    start(client, token)
    assert client.post(f"/r/{token}/tes/pre/simpan", data="x").status_code == 400
    resp = client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[0].id): "9"}})
    assert resp.status_code == 422 and resp.get_json()["message"] == "Pilihan jawaban tidak dikenal."
    assert client.post(f"/r/{token}/tes/pre/simpan", json={"answers": {"999999": "1"}}).status_code == 422
    assert client.get(f"/r/{token}/tes/lain").status_code == 404
    assert client.get("/r/bukan-token/tes").status_code == 404


def test_organizer_builds_the_bank_and_settings_on_pages(client, world):
    event = world["event"]
    login(client, world["owner"])
    page = client.get(f"/manage/events/{event.id}/tes")
    assert page.status_code == 200 and "Bank soal" in page.get_data(as_text=True)
    resp = client.post(f"/manage/events/{event.id}/tes/soal", data={
        "new-kind": "choice", "new-text": "Soal baru?", "new-option_a": "Satu", "new-option_b": "", "new-option_c": "Tiga",
        "new-correct": "C", "new-weight": "2", "new-scope": "post", "new-session_id": str(event.sessions[1].id)})  # fmt: skip
    assert resp.status_code == 302
    q = bank.questions(event.id)[-1]
    assert (q.options, q.correct, q.weight, q.scope, q.session_id) == (
        ["Satu", "Tiga"],
        1,
        2.0,
        "post",
        event.sessions[1].id,
    )
    bad = client.post(f"/manage/events/{event.id}/tes/soal", data={"new-kind": "choice", "new-text": "Tanpa kunci",
                                                                  "new-option_a": "A", "new-option_b": "B", "new-scope": "both"})  # fmt: skip
    assert bad.status_code == 422 and "Tandai satu jawaban yang benar." in bad.get_data(as_text=True)
    resp = client.post(f"/manage/events/{event.id}/tes/post/pengaturan", data={
        "post-enabled": "y", "post-time_limit_minutes": "20", "post-max_attempts": "3", "post-counting": "last",
        "post-pass_mark": "75", "post-bands": "90 Istimewa\n0 Perlu belajar", "post-opens_at": "2030-08-22T15:00"})  # fmt: skip
    assert resp.status_code == 302
    test = setup.get_test(event.id, "post")
    assert (test.time_limit_seconds, test.max_attempts, test.counting, test.pass_mark) == (1200, 3, "last", 75.0)
    assert test.bands == [[90.0, "Istimewa"], [0.0, "Perlu belajar"]]
    assert test.opens_at.replace(tzinfo=UTC) == datetime(2030, 8, 22, 8, 0, tzinfo=UTC)  # 15.00 WIB
    bad = client.post(f"/manage/events/{event.id}/tes/post/pengaturan", data={
        "post-time_limit_minutes": "20", "post-max_attempts": "1", "post-counting": "best", "post-pass_mark": "70",
        "post-bands": "banyak sekali"})  # fmt: skip
    assert bad.status_code == 422 and "satu predikat per baris" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action.like("learning.%"))) >= 8


def _sheet(rows) -> bytes:
    wb = Workbook()
    wb.active.append(list(HEADERS))
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_template_and_import(client, world):
    event = world["event"]
    login(client, world["owner"])
    template = client.get(f"/manage/events/{event.id}/tes/templat.xlsx")
    assert template.status_code == 200
    # The template's own example rows import as they are.
    resp = client.post(f"/manage/events/{event.id}/tes/impor", data={"imp-file": (io.BytesIO(template.data), "soal.xlsx")},
                       content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 302
    added = bank.questions(event.id)[-3:]
    assert [(q.kind, q.correct, q.scope) for q in added] == [
        ("choice", 0, "both"),
        ("truefalse", False, "both"),
        ("short", None, "post"),
    ]
    count = len(bank.questions(event.id))
    bad = _sheet([["PG", "Soal tanpa kunci", "A", "B", "", "", "", "", "", 1, "", "", ""],
                  ["BS", "Benar?", "", "", "", "", "", "", "Benar", 1, "", "9", ""]])  # fmt: skip
    resp = client.post(f"/manage/events/{event.id}/tes/impor", data={"imp-file": (io.BytesIO(bad), "soal.xlsx")},
                       content_type="multipart/form-data")  # fmt: skip
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Baris 2" in text and "Baris 3: sesi nomor 9 tidak ada." in text
    assert len(bank.questions(event.id)) == count  # all or nothing
    resp = client.post(f"/manage/events/{event.id}/tes/impor", data={"imp-file": (io.BytesIO(b"%PDF-1"), "soal.xlsx")},
                       content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 422 and "bukan XLSX" in resp.get_data(as_text=True)


def test_report_page_xlsx_and_api(client, world):
    event, owner, qs = world["event"], world["owner"], world["questions"]
    enable_test(event, owner, "post", opens_at=utcnow() - timedelta(minutes=1))
    second = make_registration(event, institution_type="pusat", province_code="31", regency_code="31.71")
    for reg, pre_answers, post_answers in ((world["reg"], {}, right_answers(qs)), (second, right_answers(qs), {})):
        for kind, answers in (("pre", pre_answers), ("post", post_answers)):
            attempt = attempts.start(event, setup.get_test(event.id, kind), reg)
            attempts.save_answers(attempt, answers)
            attempts.submit(attempt)
    db.session.commit()
    login(client, owner)
    page = client.get(f"/manage/events/{event.id}/tes/laporan")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Pemerintah provinsi" in text and "Analisis butir" in text
    xlsx = client.get(f"/manage/events/{event.id}/tes/laporan.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.data))
    assert wb.sheetnames == ["Peserta", "Per jenis instansi", "Per provinsi", "Analisis butir", "Sebaran nilai"]
    rows = list(wb["Peserta"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Kode", "Nama", "Jenis instansi", "Instansi", "Pre-test", "Post-test")
    assert len(rows) == 3
    by_type = {r[0]: r[1:] for r in wb["Per jenis instansi"].iter_rows(min_row=2, values_only=True)}
    # Closed answers all right = 5 of 7 points = 71.43 (a blank short answer has nothing to mark).
    # provinsi: 0 -> 71.43, g = 71.43 / 100; pusat: 71.43 -> 0, g = -71.43 / 28.57.
    assert by_type == {
        "Pemerintah provinsi": (1, 0, 71.43, 71.43, 0.7143),
        "Pemerintah pusat (kementerian/lembaga)": (1, 71.43, 0, -71.43, -2.5002),
    }
    by_province = {r[0]: r[1] for r in wb["Per provinsi"].iter_rows(min_row=2, values_only=True)}
    assert by_province == {"Daerah Khusus Ibukota Jakarta": 1, "Kepulauan Riau": 1}
    api = client.get(f"/api/v1/events/{event.id}/tests/results", headers=bearer(token_for(owner))).get_json()
    assert api["summary"]["participants"] == 2 and api["summary"]["pre_taken"] == 2
    assert len(api["items"]["pre"]) == 5
    attempts_page = client.get(f"/api/v1/events/{event.id}/tests/attempts", headers=bearer(token_for(owner))).get_json()
    assert attempts_page["total"] == 4 and {a["test"] for a in attempts_page["items"]} == {"pre", "post"}


def test_question_edit_page_and_answered_question_rules(client, world):
    event, qs, token = world["event"], world["questions"], world["token"]
    login(client, world["owner"])
    page = client.get(f"/manage/events/{event.id}/tes/soal/{qs[0].id}")
    assert page.status_code == 200 and 'value="B"' in page.get_data(as_text=True)  # key shown as its letter
    participant = client.application.test_client()
    participant.post(f"/r/{token}/tes/pre/mulai")
    participant.post(f"/r/{token}/tes/pre/simpan", json={"answers": {str(qs[0].id): "1"}})
    resp = client.post(f"/manage/events/{event.id}/tes/soal/{qs[0].id}/hapus", follow_redirects=True)
    assert "sudah dijawab peserta dan tidak dapat dihapus" in resp.get_data(as_text=True)
    assert bank.get_question(event, qs[0].id) is not None  # answered questions stay
    other = make_event(make_user("organizer"))
    assert client.get(f"/manage/events/{other.id}/tes/soal/{qs[0].id}").status_code == 404


def test_queries_for_other_features_only_read(world):
    event, reg = world["event"], world["reg"]
    attempts.start(event, setup.get_test(event.id, "pre"), reg, now=utcnow() - timedelta(hours=2))
    db.session.commit()
    assert queries.post_test_passed(event) == set() and queries.has_post_test(event) is False
    report = queries.report_for(event)
    assert report["summary"]["participants"] == 1 and report["summary"]["pre_taken"] == 0
    assert not db.session.dirty and not db.session.new
    db.session.rollback()
    assert db.session.scalar(select(LearningAttempt.submitted_at)) is None  # left for close-expired or the pages
