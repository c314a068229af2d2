"""Attendance benchmarks: a 10,000-row Zoom report (3,000 people with rejoins) parsed, matched against
5,000 registrations and merged through the real service, and eligibility for 5,000 participants × 4 sessions.

Run from the project root:  .venv/bin/python bench/attendance_bench.py [--repeat 7]
Prints medians in milliseconds: CPU time of the process (what one core spends, unaffected by other jobs on a
shared machine) and wall time (SQLite file database in a temporary directory).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bimtek import create_app  # noqa: E402
from bimtek.attendance import eligibility, services, verdicts  # noqa: E402
from bimtek.attendance.models import AttendanceInterval  # noqa: E402
from bimtek.attendance.zoom_csv import parse_zoom_report  # noqa: E402
from bimtek.events.models import Event, EventSession  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.registration.models import Registration  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
DAY = datetime(2022, 8, 25, 2, 0, tzinfo=UTC)  # 09.00 WIB
FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Made", "Wayan", "Putri", "Hendra", "Agus", "Lestari", "Yohanes", "Maria"]
LAST = ["Santoso", "Rahmawati", "Hidayat", "Siregar", "Manurung", "Pratama", "Gunawan", "Salim", "Handayani"]


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    """Median CPU time of this process (one core; the shared machine's waiting excluded), and wall time."""
    cpu, wall, result = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        result = fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    _WALL.append(statistics.median(wall))
    return statistics.median(cpu), result


_WALL: list[float] = []


def _wall() -> str:
    return f"(wall {_WALL[-1]:.0f} ms)"


def setup(registrations: int, sessions: int) -> Event:
    """An event with sessions and registrations, inserted in bulk."""
    event = Event(
        slug="bench", title="Bench", code="BENCH", starts_at=DAY, ends_at=DAY + timedelta(minutes=90 * sessions),
        timezone="Asia/Jakarta", onsite_capacity=0, online_capacity=registrations, status="closed",
        zoom_meeting_id="81234567890",
    )  # fmt: skip
    db.session.add(event)
    db.session.flush()
    for i in range(sessions):
        db.session.add(
            EventSession(
                event_id=event.id,
                title=f"Sesi {i + 1}",
                starts_at=DAY + timedelta(minutes=90 * i),
                ends_at=DAY + timedelta(minutes=90 * (i + 1)),
                jp=2,
                position=i,
            )
        )
    rows = []
    for i in range(registrations):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i:04d}"
        rows.append(
            {
                "event_id": event.id, "code": f"B{i:07d}", "manage_token": f"tok{i:08d}", "ticket_id": f"t{i:08d}",
                "status": "confirmed", "mode": "online", "full_name": name, "name_key": name.lower(),
                "email": f"peserta{i}@contoh.go.id", "email_key": f"peserta{i}@contoh.go.id",
            }
        )  # fmt: skip
    db.session.execute(insert(Registration), rows)
    db.session.commit()
    return event


def zoom_csv(people: int, rows: int, seed: int = 7) -> bytes:
    """A Zoom participants report: ``people`` distinct people spread over ``rows`` rows (rejoins)."""
    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"])
    per_person = [1] * people
    for _ in range(rows - people):
        per_person[rnd.randrange(people)] += 1
    end_of_day = DAY + timedelta(hours=6)
    for p, count in enumerate(per_person):
        idx = p * 5000 // people
        name = f"DISKOMINFO_{FIRST[idx % len(FIRST)]} {LAST[(idx // len(FIRST)) % len(LAST)]} {idx:04d}"
        email = f"peserta{idx}@contoh.go.id" if p % 10 else ""  # one in ten joins as a guest, name only
        t = DAY + timedelta(minutes=rnd.randint(-10, 30))
        for _ in range(count):
            stay = timedelta(minutes=rnd.randint(5, 360 // count + 5))
            leave = min(t + stay, end_of_day)
            w.writerow([name, email, t.astimezone(WIB).strftime("%m/%d/%Y %I:%M:%S %p"),
                        leave.astimezone(WIB).strftime("%m/%d/%Y %I:%M:%S %p"),
                        max(1, int((leave - t).total_seconds() // 60)), "No" if email else "Yes"])  # fmt: skip
            t = leave + timedelta(minutes=rnd.randint(1, 4))
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="attbench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "INSTANCE_PATH": tmp,
                      "JOBS_IMMEDIATE": True, "SECRET_KEY": "bench-" + "x" * 40})  # fmt: skip
    with app.app_context():
        db.create_all()
        event = setup(5000, 4)
        session = sorted(event.sessions, key=lambda s: s.starts_at)[0]
        data = zoom_csv(3000, 10_000)
        print(f"Zoom report: {len(data) / 1024:.0f} KiB, 10,000 rows, 3,000 people; 5,000 registrations")

        parse_ms, report = _median_ms(lambda: parse_zoom_report(data, "Asia/Jakarta"), args.repeat)
        print(
            f"  parse only (pure zoom_csv)                       CPU median {parse_ms:7.1f} ms {_wall()}; {len(report.rows)} rows"
        )
        analyse_ms, analysis = _median_ms(lambda: services.analyse_report(event, session, data), args.repeat)
        print(
            f"  parse + match + merge (services.analyse_report)  CPU median {analyse_ms:7.1f} ms {_wall()}; "
            f"{analysis.people_matched} of {len(analysis.groups)} people matched automatically"
        )

        def upload_and_confirm():
            imp, _ = services.upload_report(event, session, "bench.csv", data)
            services.confirm_import(imp)
            db.session.rollback()  # measure again from scratch: nothing is kept

        full_ms, _ = _median_ms(upload_and_confirm, max(3, args.repeat // 2))
        print(f"  upload preview + confirm, with DB writes         CPU median {full_ms:7.1f} ms {_wall()}")

        # Eligibility: intervals for all 5,000 participants in all 4 sessions (rejoins included).
        rnd = random.Random(3)
        rows = []
        reg_ids = [r.id for r in verdicts.evaluated_registrations(event)]
        for rid in reg_ids:
            for s in event.sessions:
                start = s.starts_at.replace(tzinfo=UTC) + timedelta(minutes=rnd.randint(-5, 20))
                mid = start + timedelta(minutes=rnd.randint(10, 50))
                rows.append({"event_id": event.id, "registration_id": rid, "session_id": s.id, "start": start,
                             "end": mid, "source": "zoom_report", "source_ref": "bench"})  # fmt: skip
                rows.append({"event_id": event.id, "registration_id": rid, "session_id": s.id,
                             "start": mid + timedelta(minutes=2), "end": mid + timedelta(minutes=rnd.randint(20, 60)),
                             "source": "zoom_report", "source_ref": "bench"})  # fmt: skip
        db.session.execute(insert(AttendanceInterval), rows)
        verdicts.save_rule(event, {"min_session_percent": 70, "min_total_jp": 4})
        db.session.commit()
        data_ = verdicts.collect(event, reg_ids)
        rule = verdicts.pure_rule(verdicts.get_rule(event), event)

        def pure():
            return sum(eligibility.evaluate(rule, data_.sessions, data_.attendance[r]).eligible for r in reg_ids)

        pure_ms, eligible = _median_ms(pure, args.repeat)
        print(f"Eligibility, 5,000 participants × 4 sessions ({len(rows):,} intervals):")
        print(f"  pure engine only                                 CPU median {pure_ms:7.1f} ms {_wall()}")

        def compute():
            summary = verdicts.compute_verdicts(event)
            db.session.commit()
            return summary

        compute_ms, summary = _median_ms(compute, max(3, args.repeat // 2))
        print(
            f"  compute_verdicts (load + evaluate + store)       CPU median {compute_ms:7.1f} ms {_wall()}; {summary}"
        )


if __name__ == "__main__":
    main()
