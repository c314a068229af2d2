"""Participant search at 100,000 registrations in one event, on SQLite and PostgreSQL.

Seeds the same registrations as registration_load.py (with their search words), then runs each search case
30 times in process through `registration.services.search` and prints the median and p99, and the plan
of the "any word" query. Run: .venv/bin/python bench/registration_search.py [--rows 100000] [--db both]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from registration_load import app_config, bench_search, make_database, seed_registrations, setup_event  # noqa: E402


def plan_lines(app, event_id: int, text: str) -> list[str]:
    from bimtek.extensions import db
    from bimtek.registration.services.search import word_page

    with app.app_context():
        q = word_page(event_id, text)  # the page query the list runs for an "any word" search
        sql = str(q.compile(db.engine, compile_kwargs={"literal_binds": True}))
        pg = db.engine.dialect.name == "postgresql"
        rows = db.session.execute(sa.text(("EXPLAIN ANALYZE " if pg else "EXPLAIN QUERY PLAN ") + sql)).all()
        return [" ".join(str(c) for c in r) for r in rows]


def run(kind: str, rows: int) -> None:
    from bimtek import create_app
    from bimtek.extensions import db

    tmp = tempfile.mkdtemp(prefix="bimtek-search-")
    if kind == "postgresql":
        url, admin, name = make_database()
    else:
        url, admin, name = f"sqlite:///{tmp}/search.db", None, None
    try:
        app = create_app(app_config(url, tmp))
        with app.app_context():
            db.create_all()
        event_id = setup_event(app, onsite_capacity=1_000_000, online_capacity=1_000_000)
        t0 = time.perf_counter()
        seed_registrations(app, event_id, rows)
        print(f"\n{kind}: SEARCH at {rows:,} registrations in one event (seeded in {time.perf_counter() - t0:.1f} s)")
        results, _plan = bench_search(app, event_id) if kind == "postgresql" else _sqlite_search(app, event_id)
        for label, p50, p99, total in results:
            print(f"  {label:34s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  matches {total}")
        print("  plan of 'maharani':")
        for line in plan_lines(app, event_id, "maharani"):
            print("    " + line)
        with app.app_context():
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _sqlite_search(app, event_id: int):
    # bench_search ends with a PostgreSQL-only EXPLAIN ANALYZE; on SQLite run its cases without it.
    import registration_load

    original = registration_load.sa.text

    def text(sql, *a, **kw):
        return original(sql.replace("EXPLAIN ANALYZE", "EXPLAIN QUERY PLAN"), *a, **kw)

    registration_load.sa.text = text
    try:
        return bench_search(app, event_id)
    finally:
        registration_load.sa.text = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    opts = parser.parse_args()
    for kind in ("sqlite", "postgresql"):
        if opts.db in (kind, "both"):
            run(kind, opts.rows)


if __name__ == "__main__":
    main()
