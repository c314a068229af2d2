"""Foundation figures: fresh clone to `make run` serving; event page and event API under load.

Usage: .venv/bin/python bench/foundation_load.py [--runs 3] [--seconds 5] [--skip-clone]
Serves each target with 2 gunicorn workers and drives it with wrk (32 connections), on SQLite and on
PostgreSQL (BIMTEK_BENCH_PG, default the local server), and compares with a bare Flask hello endpoint
served the same way in the same run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._serve import BIN, ROOT, Gunicorn, free_port, median_of, wait_http, wrk  # noqa: E402

PG_ADMIN = os.environ.get("BIMTEK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def fresh_clone_to_serving() -> float:
    """Seconds from `git clone` to the first 200 from `make run` on a fresh clone."""
    tmp = Path(tempfile.mkdtemp(prefix="bimtek-clone-"))
    port = free_port()
    start = time.monotonic()
    subprocess.run(["git", "clone", "-q", str(ROOT), str(tmp / "app")], check=True)
    proc = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=tmp / "app", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=600)
        return time.monotonic() - start
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(20)
        shutil.rmtree(tmp, ignore_errors=True)


def prepare(env: dict) -> tuple[str, int, str]:
    """Migrate, seed the demo, make a token; returns (event slug, event id, token)."""

    def run(*a: str) -> str:
        return subprocess.run(
            [str(BIN / "flask"), "--app", "app", *a], cwd=ROOT, env={**os.environ, **env}, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip

    run("db", "upgrade")
    run("demo")
    token = run("users", "token", "--email", "panitia@demo.bimtek.id", "--label", "bench").strip()
    sys.path.insert(0, str(ROOT))
    from bimtek import create_app
    from bimtek.events.models import Event
    from bimtek.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": env["BIMTEK_DATABASE_URL"], "INSTANCE_PATH": env["BIMTEK_INSTANCE_PATH"]}
    )
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "bimtek-medsos-2022"))
        slug, eid = event.slug, event.id
        db.engine.dispose()
    return slug, eid, token


def measure(label: str, env: dict, runs: int, seconds: int) -> None:
    slug, eid, token = prepare(env)
    results = {"hello": [], "event page": [], "GET /api/v1/events/{id}": []}
    with Gunicorn("hello_app:app", cwd=ROOT / "bench") as hello, Gunicorn("app:app", env=env) as bimtek:
        wait_http(hello.url + "/hello")
        wait_http(bimtek.url + f"/e/{slug}")
        for _ in range(runs):
            results["hello"].append(wrk(hello.url + "/hello", seconds=seconds))
            results["event page"].append(wrk(bimtek.url + f"/e/{slug}", seconds=seconds))
            results["GET /api/v1/events/{id}"].append(
                wrk(bimtek.url + f"/api/v1/events/{eid}", seconds=seconds, headers={"Authorization": f"Bearer {token}"})
            )
    hello_rps = median_of(results["hello"])["rps"]
    print(f"\n== {label} (2 gunicorn workers, wrk 32 connections, median of {runs} x {seconds}s)")
    for name, rs in results.items():
        m = median_of(rs)
        print(f"{name:28s} {m['rps']:8.0f} req/s  p50 {m['p50']:6.1f} ms  p99 {m['p99']:6.1f} ms  "
              f"non-2xx {m['errors']:.0f}  ratio to hello {m['rps'] / hello_rps:5.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--skip-clone", action="store_true")
    parser.add_argument("--clone-only", action="store_true")
    args = parser.parse_args()

    if not args.skip_clone:
        print(f"fresh clone -> make run serving: {fresh_clone_to_serving():.1f} s")
    if args.clone_only:
        return

    tmp = Path(tempfile.mkdtemp(prefix="bimtek-bench-"))
    sqlite_env = {"BIMTEK_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "BIMTEK_INSTANCE_PATH": str(tmp),
                  "BIMTEK_SECRET_KEY": secrets.token_hex(32)}  # fmt: skip
    measure("SQLite", sqlite_env, args.runs, args.seconds)

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"bimtek_bench_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        pg_url = sa.engine.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
        measure("PostgreSQL", {**sqlite_env, "BIMTEK_DATABASE_URL": pg_url}, args.runs, args.seconds)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
