"""A participant takes the pre-test on a phone-sized Chromium: autosave, a dropped connection, the time limit."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import base_config

pytestmark = pytest.mark.e2e


@pytest.fixture
def live(tmp_path):
    from werkzeug.serving import make_server

    from bimtek import create_app
    from bimtek.extensions import db

    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    config = base_config(tmp_path, url)
    config.update(WTF_CSRF_ENABLED=True, TESTING=False)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    server.server_close()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def phone(browser):
    """A phone-sized page that fails the test on any script error or CSP violation."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="id-ID")  # fmt: skip
    errors = []

    def watch(page):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
        return page

    yield context, watch
    context.close()
    assert errors == []


def _prepare(app, *, time_limit_seconds=None):
    from bimtek.extensions import db
    from bimtek.learning.services import setup
    from tests.factories import make_event, make_registration, make_user
    from tests.factories_learning import QUESTIONS, enable_test, make_bank

    with app.app_context():
        owner = make_user("organizer")
        event = make_event(owner)
        questions = make_bank(event, owner)
        enable_test(event, owner, "pre")
        if time_limit_seconds:
            setup.get_test(event.id, "pre").time_limit_seconds = time_limit_seconds
            db.session.commit()
        token = make_registration(event).manage_token
        # The text of the right option for each question, so the browser can pick it whatever the order.
        right = {}
        for spec in QUESTIONS:
            if spec["kind"] == "choice":
                right[spec["text"]] = spec["options"][spec["correct"]]
            elif spec["kind"] == "truefalse":
                right[spec["text"]] = "Benar" if spec["correct"] else "Salah"
            else:
                right[spec["text"]] = None
        return token, right, {q.id: q.kind for q in questions}


def _answer(page, fieldset, right):
    text = fieldset.locator(".q-text").inner_text()
    if right[text] is None:
        fieldset.locator("textarea").fill("Cek sumber asli dan tanggal terbit")
        fieldset.locator("textarea").blur()
    else:
        fieldset.locator("label.option", has_text=right[text]).first.click()


def _saved(app):
    from bimtek.extensions import db
    from bimtek.learning.models import LearningAnswer

    with app.app_context():
        rows = db.session.execute(select(LearningAnswer.question_id, LearningAnswer.value)).all()
        db.session.remove()
        return dict(rows)


def test_pre_test_on_a_phone_survives_a_dropped_connection(live, phone):
    app, base = live
    token, right, kinds = _prepare(app)
    context, watch = phone
    page = watch(context.new_page())
    page.goto(f"{base}/r/{token}")
    page.get_by_role("link", name="Pre-test dan post-test").click()
    page.get_by_role("button", name="Mulai Pre-test").click()
    page.wait_for_url(f"{base}/r/{token}/tes/pre")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    fieldsets = page.locator("fieldset.question")
    assert fieldsets.count() == 5
    for i in range(2):
        _answer(page, fieldsets.nth(i), right)
    page.wait_for_selector("#save-state[data-kind='saved']", state="attached", timeout=60000)
    expect(page.locator("#save-state")).not_to_contain_text("Menyimpan", timeout=60000)
    assert len(_saved(app)) == 2

    # The connection drops: the rest is answered offline, kept on the phone, and the tab is even closed.
    context.set_offline(True)
    for i in range(2, 5):
        _answer(page, fieldsets.nth(i), right)
    page.wait_for_selector("#save-state[data-kind='offline']", state="attached", timeout=60000)
    assert "Koneksi terputus" in page.locator("#save-state").inner_text()
    assert len(_saved(app)) == 2
    page.close()

    # Back online, the participant opens the test again: the answers kept on the phone are restored and sent.
    context.set_offline(False)
    page = watch(context.new_page())
    page.goto(f"{base}/r/{token}/tes/pre")
    page.wait_for_selector("#save-state[data-kind='saved']", state="attached", timeout=60000)
    expect(page.locator("#save-state")).not_to_contain_text("Menyimpan", timeout=60000)
    saved = _saved(app)
    assert len(saved) == 5 and "Cek sumber asli dan tanggal terbit" in saved.values()
    assert page.locator("input[type=radio]:checked").count() == 4
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url(f"{base}/r/{token}/tes?selesai=pre")
    assert "menunggu penilaian isian oleh panitia" in page.content()

    from bimtek.extensions import db
    from bimtek.learning.models import LearningAttempt

    with app.app_context():
        attempt = db.session.scalar(select(LearningAttempt))
        assert attempt.submitted_at is not None and not attempt.auto_submitted
        # All closed answers right: every point the closed questions carry (5), the short answer waits.
        assert attempt.pending_marks == 1
        assert sum(a.points for a in attempt.answers if a.points is not None) == 5


def test_time_limit_submits_automatically_in_the_browser(live, phone):
    app, base = live
    token, right, _kinds = _prepare(app, time_limit_seconds=6)
    context, watch = phone
    page = watch(context.new_page())
    page.goto(f"{base}/r/{token}/tes")
    page.get_by_role("button", name="Mulai Pre-test").click()
    page.wait_for_url(f"{base}/r/{token}/tes/pre")
    _answer(page, page.locator("fieldset.question").first, right)
    # Nobody presses "Kirim": at zero the page submits by itself and shows the result.
    page.wait_for_url(f"{base}/r/{token}/tes?selesai=pre", timeout=20000)
    assert "dikirim otomatis saat waktu habis" in page.content()
    assert len(_saved(app)) >= 1
