"""Time for a certificate job to be resumed automatically after its consumer is SIGKILLed.

Two real `flask jobs worker` processes: the first is killed once a batch is committed; then either
- restart: a new consumer starts on the same machine (it sees the holder's process is gone), or
- standby (--standby): a second consumer was already running; it waits for the lease to lapse
  (BIMTEK_JOBS_LEASE_SECONDS, here --lease) and for its periodic sweep (every minute).
Prints the median over --runs of (kill -> another consumer holds the job) and (kill -> job done).

    .venv/bin/python bench/job_resume.py [--runs 3] [--pg] [--standby] [--lease 30]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import PG_URL, base_config  # noqa: E402
from tests.integration.consumer_process import REDIS_URL, ConsumerProcess, wait_for  # noqa: E402

PARTICIPANTS = 200


def _row(engine, job_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT status, done, leased_by FROM jobs WHERE id = :id"), {"id": job_id}).one()


def one_run(pg: bool, standby: bool, lease: int) -> tuple[float, float]:
    from bimtek import create_app
    from bimtek.certificates.services import jobs as cert_jobs
    from bimtek.extensions import db
    from tests.factories_certificates import make_cert_event

    tmp = Path(tempfile.mkdtemp(prefix="bimtek-bench-"))
    admin = None
    if pg:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"bimtek_bench_{secrets.token_hex(3)}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({**base_config(tmp, url), "TESTING": False, "JOBS_IMMEDIATE": False})
    with app.app_context():
        db.create_all()
        user, event, _ = make_cert_event(participants=PARTICIPANTS, onsite_capacity=PARTICIPANTS)
        job = cert_jobs.start_issue_job(
            event,
            {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir", "notify": False},
            user=user,
        )
        db.session.commit()
        job_id = job.id
        db.session.remove()
    engine = sa.create_engine(url)
    queue = f"bimtek-bench-{secrets.token_hex(4)}"
    redis = REDIS_URL if pg else None
    first = ConsumerProcess(app, redis_url=redis, queue=queue, lease=lease).start()
    spare = ConsumerProcess(app, redis_url=redis, queue=queue, lease=lease) if standby else None
    try:
        if spare:
            spare.start()
        wait_for(lambda: _row(engine, job_id).done >= 10, timeout=120, step=0.02)
        holder = _row(engine, job_id).leased_by
        if spare and holder and holder.endswith(f":{spare.proc.pid}"):
            first, spare = spare, first  # the standby one took the job: kill that one instead
        first.kill()
        killed = time.monotonic()
        if not spare:
            spare = ConsumerProcess(app, redis_url=redis, queue=queue, lease=lease).start()
        wait_for(lambda: _row(engine, job_id).leased_by not in (None, holder), timeout=300, step=0.02)
        resumed = time.monotonic() - killed
        wait_for(lambda: _row(engine, job_id).status == "done", timeout=300, step=0.05)
        done = time.monotonic() - killed
    finally:
        for proc in (first, spare):
            if proc:
                proc.stop()
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return resumed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL with Redis (default: SQLite)")
    parser.add_argument("--standby", action="store_true", help="a second consumer already runs")
    parser.add_argument("--lease", type=int, default=30)
    args = parser.parse_args()
    results = [one_run(args.pg, args.standby, args.lease) for _ in range(args.runs)]
    resumed = [r for r, _ in results]
    done = [d for _, d in results]
    label = f"{'postgresql+redis' if args.pg else 'sqlite'}, {'standby' if args.standby else 'restart'}"
    print(f"{label}, lease {args.lease} s, {PARTICIPANTS} certificates, {args.runs} runs")
    print(
        f"  kill -> resumed: median {statistics.median(resumed):.2f} s  (runs: {', '.join(f'{x:.2f}' for x in resumed)})"
    )
    print(f"  kill -> done:    median {statistics.median(done):.2f} s  (runs: {', '.join(f'{x:.2f}' for x in done)})")


if __name__ == "__main__":
    main()
