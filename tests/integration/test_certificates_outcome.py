"""The certificate prints the post-test score or predikat under the name, as the settings choose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services.issuing import reissue
from bimtek.certificates.services.jobs import start_issue_job
from bimtek.certificates.services.settings import get_settings
from bimtek.certificates.services.storage import stored_path
from bimtek.certificates.tasks import run_issue_job
from bimtek.core.time import utcnow
from bimtek.extensions import db
from bimtek.learning.services import attempts, bank, setup
from tests.factories import login
from tests.factories_certificates import make_cert_event, pdf_text
from tests.factories_learning import enable_test, make_bank, right_answers


@pytest.fixture(autouse=True)
def after_the_2030_events(monkeypatch):
    from bimtek.certificates.services import jobs

    monkeypatch.setattr(jobs, "utcnow", lambda: datetime(2031, 1, 5, tzinfo=UTC))


def _certs(event):
    q = select(Certificate).where(Certificate.event_id == event.id, Certificate.current_flag.is_(True))
    return {c.registration_id: c for c in db.session.scalars(q.order_by(Certificate.seq))}


def _issue(event, user):
    job = start_issue_job(event, {"scope": "eligible"}, user=user)
    db.session.commit()
    return run_issue_job(job.id)


def test_certificate_prints_score_or_predikat_under_the_name(client):
    owner, event, regs = make_cert_event(participants=3)
    qs = make_bank(event, owner)
    bank.delete_question(qs[4], user=owner)  # closed questions only: scores are final at submission
    enable_test(event, owner, "post", opens_at=utcnow() - timedelta(minutes=1), pass_mark=70)
    test, right = setup.get_test(event.id, "post"), right_answers(qs)
    first = {k: v for k, v in right.items() if k == str(qs[0].id)}
    for reg, answers in ((regs[0], right), (regs[1], first)):  # regs[2] never takes the post-test
        attempt = attempts.start(event, test, reg)
        attempts.save_answers(attempt, answers)
        attempts.submit(attempt)
    db.session.commit()

    login(client, owner)
    page = client.get(f"/manage/events/{event.id}/certificates/settings").get_data(as_text=True)
    assert "Hasil post-test di bawah nama peserta" in page and 'value="predikat"' in page
    bad = client.post(f"/manage/events/{event.id}/certificates/settings", data={"print_outcome": "nilai"})
    assert bad.status_code == 422 and "Pilihan hasil post-test tidak dikenal." in bad.get_data(as_text=True)
    ok = client.post(f"/manage/events/{event.id}/certificates/settings", data={"print_outcome": "score"})
    assert ok.status_code == 302 and get_settings(event).print_outcome == "score"

    _issue(event, owner)
    certs = _certs(event)
    texts = {rid: pdf_text(stored_path(c.pdf_path).read_bytes()) for rid, c in certs.items()}
    assert "Nilai post-test: 100" in texts[regs[0].id]
    assert "Nilai post-test: 20" in texts[regs[1].id]
    assert "Nilai post-test" not in texts[regs[2].id] and regs[2].full_name in texts[regs[2].id]
    # The line sits under the name, above "sebagai PESERTA".
    t0 = texts[regs[0].id]
    assert t0.index(regs[0].full_name) < t0.index("Nilai post-test: 100") < t0.index("sebagai")

    client.post(f"/manage/events/{event.id}/certificates/settings", data={"print_outcome": "predikat"})
    new = reissue(certs[regs[0].id], user=owner)
    db.session.commit()
    text = pdf_text(stored_path(new.pdf_path).read_bytes())
    assert "Predikat: Sangat Baik" in text and "Nilai post-test" not in text


def test_no_outcome_line_by_default(app):
    owner, event, regs = make_cert_event(participants=1)
    _issue(event, owner)
    (cert,) = _certs(event).values()
    assert cert.outcome_line == "" and "post-test" not in pdf_text(stored_path(cert.pdf_path).read_bytes())
