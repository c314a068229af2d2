"""Dashboard, PDF and XLSX report generation time for an event of 5,000 registrations and 3,000 evaluations.

    python bench/reports_bench.py [--runs 7] [--registrations 5000] [--evaluations 3000] [--database-url URL]

Builds a throwaway database (SQLite file by default; pass a PostgreSQL URL to use one — its tables are
created and dropped), fills it with Core bulk inserts, then times the real HTTP routes through the test
client (login, authorization, queries, charts, template, PDF/XLSX rendering) and prints medians.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bimtek import create_app  # noqa: E402
from bimtek.accounts import services as accounts  # noqa: E402
from bimtek.evaluation import responses as eval_responses  # noqa: E402
from bimtek.evaluation import services as evaluation  # noqa: E402
from bimtek.evaluation.models import EvaluationAnswer, EvaluationResponse  # noqa: E402
from bimtek.events import services as events  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.reference import regions  # noqa: E402
from bimtek.registration.models import INSTITUTION_TYPES, Registration  # noqa: E402

PASSWORD = "bench-password-123"


def build(n_regs: int, n_evals: int, seed: int = 7) -> int:
    rnd = random.Random(seed)
    admin = accounts.create_user("bench@kominfo.go.id", PASSWORD, "admin", "Bench")
    start = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)
    event = events.create_event({
        "title": "Bimtek Strategi Komunikasi Media Sosial (bench)", "code": "BIMTEK-BENCH",
        "organizer_unit": "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik", "venue_name": "Hotel",
        "city": "Batam", "province_code": "21", "starts_at": start, "ends_at": start + timedelta(hours=7),
        "onsite_capacity": 500, "online_capacity": 10_000,
    }, user=admin)  # fmt: skip
    for i in range(4):
        events.add_session(event, {
            "title": f"Sesi {i + 1}: materi bimtek", "starts_at": start + timedelta(minutes=100 * i),
            "ends_at": start + timedelta(minutes=100 * i + 90), "jp": 2,
            "speakers": [{"name": f"Narasumber {i + 1}", "institution": "Kementerian Keuangan"},
                         {"name": f"Moderator {i + 1}", "institution": "Kominfo", "role": "moderator"}],
        }, user=admin)  # fmt: skip
    db.session.flush()
    provinces = [p.code for p in regions.provinces()]
    weights = [rnd.random() ** 3 for _ in provinces]
    rows = []
    for i in range(n_regs):
        mode = "onsite" if i % 10 == 0 else "online"
        status = rnd.choices(["confirmed", "waitlisted", "cancelled", "pending"], [90, 4, 5, 1])[0]
        prov = rnd.choices(provinces, weights)[0]
        created = start - timedelta(days=30) + timedelta(seconds=rnd.randint(0, 29 * 86400))
        rows.append({
            "event_id": event.id, "code": f"B{i:07d}", "manage_token": f"tok{i:061d}", "ticket_id": f"t{i:031d}",
            "ticket_issued_at": created, "status": status, "mode": mode, "source": "import",
            "full_name": f"Peserta {i}", "name_key": f"peserta {i}", "email": f"p{i}@contoh.go.id",
            "email_key": f"p{i}@contoh.go.id", "phone": "+6281200000000", "employment_status": "non_asn",
            "institution_type": rnd.choice(INSTITUTION_TYPES), "institution_name": "Instansi",
            "province_code": prov, "regency_code": "", "answers": {}, "created_at": created, "updated_at": created,
        })  # fmt: skip
    db.session.execute(sa.insert(Registration), rows)
    settings = evaluation.ensure_evaluation(event)
    settings.opens_at = start
    db.session.flush()
    regs = db.session.execute(
        sa.select(Registration.id, Registration.mode).where(Registration.event_id == event.id,
                                                           Registration.status == "confirmed")
    ).all()[:n_evals]  # fmt: skip
    forms = {m: eval_responses.form_items(eval_responses.build_form(event, m)) for m in ("onsite", "online")}
    db.session.execute(sa.insert(EvaluationResponse), [
        {"event_id": event.id, "registration_id": rid, "submitted_at": start + timedelta(hours=8, seconds=k)}
        for k, (rid, _m) in enumerate(regs)
    ])  # fmt: skip
    response_ids = dict(db.session.execute(
        sa.select(EvaluationResponse.registration_id, EvaluationResponse.id).where(EvaluationResponse.event_id == event.id)
    ).all())  # fmt: skip
    answers = []
    for rid, mode in regs:
        for item in forms[mode]:
            if item.question.kind == "scale":
                answers.append({"response_id": response_ids[rid], "question_id": item.question.id,
                                "session_id": item.session_id, "speaker_id": item.speaker_id,
                                "score": rnd.choices([1, 2, 3, 4, 5], [2, 5, 20, 45, 28])[0], "text": ""})  # fmt: skip
            elif rnd.random() < 0.3:
                answers.append({"response_id": response_ids[rid], "question_id": item.question.id,
                                "session_id": item.session_id, "speaker_id": item.speaker_id, "score": None,
                                "text": "Materi bermanfaat, mohon waktu praktik ditambah. " * rnd.randint(1, 3)})  # fmt: skip
    for k in range(0, len(answers), 20_000):
        db.session.execute(sa.insert(EvaluationAnswer), answers[k : k + 20_000])
    db.session.commit()
    print(f"built: {n_regs} registrations, {len(regs)} evaluations, {len(answers)} answers", flush=True)
    return event.id


def timed(client, url: str, runs: int) -> tuple[float, list[float], int]:
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        resp = client.get(url)
        times.append(time.perf_counter() - t0)
        assert resp.status_code == 200, (url, resp.status_code)
        size = len(resp.data)
    return statistics.median(times), times, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--registrations", type=int, default=5000)
    ap.add_argument("--evaluations", type=int, default=3000)
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp / "instance"), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "locmem",
                      "SECRET_KEY": "bench-" + "x" * 32})  # fmt: skip
    with app.app_context():
        db.create_all()
        try:
            t0 = time.perf_counter()
            event_id = build(args.registrations, args.evaluations)
            print(f"setup {time.perf_counter() - t0:.1f} s on {db.engine.dialect.name}")
            client = app.test_client()
            client.post("/login", data={"email": "bench@kominfo.go.id", "password": PASSWORD})
            base = f"/manage/events/{event_id}/laporan"
            for label, path in (("dashboard (HTML + SVG charts)", base), ("report JSON (API figures)", None),
                                ("PDF laporan kegiatan", base + ".pdf"), ("XLSX workbook", base + ".xlsx")):  # fmt: skip
                if path is None:
                    from bimtek.events.models import Event
                    from bimtek.reports import services

                    event = db.session.get(Event, event_id)
                    times = []
                    for _ in range(args.runs):
                        t0 = time.perf_counter()
                        services.event_report(event)
                        times.append(time.perf_counter() - t0)
                    med, size = statistics.median(times), 0
                else:
                    med, times, size = timed(client, path, args.runs)
                extra = f", {size / 1024:.0f} KB" if size else ""
                print(f"{label:32s} median {med * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, "
                      f"max {max(times) * 1000:.1f}, n={len(times)}{extra})", flush=True)  # fmt: skip
        finally:
            db.session.remove()
            if args.database_url:
                db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
