"""Check-in throughput: POST /api/v1/checkins under load, each request admitting a distinct ticket.

Usage: /work/main/.venv/bin/python bench/checkin_load.py [--runs 3] [--seconds 5] [--connections 16]
       [--db sqlite|postgresql|both]

For each database (SQLite file; PostgreSQL at BIMTEK_BENCH_PG, default the local server, in a throwaway
database), it creates one event with enough confirmed registrations that every request admits a new
person, serves the app with 2 gunicorn sync workers, and drives it with wrk (16 connections, 2 threads,
a Lua script that gives every request its own ticket). A bare Flask "hello" endpoint is served the same
way in the same run, and the ratio is reported. Prints medians over the runs: check-ins/s, p50, p99 (ms), the
workers' CPU per check-in (user + system time over the requests; steady on a busy machine),
and checks afterwards that the server holds exactly one check-in per 201 answer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from bench._serve import free_port, tree_cpu_seconds, wait_http  # noqa: E402

PG_ADMIN = os.environ.get("BIMTEK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

LUA = r"""
-- Every request admits its own ticket: thread k takes tickets k, k + T, k + 2T, ... (T = wrk threads).
local tickets = {}
local counter, step = 0, 1
local threads = {}
ok, other = 0, 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(args[1]) do tickets[#tickets + 1] = line end
  counter = tonumber(id)
  step = tonumber(args[2])
  event_id = args[3]
  auth = "Bearer " .. args[4]
end
function request()
  local t = tickets[(counter % #tickets) + 1]
  counter = counter + step
  local body = '{"event_id": ' .. event_id .. ', "ticket": "' .. t .. '", "gate": "Utama"}'
  return wrk.format("POST", "/api/v1/checkins", {["Content-Type"] = "application/json", ["Authorization"] = auth}, body)
end
local shown = false
function response(status, headers, body)
  if status == 201 then ok = ok + 1 else other = other + 1 end
  if status ~= 201 and not shown then
    shown = true
    io.stderr:write("first non-201 answer: " .. status .. " " .. string.sub(body, 1, 300) .. "\n")
  end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("ok"); b = b + t:get("other") end
  io.write(string.format("STATUS201 %d OTHER %d\n", a, b))
end
"""


class Gunicorn:
    """gunicorn serving `target` with 2 sync workers on a free port."""

    def __init__(self, target: str, env: dict | None = None, cwd: Path = ROOT, workers: int = 2, threads: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        if threads > 1:
            cmd += ["--threads", str(threads)]
        self.proc = subprocess.Popen([*cmd, target], cwd=cwd, env={**os.environ, **(env or {})})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def wrk(url: str, *, seconds: int, connections: int, headers: dict | None = None, script: list[str] | None = None):
    """Run wrk; requests/s, p50 and p99 in ms, non-2xx count."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script[0], url, "--", *script[1:]]
    else:
        cmd.append(url)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    out = proc.stdout
    if proc.stderr.strip():
        print(proc.stderr.strip().splitlines()[0], file=sys.stderr)

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    counted = re.search(r"STATUS201 (\d+) OTHER (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": pct(50),
        "p99": pct(99),
        "requests": requests,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "admitted": int(counted.group(1)) if counted else 0,
        "not_admitted": int(counted.group(2)) if counted else 0,
    }


def prepare(url: str, instance: Path, tickets: int, ticket_file: Path) -> tuple[int, str]:
    """Schema, one event, `tickets` confirmed on-site registrations, a check-in user and token."""
    from bimtek import create_app
    from bimtek.accounts import services as accounts
    from bimtek.core.codes import new_private_token, new_registration_code
    from bimtek.core.tickets import encode_ticket
    from bimtek.events import services as events
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        db.create_all()
        owner = accounts.create_user("panitia@bench.bimtek.id", "bench-password-123", "organizer")
        start = datetime.now(UTC) + timedelta(hours=1)
        event = events.create_event(
            {"title": "Bench", "code": "BENCH", "starts_at": start, "ends_at": start + timedelta(hours=8),
             "onsite_capacity": tickets, "online_capacity": 10},
            user=owner,
        )  # fmt: skip
        staff = accounts.create_user("scanner@bench.bimtek.id", "bench-password-123", "checkin")
        accounts.assign(staff, event.id)
        _row, token = accounts.create_token(staff, "bench")
        now = datetime.now(UTC)
        rows, lines = [], []
        for i in range(tickets):
            tid = secrets.token_bytes(10)
            rows.append({
                "event_id": event.id, "code": new_registration_code(), "manage_token": new_private_token(),
                "ticket_id": tid.hex(), "ticket_issued_at": now, "status": "confirmed", "mode": "onsite",
                "source": "import", "full_name": f"Peserta {i}", "name_key": f"peserta {i}",
                "email": f"p{i}@bench.id", "email_key": f"p{i}@bench.id", "institution_name": "Instansi Bench",
                "answers": {}, "created_at": now, "updated_at": now, "confirmed_at": now,
            })  # fmt: skip
            lines.append(encode_ticket(event.ticket_private_key, event.id, tid, 1))
        db.session.execute(sa.insert(Registration), rows)
        event.onsite_taken = tickets
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    ticket_file.write_text("\n".join(lines) + "\n")
    return event_id, token


def smoke(base: str, token: str, event_id: int, ticket: str) -> None:
    """One check-in before the load, so a misconfiguration fails loudly instead of as 100% non-2xx."""
    body = json.dumps({"event_id": event_id, "ticket": ticket}).encode()
    req = urllib.request.Request(base + "/api/v1/checkins", data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 201, resp.read()
    except urllib.error.HTTPError as err:
        raise SystemExit(f"smoke check-in failed: {err.code} {err.read()[:300]!r}") from None


def count_checkins(url: str, instance: Path) -> int:
    from bimtek import create_app
    from bimtek.checkin.models import CheckIn
    from bimtek.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))
        db.engine.dispose()
    return n


def measure(label: str, url: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bimtek-checkin-bench-"))
    ticket_file, script = tmp / "tickets.txt", tmp / "checkin.lua"
    script.write_text(LUA)
    # Enough tickets that no request of any run repeats one: ~ runs x seconds x a generous rate.
    needed = args.runs * args.seconds * 3000
    event_id, token = prepare(url, tmp, needed, ticket_file)
    env = {"BIMTEK_DATABASE_URL": url, "BIMTEK_INSTANCE_PATH": str(tmp), "BIMTEK_SECRET_KEY": secrets.token_hex(32),
           "BIMTEK_LOG_LEVEL": "WARNING"}  # fmt: skip
    hello_runs, checkin_runs, offset = [], [], 0
    with (
        Gunicorn("checkin_hello_app:app", cwd=ROOT / "bench") as hello,
        Gunicorn("app:app", env=env, threads=args.threads) as bimtek,
    ):
        wait_http(hello.url + "/hello")
        wait_http(bimtek.url + "/api/v1/openapi.json")
        auth = {"Authorization": f"Bearer {token}"}
        smoke(bimtek.url, token, event_id, ticket_file.read_text().splitlines()[-1])
        for _ in range(args.runs):
            hello_runs.append(wrk(hello.url + "/hello", seconds=args.seconds, connections=args.connections))
            # Each run starts on tickets no earlier run used: rotate the file.
            lines = ticket_file.read_text().splitlines()
            run_file = tmp / f"tickets-{offset}.txt"
            run_file.write_text("\n".join(lines[offset:] + lines[:offset]) + "\n")
            cpu_before = tree_cpu_seconds(bimtek.proc.pid)
            res = wrk(bimtek.url, seconds=args.seconds, connections=args.connections, headers=auth,
                      script=[str(script), str(run_file), "2", str(event_id), token])  # fmt: skip
            res["cpu_ms"] = (tree_cpu_seconds(bimtek.proc.pid) - cpu_before) * 1000 / max(res["requests"], 1)
            # wrk threads advance at different speeds: skip twice what was sent, so no ticket repeats.
            offset += 2 * res["requests"] + 2 * args.connections
            checkin_runs.append(res)
    stored = count_checkins(url, tmp)
    total = sum(r["admitted"] for r in checkin_runs)
    shutil.rmtree(tmp, ignore_errors=True)
    med = {k: statistics.median(r[k] for r in checkin_runs) for k in ("rps", "p50", "p99", "cpu_ms")}
    hello_med = {k: statistics.median(r[k] for r in hello_runs) for k in ("rps", "p50", "p99")}
    out = {
        "db": label,
        "workers": 2,
        "threads": args.threads,
        "checkins_per_s": round(med["rps"]),
        "p50_ms": round(med["p50"], 1),
        "p99_ms": round(med["p99"], 1),
        "server_cpu_ms_per_checkin": round(med["cpu_ms"], 2),
        "hello_per_s": round(hello_med["rps"]),
        "ratio_to_hello": round(med["rps"] / hello_med["rps"], 3),
        "non_2xx": sum(r["errors"] for r in checkin_runs),
        "admitted_201": total,
        "not_admitted": sum(r["not_admitted"] for r in checkin_runs),
        # One more than the 201s counted: the smoke check-in; a few more if wrk stopped mid-request.
        "rows_stored": stored,
        "runs": [{k: round(v, 1) for k, v in r.items()} for r in checkin_runs],
    }
    print(json.dumps(out), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.db in ("sqlite", "both"):
        path = Path(tempfile.mkdtemp(prefix="bimtek-checkin-sqlite-")) / "bench.sqlite3"
        measure("sqlite", f"sqlite:///{path}", args)
    if args.db in ("postgresql", "both"):
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"bimtek_bench_checkin_{secrets.token_hex(3)}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            measure("postgresql", admin.url.set(database=name).render_as_string(hide_password=False), args)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
