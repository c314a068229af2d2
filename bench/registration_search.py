"""Participant search at 100,000 registrations in one event, on SQLite and PostgreSQL.

Seeds the same registrations as registration_load.py (with their search words; realistic Indonesian names
and instansi), then runs each case 200 times in process through `registration.services.search` (the list
and the API) and the check-in desk's search, and prints wall-clock p50/p99 and the CPU per query (this
process, plus on PostgreSQL the server backend's, read from /proc when the server runs on this machine),
and the plans of a few "any word" page queries. On PostgreSQL the tables are VACUUM ANALYZEd after the
bulk load, as autovacuum would do. The load average is printed with the figures: on a shared machine it
moves wall-clock times more than the code does; the CPU columns move much less.

Run: .venv/bin/python bench/registration_search.py [--rows 100000] [--db both]
     .venv/bin/python bench/registration_search.py --url URL   # an already seeded database, no seeding
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

from registration_load import app_config, make_database, seed_registrations, setup_event  # noqa: E402

REPEAT = 200


def plan_lines(app, event_id: int, text: str) -> list[str]:
    from bimtek.extensions import db
    from bimtek.registration.services.search import word_page

    with app.app_context():
        q = word_page(event_id, text)  # the page query the list runs for an "any word" search
        sql = str(q.compile(db.engine, compile_kwargs={"literal_binds": True}))
        pg = db.engine.dialect.name == "postgresql"
        rows = db.session.execute(sa.text(("EXPLAIN ANALYZE " if pg else "EXPLAIN QUERY PLAN ") + sql)).all()
        return [" ".join(str(c) for c in r) for r in rows]


def _server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the PostgreSQL backend `pid` (0 when it cannot be read)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cases(event_id: int) -> list[tuple[str, object]]:
    from bimtek.checkin import services as checkin
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration import services
    from bimtek.registration.models import Registration

    def reg_at(offset: int, col):
        return db.session.scalar(sa.select(col).where(Registration.event_id == event_id).offset(offset).limit(1))

    code, nip, full_name = (
        reg_at(0, Registration.code),
        reg_at(777, Registration.nip),
        reg_at(4321, Registration.full_name),
    )
    event = db.session.get(Event, event_id)

    def lst(args: dict, page: int = 1):
        return lambda: services.search(event_id, args, page=page, per_page=50)[1]

    def desk(text: str):
        return lambda: len(checkin.search(event, text))

    return [
        ("'maharani' (a later word)", lst({"q": "maharani"})),
        ("'keuangan' (instansi word)", lst({"q": "keuangan"})),
        ("'budi'", lst({"q": "budi"})),
        ("'ma' (short prefix)", lst({"q": "ma"})),
        ("'ma', page 5", lst({"q": "ma"}, 5)),
        ("'maharani' + status confirmed", lst({"q": "maharani", "status": "confirmed"})),
        (f"full name {full_name!r}", lst({"q": full_name})),
        ("full name 'Budi Maharani'", lst({"q": "Budi Maharani"})),
        ("'nunez' (accent-folded)", lst({"q": "nunez"})),
        ("'LUKASZ zol'", lst({"q": "LUKASZ zol"})),
        ("'ni luh putu ayu' + status", lst({"q": "ni luh putu ayu", "status": "confirmed"})),
        ("code", lst({"q": code})),
        ("NIP", lst({"q": nip})),
        ("email prefix 's12345@'", lst({"q": "s12345@"})),
        ("field institution 'kementerian'", lst({"q": "kementerian", "field": "institution"})),
        ("no search, page 1", lst({})),
        ("mode=onsite, page 1", lst({"mode": "onsite"})),
        ("desk 'maharani'", desk("maharani")),
        ("desk 'keuangan'", desk("keuangan")),
        ("desk 'ma'", desk("ma")),
        ("desk code", desk(code)),
    ]


def measure(app, event_id: int, repeat: int = REPEAT) -> None:
    from bimtek.extensions import db

    with app.app_context():
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()")) if db.engine.dialect.name == "postgresql" else None
        print("  load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        print(f"  {'case':44s} {'p50':>8s} {'p99':>8s} {'cpu/query':>10s} {'(server)':>9s}  matches")
        for label, call in cases(event_id):
            call()
            times = []
            cpu0, srv0 = time.process_time(), _server_cpu(pid)
            for _ in range(repeat):
                t0 = time.perf_counter()
                total = call()
                times.append((time.perf_counter() - t0) * 1000)
            srv = (_server_cpu(pid) - srv0) * 1000 / repeat
            cpu = (time.process_time() - cpu0) * 1000 / repeat + srv
            times.sort()
            p99 = times[int(len(times) * 0.99) - 1]
            print(
                f"  {label[:44]:44s} {statistics.median(times):6.2f}ms {p99:6.2f}ms {cpu:8.2f}ms {srv:7.2f}ms  {total}"
            )
        print("  load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    for text in ("maharani", "ma", "budi maharani"):
        print(f"  plan of the page of {text!r}:")
        try:
            lines = plan_lines(app, event_id, text)
        except ValueError:
            lines = ["(no single page query for this search)"]
        for line in lines:
            print("    " + line)


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
        measure(app, event_id)
        with app.app_context():
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_existing(url: str) -> None:
    """Measure on a database seeded before (e.g. to compare two versions of the code on the same rows)."""
    from bimtek import create_app
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    app = create_app(app_config(url, tempfile.mkdtemp(prefix="bimtek-search-")))
    with app.app_context():
        event_id, n = db.session.execute(
            sa.select(Registration.event_id, sa.func.count())
            .group_by(Registration.event_id)
            .order_by(sa.func.count().desc())
        ).first()
    print(
        f"\n{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: SEARCH at {n:,} registrations in one event (existing)"
    )
    measure(app, event_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--url", help="measure on this already seeded database instead")
    opts = parser.parse_args()
    if opts.url:
        run_existing(opts.url)
        return
    for kind in ("sqlite", "postgresql"):
        if opts.db in (kind, "both"):
            run(kind, opts.rows)


if __name__ == "__main__":
    main()
