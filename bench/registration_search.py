"""Participant search at 100,000 registrations in one event, on SQLite and PostgreSQL.

Seeds the same registrations as registration_load.py (with their search words), then runs each search case
200 times in process through `registration.services.search` (the list and API) and the check-in desk's
`find_participants`, and prints the median and p99 and the plans of a few "any word" page queries.
On PostgreSQL the tables are VACUUM ANALYZEd after the bulk load, as autovacuum would do, so index-only
scans need no heap visits. The machine's load average is printed with the figures: on a shared machine it
moves them more than any change in the code does.
Run: .venv/bin/python bench/registration_search.py [--rows 100000] [--db both]
"""

from __future__ import annotations

import argparse
import os
import statistics
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
        if kind == "postgresql":
            with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(sa.text("VACUUM ANALYZE registrations"))
                conn.execute(sa.text("VACUUM ANALYZE registration_words"))
        print(f"\n{kind}: SEARCH at {rows:,} registrations in one event (seeded in {time.perf_counter() - t0:.1f} s)")
        print("  load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        results, _plan = bench_search(app, event_id) if kind == "postgresql" else _sqlite_search(app, event_id)
        results += desk_search(app, event_id)
        for label, p50, p99, total in results:
            print(f"  {label:34s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  matches {total}")
        print("  load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        for text in ("maharani", "ma", "budi maharani"):
            print(f"  plan of the page of {text!r}:")
            try:
                lines = plan_lines(app, event_id, text)
            except ValueError:
                lines = ["(no single page query for this search)"]
            for line in lines:
                print("    " + line)
        with app.app_context():
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def desk_search(app, event_id: int, repeat: int = 200) -> list[tuple[str, float, float, int]]:
    """The check-in desk's search (GET /api/v1/events/<id>/checkin-search calls it), 20 results."""
    from bimtek.checkin import services as checkin
    from bimtek.events.models import Event
    from bimtek.extensions import db

    out = []
    with app.app_context():
        event = db.session.get(Event, event_id)
        for text in ("maharani", "keuangan", "ma"):
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                found = checkin.search(event, text)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out.append((f"desk {text!r}", statistics.median(times), times[int(len(times) * 0.99) - 1], len(found)))
    return out


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
