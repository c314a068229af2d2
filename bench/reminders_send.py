"""Time to send one reminder (H-1) to N participants through the job consumer's periodic task.

    /work/main/.venv/bin/python bench/reminders_send.py [--count 5000] [--db sqlite|postgresql] [--mail file|smtp]

The task runs as the consumer runs it: in a thread with no request and no app context, on the reminders
clock set to 08.00 WITA the day before the event. "smtp" delivers to a local aiosmtpd sink (one connection
per message, as core.mail sends); "file" writes the outbox files. A second run (a restart) must send nothing
and its time is printed too. Runs in a throwaway instance directory (and a throwaway PostgreSQL database).
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
START = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)  # 10.00 WITA
H1 = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)  # 08.00 WITA the day before
PG_ADMIN = os.environ.get("BIMTEK_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(count: int) -> int:
    from sqlalchemy import insert

    from bimtek.accounts import services as accounts
    from bimtek.events import services as events
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    owner = accounts.create_user("panitia@bench.bimtek.id", "bench-password-123", "organizer", "Panitia")
    event = events.create_event({
        "title": "Bimtek Strategi Komunikasi Media Sosial", "code": "BENCH", "city": "Denpasar",
        "province_code": "51", "timezone": "Asia/Makassar", "starts_at": START, "ends_at": START + timedelta(hours=6),
        "registration_opens_at": datetime(2020, 1, 1, tzinfo=UTC), "onsite_capacity": count, "online_capacity": count,
        "zoom_join_url": "https://zoom.us/j/81234567890",
    }, user=owner)  # fmt: skip
    events.add_session(event, {"title": "Sesi 1", "starts_at": START, "ends_at": START + timedelta(hours=2), "jp": 2,
                               "speakers": [{"name": "Narasumber", "institution": "Kominfo"}]}, user=owner)  # fmt: skip
    events.change_status(event, "publish", user=owner)
    now = datetime.now(UTC)
    rows = [{
        "event_id": event.id, "code": f"B{i:07d}", "manage_token": secrets.token_urlsafe(32),
        "ticket_id": secrets.token_hex(16), "ticket_issued_at": now, "status": "confirmed",
        "mode": "online" if i % 3 else "onsite", "source": "import", "full_name": f"Peserta Nomor {i}, S.Kom.",
        "name_key": f"peserta nomor {i:07d}", "email": f"peserta{i}@bench.go.id", "email_key": f"peserta{i}@bench.go.id",
        "phone": f"+62812{i:08d}", "answers": {}, "created_at": now, "updated_at": now, "confirmed_at": now,
    } for i in range(count)]  # fmt: skip
    db.session.execute(insert(Registration), rows)
    db.session.commit()
    return event.id


def consumer_run(app) -> tuple[int, float, float]:
    from bimtek import jobs
    from bimtek.reminders.tasks import send_reminders

    jobs.use_app(app)
    out = {}

    def run():
        t, cpu = time.perf_counter(), time.thread_time()
        out["sent"] = send_reminders.call_local()
        out["seconds"], out["cpu"] = time.perf_counter() - t, time.thread_time() - cpu

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out["sent"], out["seconds"], out["cpu"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--mail", choices=("file", "smtp"), default="smtp")
    args = parser.parse_args()

    import sqlalchemy as sa

    tmp = Path(tempfile.mkdtemp(prefix="bimtek-remind-bench-"))
    os.environ["BIMTEK_INSTANCE_PATH"] = str(tmp / "instance")
    from bimtek import create_app
    from bimtek.config import normalise_database_url
    from bimtek.extensions import db

    admin, pg_name = None, None
    if args.db == "postgresql":
        admin = sa.create_engine(normalise_database_url(PG_ADMIN), isolation_level="AUTOCOMMIT")
        pg_name = f"bimtek_remind_bench_{secrets.token_hex(3)}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{pg_name}"'))
        url = sa.engine.make_url(admin.url).set(database=pg_name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    sink, controller = None, None
    config = {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp / "instance"), "BASE_URL": "http://127.0.0.1:5000",
              "REMINDERS_CLOCK": lambda: H1, "MAIL_BACKEND": "file"}  # fmt: skip
    if args.mail == "smtp":
        from aiosmtpd.controller import Controller

        sink, port = Sink(), free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    app = create_app(config)
    try:
        with app.app_context():
            db.create_all()
            seed(args.count)
            db.session.remove()
        sent, seconds, cpu = consumer_run(app)
        again, again_seconds, _cpu = consumer_run(app)
        delivered = sink.count if sink else len(list((tmp / "instance" / "outbox").iterdir()))
        load = os.getloadavg()[0]
        print(f"{args.db}/{args.mail}: {sent} reminder emails in {seconds:.1f} s ({sent / seconds:.0f}/s), "
              f"{cpu:.1f} s CPU in the consumer thread ({cpu / max(sent, 1) * 1000:.1f} ms each); delivered "
              f"{delivered}; second run sent {again} in {again_seconds:.2f} s; load average {load:.1f}")  # fmt: skip
    finally:
        if controller:
            controller.stop()
        with app.app_context():
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
