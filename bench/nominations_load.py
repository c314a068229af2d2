"""Nominations under load on PostgreSQL: 50 PICs nominating at once through their private pages.

    /work/main/.venv/bin/python bench/nominations_load.py [--duration 20] [--pics 50]

The app is served by gunicorn (2 gthread workers x 8 threads, Redis for rate limits and jobs, as at
scale). Each of the 50 PICs is one client thread with its own session: it opens its private link (session
cookie and CSRF token, as a browser), then posts the nomination form again and again with new people, as
fast as the server answers. Each agency has a large online quota and an on-site quota of 2, and every
fifth nomination asks for a seat on site, so the guarded quota UPDATE is hit by refusals all along.
Prints nominations/s (accepted), refusals/s, p50/p99, and checks afterwards that no agency is over its
quota, counters equal rows, and the event is not oversold.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from registration_load import (  # noqa: E402
    REDIS,
    app_config,
    clear_redis,
    free_port,
    gunicorn,
    make_database,
    setup_event,
    stop,
)

ONSITE_QUOTA = 2


def seed(app, event_id: int, pics: int) -> list[str]:
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.nominations import services

    with app.app_context():
        event = db.session.get(Event, event_id)
        services.configure(event, "nomination", datetime(2030, 8, 20, tzinfo=UTC), True, user="bench")
        tokens = []
        for i in range(pics):
            clean = services.clean_agency({"name": f"Dinas Kominfo Bench {i:03d}", "onsite_quota": ONSITE_QUOTA,
                                           "online_quota": 10_000})  # fmt: skip
            agency = services.add_agency(event, clean, user="bench")
            tokens.append(services.new_link(agency))
        db.session.commit()
        return tokens


class Pic(threading.Thread):
    """One PIC: a keep-alive connection, a session cookie and CSRF token, then nominations until told to stop."""

    def __init__(self, port: int, token: str, n: int, start: threading.Event, stop_at: list[float]):
        super().__init__(daemon=True)
        self.port, self.token, self.n, self.start_evt, self.stop_at = port, token, n, start, stop_at
        self.latencies: list[float] = []
        self.codes: dict[int, int] = {}
        self.ready = False

    def _request(self, conn, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp, data

    def run(self) -> None:
        from urllib.parse import urlencode

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        resp, page = self._request(conn, "GET", f"/nominasi/{self.token}")
        cookies = "; ".join(c.split(";")[0] for k, c in resp.getheaders() if k.lower() == "set-cookie")
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        self.ready = True
        self.start_evt.wait()
        i = 0
        while time.perf_counter() < self.stop_at[0]:
            i += 1
            form = {
                "csrf_token": csrf, "full_name": f"Peserta Bench {self.n} {i}, S.Kom.",
                "email": f"p{self.n}.{i}@bench.go.id", "phone": "0812-3456-7890", "employment_status": "non_asn",
                "position": "Pengelola Media Sosial", "work_unit": "Bidang IKP", "province_code": "21",
                "regency_code": "21.71", "mode": "onsite" if i % 5 == 0 else "online",
            }  # fmt: skip
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
                       "Referer": f"http://127.0.0.1:{self.port}/nominasi/{self.token}"}  # fmt: skip
            t0 = time.perf_counter()
            resp, _body = self._request(conn, "POST", f"/nominasi/{self.token}", urlencode(form), headers)
            self.latencies.append(time.perf_counter() - t0)
            self.codes[resp.status] = self.codes.get(resp.status, 0) + 1
        conn.close()


def check(url: str, event_id: int) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        over = conn.execute(sa.text("select count(*) from nomination_agencies where onsite_used > onsite_quota "
                                    "or online_used > online_quota")).scalar()  # fmt: skip
        used = conn.execute(sa.text("select sum(onsite_used), sum(online_used), max(onsite_used) "
                                    "from nomination_agencies")).one()  # fmt: skip
        rows = dict(
            conn.execute(
                sa.text(
                    "select r.mode, count(*) from nominations n join registrations r on "
                    "r.id = n.registration_id where r.status = 'confirmed' group by r.mode"
                )
            ).all()
        )
        ev = conn.execute(sa.text("select onsite_taken, onsite_capacity, online_taken, online_capacity from events "
                                  "where id = :id"), {"id": event_id}).one()  # fmt: skip
    engine.dispose()
    ok = (over == 0 and used[0] == rows.get("onsite", 0) and used[1] == rows.get("online", 0)
          and ev.onsite_taken <= ev.onsite_capacity and ev.online_taken <= ev.online_capacity)  # fmt: skip
    return {"ok": ok, "over": over, "used": tuple(used), "rows": rows, "event": tuple(ev)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--pics", type=int, default=50)
    opts = parser.parse_args()

    import os

    from bimtek import create_app
    from bimtek.extensions import db

    url, admin, name = make_database()
    tmp = tempfile.mkdtemp(prefix="bimtek-bench-")
    proc = None
    try:
        app = create_app(app_config(url, tmp))
        with app.app_context():
            db.create_all()
        event_id = setup_event(app, onsite_capacity=opts.pics * ONSITE_QUOTA, online_capacity=1_000_000)
        tokens = seed(app, event_id, opts.pics)
        clear_redis()
        env = {**os.environ, "BIMTEK_DATABASE_URL": url, "BIMTEK_REDIS_URL": REDIS, "BIMTEK_INSTANCE_PATH": tmp,
               "BIMTEK_SECRET_KEY": "bench-" + "x" * 40, "BIMTEK_REGISTRATION_RATE": "10000000 per minute",
               "BIMTEK_BASE_URL": "http://127.0.0.1", "BIMTEK_LOG_LEVEL": "WARNING"}  # fmt: skip
        port = free_port()
        proc = gunicorn("app:app", port, env, ROOT)
        start, stop_at = threading.Event(), [0.0]
        pics = [Pic(port, token, n, start, stop_at) for n, token in enumerate(tokens)]
        for p in pics:
            p.start()
        while not all(p.ready for p in pics):  # every PIC has opened its page
            time.sleep(0.1)
        stop_at[0] = time.perf_counter() + opts.duration
        t0 = time.perf_counter()
        start.set()
        for p in pics:
            p.join()
        elapsed = time.perf_counter() - t0
        codes: dict[int, int] = {}
        for p in pics:
            for k, v in p.codes.items():
                codes[k] = codes.get(k, 0) + v
        lat = sorted(x for p in pics for x in p.latencies)
        p50, p99 = statistics.median(lat) * 1000, lat[int(len(lat) * 0.99) - 1] * 1000
        result = check(url, event_id)
        print(f"\nNOMINATIONS ({opts.pics} PICs at once, 2 gunicorn gthread workers x 8 threads, {elapsed:.1f}s):")
        print(f"  accepted {codes.get(303, 0) / elapsed:.0f}/s   refused over quota {codes.get(409, 0) / elapsed:.0f}/s"
              f"   p50 {p50:.0f} ms   p99 {p99:.0f} ms   codes {codes}")  # fmt: skip
        print(f"  quotas: agencies over quota {result['over']}, used (on site, online, max on site per agency) "
              f"{result['used']}, confirmed nominee rows {result['rows']}, event seats {result['event']}, "
              f"consistent: {'YES' if result['ok'] else 'NO'}")  # fmt: skip
    finally:
        if proc is not None:
            stop(proc)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
