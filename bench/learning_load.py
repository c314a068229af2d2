"""400 participants submitting the post-test at the same minute, on PostgreSQL with 2 gunicorn workers.

    /work/main/.venv/bin/python bench/learning_load.py [--participants 400] [--questions 40] [--clients 50] [--rounds 3]

Each round seeds a fresh event (40 multiple-choice questions, post-test open, 400 confirmed participants),
then every participant, all released at once through --clients concurrent connections, does what the phone
page does: start the attempt, save each answer as it is chosen (one request per answer, as the autosave
script sends them), and submit. Prints requests/s over the whole burst and p50/p99 per request kind, medians
over rounds, the server's CPU per request (gunicorn master and workers, from /proc: the figure that does not
depend on what else the machine runs), and checks that every attempt was submitted and scored with every answer kept.

Needs PostgreSQL at BIMTEK_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._serve import Gunicorn, wait_http  # noqa: E402

PG = os.environ.get("BIMTEK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def create_database() -> tuple[str, str]:
    from bimtek.config import normalise_database_url

    admin = sa.create_engine(normalise_database_url(PG), isolation_level="AUTOCOMMIT")
    name = f"bimtek_bench_learning_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, sa.engine.make_url(normalise_database_url(PG)).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    from bimtek.config import normalise_database_url

    admin = sa.create_engine(normalise_database_url(PG), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(url: str, instance: str, participants: int, questions: int) -> tuple[list[str], list[int]]:
    """A fresh event with an open post-test; returns manage tokens and question ids."""
    from bimtek import create_app
    from bimtek.extensions import db
    from bimtek.learning.services import bank, setup
    from tests.factories import make_event, make_registration, make_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "RATELIMIT_ENABLED": False,
                      "MAIL_BACKEND": "locmem", "JOBS_IMMEDIATE": True})  # fmt: skip
    with app.app_context():
        db.create_all()
        owner = make_user("organizer")
        event = make_event(owner, online_capacity=participants + 10)
        qs = [bank.add_question(event, {"kind": "choice", "text": f"Soal {i + 1}", "options": ["A", "B", "C", "D"],
                                        "correct": i % 4}, user=owner) for i in range(questions)]  # fmt: skip
        setup.update_test(event, "post", {"enabled": True, "opens_at": datetime.now(UTC) - timedelta(minutes=1),
                                          "time_limit_minutes": 30}, user=owner)  # fmt: skip
        db.session.commit()
        tokens = [make_registration(event, mode="online").manage_token for _ in range(participants)]
        ids = [q.id for q in qs]
        db.session.remove()
        db.engine.dispose()
    return tokens, ids


def call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status, (time.perf_counter() - start) * 1000


def participant(port: int, token: str, ids: list[int], record) -> None:
    record("start", *call(port, "POST", f"/api/v1/tests/{token}/post/start"))
    for n, qid in enumerate(ids):
        record("save", *call(port, "PUT", f"/api/v1/tests/{token}/post/answers", {"answers": {str(qid): str(n % 4)}}))
    record("submit", *call(port, "POST", f"/api/v1/tests/{token}/post/submit"))


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of the gunicorn master and its workers so far (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master_pid]
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / tick


def check(url: str, participants: int, questions: int) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        submitted = conn.execute(sa.text("SELECT count(*) FROM learning_attempts WHERE submitted_at IS NOT NULL "
                                         "AND score = 100")).scalar()  # fmt: skip
        answers = conn.execute(sa.text("SELECT count(*) FROM learning_answers")).scalar()
    engine.dispose()
    ok = submitted == participants and answers == participants * questions
    return f"{'OK' if ok else 'MISMATCH'}: {submitted} attempts submitted with 100, {answers} answers kept"


def one_round(args) -> dict:
    name, url = create_database()
    try:
        with tempfile.TemporaryDirectory() as instance:
            tokens, ids = seed(url, instance, args.participants, args.questions)
            env = {
                "BIMTEK_DATABASE_URL": url,
                "BIMTEK_SECRET_KEY": "bench-" + "k" * 40,
                "BIMTEK_INSTANCE_PATH": instance,
            }
            with Gunicorn("bench.learning_app:app", env=env, workers=2) as server:
                wait_http(server.url + "/api/v1/openapi.json")
                latencies: dict[str, list[float]] = {"start": [], "save": [], "submit": []}
                failures = []
                lock = threading.Lock()

                def record(kind, status, ms):
                    with lock:
                        latencies[kind].append(ms)
                        if status >= 400:
                            failures.append((kind, status))

                cpu_before = server_cpu_seconds(server.proc.pid)
                began = time.perf_counter()
                with ThreadPoolExecutor(args.clients) as pool:
                    list(pool.map(lambda t: participant(server.port, t, ids, record), tokens))
                wall = time.perf_counter() - began
                cpu = server_cpu_seconds(server.proc.pid) - cpu_before
            total = sum(len(v) for v in latencies.values())
            every = sorted(ms for v in latencies.values() for ms in v)
            result = {"rps": total / wall, "wall_s": wall, "p50": pct(every, 50), "p99": pct(every, 99),
                      "save_p99": pct(sorted(latencies["save"]), 99), "submit_p99": pct(sorted(latencies["submit"]), 99),
                      "errors": len(failures), "cpu_ms": 1000 * cpu / total}  # fmt: skip
            print(f"  round: {total} requests in {wall:.1f} s = {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, "
                  f"p99 {result['p99']:.1f} ms (save p99 {result['save_p99']:.1f}, submit p99 {result['submit_p99']:.1f}), "
                  f"server CPU {result['cpu_ms']:.1f} ms/request, errors {len(failures)}; {check(url, args.participants, args.questions)}")  # fmt: skip
            return result
    finally:
        drop_database(name)


def pct(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.participants} participants x ({args.questions} answer saves + start + submit), {args.clients} concurrent "
          f"clients, 2 gunicorn sync workers, PostgreSQL")  # fmt: skip
    runs = [one_round(args) for _ in range(args.rounds)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"median of {args.rounds}: {med['rps']:.0f} req/s, p50 {med['p50']:.1f} ms, p99 {med['p99']:.1f} ms "
          f"(save p99 {med['save_p99']:.1f} ms, submit p99 {med['submit_p99']:.1f} ms), burst {med['wall_s']:.1f} s, "
          f"server CPU {med['cpu_ms']:.1f} ms/request, "
          f"errors {med['errors']:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
