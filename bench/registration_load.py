"""Registration under load on PostgreSQL, compared with a bare Flask app in the same run.

    /work/main/.venv/bin/python bench/registration_load.py [--duration 15] [--rounds 3]

1. Public API: 2 gunicorn workers (Bimtek) and 32 concurrent clients (wrk) POSTing
   /api/v1/events/{id}/registrations with unique emails, half on site (few seats) and half online;
   then the same wrk against a bare Flask "hello" under the same gunicorn settings. Prints
   registrations/s, p50/p99 and the ratio, medians over rounds, and checks that no mode is oversold
   (seat counters equal confirmed rows and never exceed capacity).
2. Participant search at 100,000 registrations (name prefix incl. non-ASCII, email, NIP, code,
   institution): p50/p99 per query over the service used by the list page and the API, plus EXPLAIN.
3. Import of a 10,000-row invited list: preview (parse and check every row) and commit.

Needs PostgreSQL at BIMTEK_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/postgres) and Redis at
BIMTEK_BENCH_REDIS (default redis://127.0.0.1:6379/13) for rate limits and the job queue, as at scale.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from bench._serve import tree_cpu_seconds  # noqa: E402

PY = Path(sys.executable)
GUNICORN = PY.parent / "gunicorn"
PG = os.environ.get("BIMTEK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BIMTEK_BENCH_REDIS", "redis://127.0.0.1:6379/13")
ONSITE_SEATS = 300

LUA = r"""
local counter = 0
local threads = {}
local id = 0
function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end
function init(args)
  codes = {}
end
function request()
  counter = counter + 1
  local mode = (counter % 2 == 0) and "onsite" or "online"
  local body = string.format('{"full_name":"Peserta Bench %d %d, S.Kom.","email":"p%d.%d.%s@bench.go.id",'
    .. '"phone":"0812-3456-7890","employment_status":"non_asn","position":"Pranata Humas",'
    .. '"institution_type":"diskominfo","institution_name":"Dinas Kominfo Kota Batam","work_unit":"IKP",'
    .. '"province_code":"21","regency_code":"21.71","mode":"%s","consent":true}',
    tid, counter, tid, counter, RUN, mode)
  return wrk.format("POST", PATH, {["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("STATUS %d %d\n", k, v)) end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20) -> None:
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def gunicorn(app: str, port: int, env: dict, chdir: Path) -> subprocess.Popen:
    # Both apps the same way: 2 workers with 8 threads each (requests mostly wait on the database).
    cmd = [str(GUNICORN), "-w", "2", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{port}", "--chdir",
           str(chdir), "--log-level", "warning", "--backlog", "2048", app]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_port(port)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def parse_wrk(out: str) -> dict:
    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # Anchored: "89.50%" in the thread stats must not be taken for the 50th percentile.
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    codes = {int(a): int(b) for a, b in re.findall(r"STATUS (\d+) (\d+)", out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "codes": codes, "non2xx": int(errors.group(1)) if errors else 0}


def run_wrk(url: str, seconds: int, script: str | None = None) -> dict:
    cmd = ["wrk", "-t4", "-c32", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def make_database() -> tuple[str, sa.Engine, str]:
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    name = f"bimtek_bench_{os.getpid()}_{secrets.token_hex(2)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG).set(database=name).render_as_string(hide_password=False)
    return url, admin, name


def clear_redis() -> None:
    import redis

    r = redis.Redis.from_url(REDIS)
    for key in r.scan_iter("*"):
        r.delete(key)


def app_config(url: str, instance: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench-" + "x" * 40,
            "MAIL_BACKEND": "locmem", "BASE_URL": "http://127.0.0.1"}  # fmt: skip


def setup_event(app, **overrides):
    sys.path.insert(0, str(ROOT))
    from tests.factories import make_event, make_user

    with app.app_context():
        event = make_event(make_user("organizer"), **overrides)
        return event.id


def load_round(event_id: int, server: subprocess.Popen, port: int, hello_port: int, seconds: int, tmp: str, run: int):
    script = Path(tmp) / f"reg{run}.lua"
    script.write_text(f'PATH = "/api/v1/events/{event_id}/registrations"\nRUN = "r{run}"\n' + LUA)
    cpu_before = tree_cpu_seconds(server.pid)
    reg = run_wrk(f"http://127.0.0.1:{port}/api/v1/events/{event_id}/registrations", seconds, str(script))
    requests = sum(reg["codes"].values()) or 1
    reg["cpu_ms"] = (tree_cpu_seconds(server.pid) - cpu_before) * 1000 / requests
    hello = run_wrk(f"http://127.0.0.1:{hello_port}/hello", seconds)
    return {"reg": reg, "hello": hello}


def check_seats(engine: sa.Engine, event_id: int) -> dict:
    with engine.connect() as conn:
        ev = conn.execute(sa.text("select onsite_taken, onsite_capacity, online_taken, online_capacity from events "
                                  "where id = :id"), {"id": event_id}).one()  # fmt: skip
        rows = dict(conn.execute(sa.text("select mode, count(*) from registrations where event_id = :id and "
                                         "status = 'confirmed' group by mode"), {"id": event_id}).all())  # fmt: skip
        by_status = dict(conn.execute(sa.text("select status, count(*) from registrations where event_id = :id "
                                              "group by status"), {"id": event_id}).all())  # fmt: skip
    ok = (ev.onsite_taken == rows.get("onsite", 0) <= ev.onsite_capacity
          and ev.online_taken == rows.get("online", 0) <= ev.online_capacity)  # fmt: skip
    return {"ok": ok, "onsite": (ev.onsite_taken, ev.onsite_capacity), "online": (ev.online_taken, ev.online_capacity),
            "rows": rows, "by_status": by_status}  # fmt: skip


def seed_registrations(app, event_id: int, n: int) -> None:
    """Bulk-insert n registrations with realistic, partly non-ASCII names."""
    import random

    from sqlalchemy import insert

    from bimtek.core.codes import new_private_token, new_registration_code
    from bimtek.extensions import db
    from bimtek.registration.models import Registration, RegistrationWord
    from bimtek.registration.names import name_search_key
    from bimtek.registration.services import search_index

    first = [
        "Ahmad",
        "Siti",
        "Budi",
        "Dewi",
        "I Gusti Ngurah",
        "Ni Luh Putu",
        "Tan",
        "Yohanes",
        "Maria",
        "Rizky",
        "Nur",
        "Made",
        "Wayan",
        "Putri",
        "Łukasz",
        "Ñoman",
        "Ö. Kartika",
        "Hendra",
        "Agus",
        "Lestari",
    ]
    last = [
        "Santoso",
        "Rahmawati",
        "Hidayat",
        "Siregar",
        "Rai",
        "Ayu Sri Dewi",
        "Sioe Lie",
        "Manurung",
        "Pratama",
        "Żółć",
        "Núñez",
        "Gunawan",
        "Salim",
        "Handayani",
        "Iqbal",
        "Wijaya",
        "Kusuma",
        "Nasution",
        "Lubis",
        "Tanjung",
        "Maharani",
    ]
    insts = [
        "Dinas Kominfo Kota Batam",
        "Kementerian Keuangan",
        "Pemerintah Provinsi Bali",
        "Badan Pusat Statistik",
        "Pemerintah Kabupaten Badung",
        "Universitas Riau Kepulauan",
        "Dinas Kominfo Provinsi Jawa Timur",
    ]
    rnd = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        for start in range(0, n, 5000):
            rows = []
            for i in range(start, min(n, start + 5000)):
                name = f"{rnd.choice(first)} {rnd.choice(last)} {i}"
                born = datetime(1970, 1, 1) + timedelta(days=i // 999)
                nip = f"{born:%Y%m%d}2010{1 + i % 12:02d}{1 + i % 2}{1 + i % 999:03d}"
                rows.append({
                    "event_id": event_id, "code": new_registration_code(), "manage_token": new_private_token(),
                    "ticket_id": secrets.token_hex(10), "ticket_issued_at": now, "status": "confirmed" if i % 3 else "waitlisted",
                    "mode": "online" if i % 4 else "onsite", "source": "import", "full_name": name,
                    "name_key": name_search_key(name), "email": f"s{i}@seed.go.id", "email_key": f"s{i}@seed.go.id",
                    "phone": "+6281234567890", "employment_status": "pns", "nip": nip,
                    "rank": "", "position": "Staf", "institution_type": "pusat", "institution_name": rnd.choice(insts),
                    "work_unit": "", "province_code": "21", "regency_code": "21.71", "answers": {},
                    "consent_version": "", "created_at": now - timedelta(seconds=i), "updated_at": now,
                })  # fmt: skip
            db.session.execute(insert(Registration), rows)
            ids = db.session.execute(
                sa.select(Registration.id, Registration.full_name, Registration.institution_name).where(
                    Registration.manage_token.in_([r["manage_token"] for r in rows])
                )
            ).all()
            words = [w for rid, name, inst in ids for w in search_index.rows_for(rid, event_id, name, inst)]
            db.session.execute(insert(RegistrationWord), words)
            db.session.commit()
        db.session.execute(sa.text("ANALYZE registrations"))
        db.session.execute(sa.text("ANALYZE registration_words"))
        db.session.commit()


def bench_search(app, event_id: int, repeat: int = 200) -> list[tuple[str, float, float, int]]:
    from bimtek.extensions import db
    from bimtek.registration import services
    from bimtek.registration.models import Registration

    with app.app_context():
        code = db.session.scalar(sa.select(Registration.code).where(Registration.event_id == event_id).limit(1))
        nip = db.session.scalar(
            sa.select(Registration.nip).where(Registration.event_id == event_id).offset(777).limit(1)
        )
        full_name = db.session.scalar(
            sa.select(Registration.full_name).where(Registration.event_id == event_id).offset(4321).limit(1)
        )
        cases = [
            ("name 'agus'", {"q": "agus"}),
            ("any word 'maharani' (surname)", {"q": "maharani"}),
            ("any word 'keuangan' (instansi)", {"q": "keuangan"}),
            ("any word 'budi'", {"q": "budi"}),
            ("any word 'ma' (short prefix)", {"q": "ma"}),
            ("any word 'ma', page 5", {"q": "ma", "page": 5}),
            ("'maharani' + status confirmed", {"q": "maharani", "status": "confirmed"}),
            ("full name (with its number)", {"q": full_name}),
            ("full name 'Budi Maharani'", {"q": "Budi Maharani"}),
            ("any word 'nunez' (accent-folded)", {"q": "nunez"}),
            ("any words 'budi maha'", {"q": "budi maha"}),
            ("name 'łuk' (non-ASCII)", {"q": "łuk"}),
            ("name 'LUKASZ zol'", {"q": "LUKASZ zol"}),
            ("name 'ni luh putu ayu' + status", {"q": "ni luh putu ayu", "status": "confirmed"}),
            ("email prefix 's12345@'", {"q": "s12345@"}),
            ("NIP", {"q": nip}),
            ("code", {"q": code}),
            ("institution 'kementerian'", {"q": "kementerian", "field": "institution"}),
            ("no filter, page 1", {}),
            ("mode=onsite, page 1", {"mode": "onsite"}),
        ]
        out = []
        for label, args in cases:
            times = []
            args = dict(args)
            page = args.pop("page", 1)
            for _ in range(repeat):
                t0 = time.perf_counter()
                rows, total = services.search(event_id, args, page=page, per_page=50)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out.append((label, statistics.median(times), times[int(len(times) * 0.99) - 1], total))
        conds = services.search_conditions(event_id, {"q": "łuk"})
        q = sa.select(Registration.id).where(*conds).order_by(services._name_order(), Registration.id).limit(50)
        compiled = q.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(sa.text(f"EXPLAIN ANALYZE {compiled}")).scalars().all()
        return out, plan


def bench_import(app, event_id: int, n: int = 10_000) -> dict:
    import csv
    import io

    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.services import imports as transfer

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Nama Lengkap", "Email", "No HP", "Status Kepegawaian", "NIP", "Jabatan", "Jenis Instansi", "Instansi",
                "Unit Kerja", "Provinsi", "Kabupaten/Kota", "Cara Mengikuti"])  # fmt: skip
    for i in range(n):
        nip = f"19{70 + i % 25:02d}{1 + i % 12:02d}{1 + i % 28:02d}20{10 + i % 10:02d}{1 + i % 12:02d}{1 + i % 2}{1 + i % 999:03d}"
        w.writerow([f"Peserta Undangan {i}, S.E.", f"u{i}@undangan.go.id", f"0812{i:08d}", "PNS", nip, "Analis",
                    "pusat", "Kementerian Keuangan", "Biro KLI", "Kepulauan Riau", "Kota Batam",
                    "luring" if i % 5 == 0 else "daring"])  # fmt: skip
    content = buf.getvalue().encode()
    with app.app_context():
        event = db.session.get(Event, event_id)
        t0 = time.perf_counter()
        preview = transfer.preview_import(event, content, "undangan.csv", default_mode="online", now=datetime.now(UTC))
        t1 = time.perf_counter()
        result = transfer.commit_import(event, preview, actor="bench")
        result.pop("registration_ids", None)
        db.session.commit()
        t2 = time.perf_counter()
        return {"rows": n, "valid": len(preview.valid), "preview_s": t1 - t0, "commit_s": t2 - t1, "total_s": t2 - t0,
                "result": result}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--search-rows", type=int, default=100_000)
    parser.add_argument("--load-only", action="store_true", help="only the public API load (part 1)")
    opts = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bimtek import create_app
    from bimtek.extensions import db

    url, admin, name = make_database()
    tmp = tempfile.mkdtemp(prefix="bimtek-bench-")
    procs = []
    try:
        app = create_app(app_config(url, tmp))
        with app.app_context():
            db.create_all()
        event_id = setup_event(
            app,
            onsite_capacity=ONSITE_SEATS,
            online_capacity=1_000_000,
            approval_required=os.environ.get("BENCH_APPROVAL") == "1",
        )
        clear_redis()
        env = {**os.environ, "BIMTEK_DATABASE_URL": url, "BIMTEK_REDIS_URL": REDIS, "BIMTEK_INSTANCE_PATH": tmp,
               "BIMTEK_SECRET_KEY": "bench-" + "x" * 40, "BIMTEK_REGISTRATION_RATE": "10000000 per minute",
               "BIMTEK_BASE_URL": "http://127.0.0.1", "BIMTEK_LOG_LEVEL": "WARNING"}  # fmt: skip
        port, hello_port = free_port(), free_port()
        procs.append(gunicorn("app:app", port, env, ROOT))
        procs.append(gunicorn("registration_hello:app", hello_port, env, BENCH))
        run_wrk(f"http://127.0.0.1:{hello_port}/hello", 2)  # warm up both
        warm = Path(tmp) / "warm.lua"
        warm.write_text(f'PATH = "/api/v1/events/{event_id}/registrations"\nRUN = "w"\n' + LUA)
        run_wrk(f"http://127.0.0.1:{port}/", 2, str(warm))

        rounds = []
        for r in range(opts.rounds):
            res = load_round(event_id, procs[0], port, hello_port, opts.duration, tmp, r)
            rounds.append(res)
            reg, hello = res["reg"], res["hello"]
            print(f"round {r + 1}: registrations {reg['rps']:.0f}/s p50 {reg['p50']:.1f} ms p99 {reg['p99']:.1f} ms "
                  f"cpu {reg['cpu_ms']:.2f} ms/req codes {reg['codes']} | hello {hello['rps']:.0f}/s p50 {hello['p50']:.1f} ms "
                  f"p99 {hello['p99']:.1f} ms | ratio {reg['rps'] / hello['rps']:.3f}", flush=True)  # fmt: skip
        seats = check_seats(sa.create_engine(url), event_id)
        med = {k: statistics.median(r["reg"][k] for r in rounds) for k in ("rps", "p50", "p99", "cpu_ms")}
        hello_med = statistics.median(r["hello"]["rps"] for r in rounds)
        ratio = statistics.median(r["reg"]["rps"] / r["hello"]["rps"] for r in rounds)
        print(
            f"\nPUBLIC API (2 gunicorn gthread workers x 8 threads, 32 clients, {opts.rounds} x {opts.duration}s, medians):"
        )
        print(f"  registrations/s {med['rps']:.0f}   p50 {med['p50']:.1f} ms   p99 {med['p99']:.1f} ms")
        print(f"  server CPU per registration {med['cpu_ms']:.2f} ms (workers' user + system time over the requests)")
        print(f"  bare hello/s    {hello_med:.0f}   ratio registrations/hello {ratio:.3f}")
        print(
            f"  seats: onsite {seats['onsite'][0]}/{seats['onsite'][1]}, online {seats['online'][0]}, "
            f"confirmed rows {seats['rows']}, by status {seats['by_status']}, oversold: {'NO' if seats['ok'] else 'YES'}"
        )
        for p in procs:
            stop(p)
        procs.clear()
        if opts.load_only:
            return

        search_event = setup_event(app, onsite_capacity=1_000_000, online_capacity=1_000_000)
        t0 = time.perf_counter()
        seed_registrations(app, search_event, opts.search_rows)
        print(
            f"\nSEARCH at {opts.search_rows:,} registrations in one event (seeded in {time.perf_counter() - t0:.1f} s):"
        )
        results, plan = bench_search(app, search_event)
        for label, p50, p99, total in results:
            print(f"  {label:34s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  matches {total}")
        print("  EXPLAIN ANALYZE name prefix 'łuk':")
        for line in plan:
            print("    " + line)

        import_event = setup_event(app, onsite_capacity=1000, online_capacity=100_000)
        imp = bench_import(app, import_event)
        print(
            f"\nIMPORT {imp['rows']:,} rows: preview {imp['preview_s']:.2f} s + commit {imp['commit_s']:.2f} s = "
            f"{imp['total_s']:.2f} s ({imp['result']})"
        )
        with app.app_context():
            db.engine.dispose()
    finally:
        for p in procs:
            stop(p)
        clear_redis()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
