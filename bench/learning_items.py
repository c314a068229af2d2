"""Item analysis for 5,000 attempts x 40 questions: the pure computation, and the report's whole path on PostgreSQL.

    /work/main/.venv/bin/python bench/learning_items.py [--attempts 5000] [--questions 40] [--rounds 5]

1. `learning.scoring.item_analysis` over in-memory data (difficulty and discrimination of every question),
   median over rounds.
2. `learning.services.results.item_statistics` end to end: 5,000 submitted attempts and 200,000 scored
   answers seeded in a fresh PostgreSQL database, read back, and analysed — the work behind the report page,
   the XLSX and the API. Median over rounds.

Needs PostgreSQL at BIMTEK_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/postgres).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.learning_load import create_database, drop_database  # noqa: E402
from bimtek.learning import scoring  # noqa: E402


def synthetic(attempts: int, questions: int, seed: int = 15) -> list[tuple[float, dict[int, float]]]:
    """Attempts whose answers depend on an ability, so discrimination indexes are realistic."""
    rng = random.Random(seed)
    difficulty = [rng.uniform(-1.5, 1.5) for _ in range(questions)]
    data = []
    for _ in range(attempts):
        ability = rng.gauss(0, 1)
        items = {
            q: 1.0 if rng.random() < 1 / (1 + 2.718 ** (difficulty[q] - ability)) else 0.0 for q in range(questions)
        }
        data.append((100 * sum(items.values()) / questions, items))
    return data


def pure(args) -> float:
    data = synthetic(args.attempts, args.questions)
    times = []
    for _ in range(args.rounds):
        began = time.perf_counter()
        scoring.item_analysis(data, list(range(args.questions)))
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def end_to_end(args) -> float:
    from sqlalchemy import insert

    from bimtek import create_app
    from bimtek.extensions import db
    from bimtek.learning.models import LearningAnswer, LearningAttempt
    from bimtek.learning.services import bank, results, setup
    from bimtek.registration.models import Registration
    from tests.factories import make_event, make_user

    name, url = create_database()
    try:
        with tempfile.TemporaryDirectory() as instance:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance})
            with app.app_context():
                db.create_all()
                owner = make_user("organizer")
                event = make_event(owner)
                qs = [bank.add_question(event, {"kind": "choice", "text": f"Soal {i}", "options": ["A", "B", "C", "D"],
                                                "correct": 0}, user=owner) for i in range(args.questions)]  # fmt: skip
                test = setup.update_test(event, "post", {"enabled": True}, user=owner)
                db.session.commit()
                now = datetime.now(UTC)
                regs = [{"event_id": event.id, "code": f"B{i:07d}", "manage_token": f"bench-{i}", "ticket_id": f"t{i}",
                         "status": "confirmed", "mode": "online", "full_name": f"Peserta {i}", "name_key": f"peserta {i}",
                         "email": f"p{i}@bench.go.id", "email_key": f"p{i}@bench.go.id"} for i in range(args.attempts)]  # fmt: skip
                db.session.execute(insert(Registration), regs)
                reg_ids = db.session.scalars(db.select(Registration.id).order_by(Registration.id)).all()
                data = synthetic(args.attempts, args.questions)
                ids = [q.id for q in qs]
                attempts = [{"test_id": test.id, "event_id": event.id, "registration_id": rid, "number": 1,
                             "layout": {"questions": ids, "options": {}}, "started_at": now, "deadline_at": now + timedelta(minutes=30),
                             "submitted_at": now, "auto_submitted": False, "score": total, "pending_marks": 0}
                            for rid, (total, _items) in zip(reg_ids, data, strict=True)]  # fmt: skip
                db.session.execute(insert(LearningAttempt), attempts)
                attempt_ids = db.session.scalars(db.select(LearningAttempt.id).order_by(LearningAttempt.id)).all()
                answers = [{"attempt_id": aid, "question_id": ids[q], "value": "0" if v else "1", "saved_at": now, "points": v}
                           for aid, (_total, items) in zip(attempt_ids, data, strict=True) for q, v in items.items()]  # fmt: skip
                for start in range(0, len(answers), 20000):
                    db.session.execute(insert(LearningAnswer), answers[start : start + 20000])
                db.session.commit()
                times = []
                for _ in range(args.rounds):
                    db.session.expunge_all()
                    began = time.perf_counter()
                    stats = results.item_statistics(event, "post")
                    times.append((time.perf_counter() - began) * 1000)
                assert len(stats) == args.questions and all(s["difficulty"] is not None for s in stats)
                db.session.remove()
                db.engine.dispose()
        return statistics.median(times)
    finally:
        drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"item analysis, {args.attempts} attempts x {args.questions} questions, median of {args.rounds}")
    print(f"  pure (scoring.item_analysis): {pure(args):.1f} ms")
    print(f"  end to end on PostgreSQL (results.item_statistics): {end_to_end(args):.1f} ms")


if __name__ == "__main__":
    main()
