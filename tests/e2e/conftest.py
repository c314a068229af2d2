"""Browser tests: a live server on a free port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import base_config, skip_or_fail

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright launches Debian's Chromium (never a downloaded browser)."""
    if CHROMIUM is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class LiveServer:
    """The app served by werkzeug in a thread, on SQLite, with the demo seeded."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["BASE_URL"] = self.url  # links in emails and certificate QR codes point here
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


def seeded_demo_app(root):
    """The demo on a SQLite file under ``root`` (rate limits off, mail kept, jobs inline), its upcoming event's
    evaluation open: the app behind the module-scoped browser checks of whole demo pages."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from bimtek import create_app, demo
    from bimtek.evaluation import services as evaluation
    from bimtek.events.models import Event
    from bimtek.extensions import db

    app = create_app({
        "SECRET_KEY": "e2e-secret-" + "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'e2e.sqlite3'}",
        "INSTANCE_PATH": str(root / "instance"), "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "locmem",
        "JOBS_IMMEDIATE": True,
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        demo.seed()
        upcoming = db.session.scalars(select(Event).where(Event.slug != demo.BATAM_SLUG)).one()
        evaluation.ensure_evaluation(upcoming).opens_at = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture
def live_server(tmp_path):
    """A fresh app with the demo data, served on a free port; yields the LiveServer."""
    from bimtek import create_app, demo
    from bimtek.extensions import db

    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    config = base_config(tmp_path, url)
    config.update(WTF_CSRF_ENABLED=True, TESTING=False, JOBS_IMMEDIATE=True)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        demo.seed()
        db.session.commit()
        db.session.remove()
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()
