"""Review queue benchmark: the page that groups pending Zoom rows by identity, and linking one identity.

A large queue on purpose (a report imported into the wrong event looks like this): IDENTITIES people unknown
to the event, each in every one of 3 sessions, against 5,000 registrations.

Run from the project root:  .venv/bin/python bench/review_queue_bench.py [--identities 1000] [--repeat 5]
Prints medians in milliseconds: CPU time of this process (one core) and wall time (SQLite in a temp dir).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from bench.attendance_bench import setup  # noqa: E402
from bimtek import create_app  # noqa: E402
from bimtek.accounts import services as accounts  # noqa: E402
from bimtek.attendance import services  # noqa: E402
from bimtek.attendance.models import ZoomImport, ZoomImportRow  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.registration.models import Registration  # noqa: E402

PASSWORD = "bench-password-2022"  # noqa: S105


def _queue(event, identities: int) -> None:
    rows = []
    for session in event.sessions:
        imp = ZoomImport(event_id=event.id, session_id=session.id, fingerprint=f"f{session.id}", status="confirmed")
        db.session.add(imp)
        db.session.flush()
        for i in range(identities):
            email = f"tamu{i}@gmail.com" if i % 2 else None
            rows.append(
                {
                    "import_id": imp.id, "event_id": event.id, "session_id": session.id,
                    "display_name": f"Perangkat {i:05d}", "email": email, "link_key": f"perangkat {i:05d}",
                    "line_nos": [i + 2], "intervals": [[session.starts_at.isoformat(), session.ends_at.isoformat()]],
                    "minutes": 90.0, "match_kind": "none", "candidate_ids": [], "status": "pending",
                }
            )  # fmt: skip
    db.session.execute(insert(ZoomImportRow), rows)
    db.session.commit()


def _median(fn, repeat: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--identities", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "INSTANCE_PATH": tmp, "TESTING": True,
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "locmem", "JOBS_IMMEDIATE": True,
            "SECRET_KEY": "bench-secret-" + "x" * 32,
        })  # fmt: skip
        with app.app_context():
            db.create_all()
            event = setup(5000, 3)
            accounts.create_user("admin@bench.go.id", PASSWORD, "admin")
            _queue(event, args.identities)
            event_id = event.id
            reg_ids = list(db.session.scalars(select(Registration.id).order_by(Registration.id).limit(args.repeat)))
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"email": "admin@bench.go.id", "password": PASSWORD})
        url = f"/manage/events/{event_id}/attendance/review"
        assert client.get(url).status_code == 200
        print(f"review queue: {args.identities} identities x 3 sessions = {3 * args.identities} pending rows")
        with app.app_context():
            cpu, wall = _median(lambda: services.identities(event_id), args.repeat)
            db.session.remove()
        print(f"  group by identity (service)       CPU median {cpu:7.1f} ms (wall {wall:.0f} ms)")
        cpu, wall = _median(lambda: client.get(url), args.repeat)
        print(f"  review page (whole request)       CPU median {cpu:7.1f} ms (wall {wall:.0f} ms)")
        cpu, wall = _median(lambda: client.get(url + "?group=1&q=ahmad&partial=1"), args.repeat)
        print(f"  type-ahead search (partial)       CPU median {cpu:7.1f} ms (wall {wall:.0f} ms)")
        with app.app_context():
            rows = {r.display_name: r.id for r in db.session.scalars(select(ZoomImportRow))}
            db.session.remove()
        targets = iter(zip([rows[f"Perangkat {i:05d}"] for i in range(2, 2 + args.repeat)], reg_ids, strict=True))

        def link():
            row_id, reg_id = next(targets)
            assert client.post(f"{url}/{row_id}/link", data={"registration_id": str(reg_id)}).status_code == 302

        cpu, wall = _median(link, args.repeat)
        print(f"  link one identity (3 rows)        CPU median {cpu:7.1f} ms (wall {wall:.0f} ms)")
        with app.app_context():
            left = len(services.identities(event_id))
            assert left == args.identities - args.repeat, f"{left} identities left: a link did not happen"


if __name__ == "__main__":
    main()
