"""Figures from other features' tables, read by table name only when those tables exist.

Check-in (issue 4), online attendance and eligibility (issue 5) and certificates (issue 6) are built in
parallel; this module must not import their code. Each adapter looks a table up by name, checks that
the columns it needs are there, and answers None ("belum ada data") otherwise. Every query runs in a
savepoint so a guess that does not fit the real schema never breaks the page. When those features land,
the integrator can point these adapters at their services instead (the return shapes stay).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from statistics import median

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from bimtek.extensions import db

# Table names and columns each adapter expects (first match wins).
CHECKIN_TABLES = ("checkins", "check_ins")
INTERVAL_TABLES = ("attendance_intervals",)
VERDICT_TABLES = ("eligibility_verdicts", "attendance_verdicts", "eligibility")
CERTIFICATE_TABLES = ("certificates",)


_SCOPE_KEY = "reports.table_names"


@contextmanager
def lookup_scope():
    """List the database's tables once for several adapters (a catalog query costs milliseconds on PostgreSQL)."""
    info = db.session.info
    outer = _SCOPE_KEY in info
    if not outer:
        try:
            info[_SCOPE_KEY] = set(sa.inspect(db.session.connection()).get_table_names())
        except SQLAlchemyError:
            info[_SCOPE_KEY] = set()
    try:
        yield
    finally:
        if not outer:
            info.pop(_SCOPE_KEY, None)


def table(name: str, needs: Iterable[str] = ()) -> sa.Table | None:
    """The table called `name` if the database has it with the needed columns, else None."""
    try:
        # The session's own connection: on SQLite a second connection would wait for the session's write lock.
        conn = db.session.connection()
        known = db.session.info.get(_SCOPE_KEY)
        exists = name in known if known is not None else sa.inspect(conn).has_table(name)
        if not exists:
            return None
        found = db.metadata.tables.get(name)
        if found is None:
            found = sa.Table(name, sa.MetaData(), autoload_with=conn)
    except SQLAlchemyError:
        return None
    if not set(needs) <= set(found.c.keys()):
        return None
    return found


def first_table(names: Iterable[str], needs: Iterable[str] = ()) -> sa.Table | None:
    needs = tuple(needs)
    for name in names:
        found = table(name, needs)
        if found is not None:
            return found
    return None


def _safe(fn):
    """Run a read in a savepoint; None when the guessed schema does not fit."""
    try:
        with db.session.begin_nested():
            return fn()
    except SQLAlchemyError:
        return None


def _registrations():
    return db.metadata.tables["registrations"]


def checkin_summary(event_id: int) -> dict | None:
    """Confirmed on-site participants who were scanned in at least once, as a share of all confirmed on site."""
    t = first_table(CHECKIN_TABLES, ("registration_id",))
    if t is None:
        return None
    regs = _registrations()

    def run():
        expected = db.session.scalar(
            sa.select(sa.func.count()).where(
                regs.c.event_id == event_id, regs.c.status == "confirmed", regs.c.mode == "onsite"
            )
        )
        cond = [regs.c.event_id == event_id, regs.c.status == "confirmed"]
        if "kind" in t.c:
            cond.append(sa.or_(t.c.kind == "entry", t.c.kind.is_(None)))
        checked = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(t.c.registration_id)))
            .select_from(t.join(regs, regs.c.id == t.c.registration_id))
            .where(*cond)
        )
        scans = db.session.scalar(
            sa.select(sa.func.count()).select_from(t.join(regs, regs.c.id == t.c.registration_id))
            .where(regs.c.event_id == event_id)
        )  # fmt: skip
        if not scans:
            return None
        expected, checked = int(expected or 0), int(checked or 0)
        return {
            "expected": expected,
            "checked_in": checked,
            "scans": int(scans),
            "rate": round(100 * checked / expected, 1) if expected else None,
        }

    return _safe(run)


MINUTE_BUCKETS = ((0, 0, "0%"), (0, 25, "1–24%"), (25, 50, "25–49%"), (50, 70, "50–69%"), (70, 90, "70–89%"),
                  (90, 10**9, "≥ 90%"))  # fmt: skip


def minutes_distribution(per_registration: dict[int, float], scheduled: float, population: Iterable[int]) -> dict:
    """Bucket each participant's minutes as a share of the scheduled minutes (pure arithmetic, unit-tested)."""
    counts = [0] * len(MINUTE_BUCKETS)
    values = []
    for reg_id in population:
        minutes = max(0.0, per_registration.get(reg_id, 0.0))
        values.append(minutes)
        pct = 100 * minutes / scheduled if scheduled > 0 else 0
        for i, (lo, hi, _label) in enumerate(MINUTE_BUCKETS):
            if (i == 0 and minutes == 0) or (i > 0 and minutes > 0 and lo <= pct < hi):
                counts[i] += 1
                break
        else:
            counts[-1] += 1
    return {
        "participants": len(values),
        "scheduled_minutes": round(scheduled, 1),
        "median_minutes": round(median(values), 1) if values else None,
        "buckets": [{"label": label, "count": n} for (_lo, _hi, label), n in zip(MINUTE_BUCKETS, counts, strict=True)],
    }


def online_minutes(event_id: int, scheduled_minutes: float) -> dict | None:
    """Minutes each confirmed online participant attended, from recorded intervals, as a distribution.

    Reads attendance_intervals (registration_id, started_at, ended_at) and adds the lengths up; overlapping
    rows are the attendance feature's to merge first (its rows are already merged per session).
    """
    start_col = end_col = None
    t = None
    for names in (("started_at", "ended_at"), ("starts_at", "ends_at"), ("joined_at", "left_at")):
        t = first_table(INTERVAL_TABLES, ("registration_id", *names))
        if t is not None:
            start_col, end_col = names
            break
    if t is None:
        return None
    regs = _registrations()

    def run():
        population = db.session.scalars(
            sa.select(regs.c.id).where(regs.c.event_id == event_id, regs.c.status == "confirmed",
                                       regs.c.mode == "online")
        ).all()  # fmt: skip
        rows = db.session.execute(
            sa.select(t.c.registration_id, t.c[start_col], t.c[end_col])
            .select_from(t.join(regs, regs.c.id == t.c.registration_id))
            .where(regs.c.event_id == event_id)
        ).all()
        if not rows:
            return None
        per: dict[int, float] = {}
        for reg_id, start, end in rows:
            if start is None or end is None:
                continue
            per[reg_id] = per.get(reg_id, 0.0) + max(0.0, (end - start).total_seconds() / 60)
        return minutes_distribution(per, scheduled_minutes, population)

    return _safe(run)


def eligibility_summary(event_id: int) -> dict | None:
    """Eligible and not eligible participants from the stored verdicts."""
    t = first_table(VERDICT_TABLES, ("registration_id", "eligible"))
    if t is None:
        return None
    regs = _registrations()

    def run():
        rows = db.session.execute(
            sa.select(t.c.eligible, sa.func.count())
            .select_from(t.join(regs, regs.c.id == t.c.registration_id))
            .where(regs.c.event_id == event_id)
            .group_by(t.c.eligible)
        ).all()
        if not rows:
            return None
        counts = {bool(k): int(n) for k, n in rows}
        total = sum(counts.values())
        return {
            "assessed": total,
            "eligible": counts.get(True, 0),
            "not_eligible": counts.get(False, 0),
            "rate": round(100 * counts.get(True, 0) / total, 1) if total else None,
        }

    return _safe(run)


def eligibility_by_registration(registration_ids: list[int]) -> dict[int, bool] | None:
    """Stored verdicts for some registrations (for JP in a participant's history), or None without the table."""
    t = first_table(VERDICT_TABLES, ("registration_id", "eligible"))
    if t is None or not registration_ids:
        return None

    def run():
        rows = db.session.execute(
            sa.select(t.c.registration_id, t.c.eligible).where(t.c.registration_id.in_(registration_ids))
        ).all()
        return {int(r): bool(e) for r, e in rows}

    return _safe(run)


def certificates_summary(event_id: int) -> dict | None:
    """Certificates issued for the event, by status."""
    t = first_table(CERTIFICATE_TABLES, ("event_id",))
    if t is None:
        return None

    def run():
        if "status" in t.c:
            rows = db.session.execute(
                sa.select(t.c.status, sa.func.count()).where(t.c.event_id == event_id).group_by(t.c.status)
            ).all()
            by_status = {str(k): int(n) for k, n in rows}
        else:
            n = db.session.scalar(sa.select(sa.func.count()).where(t.c.event_id == event_id))
            by_status = {"issued": int(n or 0)} if n else {}
        if not by_status:
            return None
        return {"total": sum(by_status.values()), "by_status": by_status}

    return _safe(run)


def certificates_for(registration_ids: list[int]) -> dict[int, list[dict]] | None:
    """Certificates per registration (number, status, JP where stored), or None without the table."""
    t = first_table(CERTIFICATE_TABLES, ("registration_id",))
    if t is None or not registration_ids:
        return None
    cols = [t.c.registration_id] + [t.c[c] for c in ("number", "status", "jp", "issued_at", "role") if c in t.c]

    def run():
        out: dict[int, list[dict]] = {}
        for row in db.session.execute(sa.select(*cols).where(t.c.registration_id.in_(registration_ids))).mappings():
            item = {k: row[k] for k in row.keys() if k != "registration_id"}
            if "issued_at" in item and item["issued_at"] is not None:
                item["issued_at"] = item["issued_at"].isoformat()
            out.setdefault(int(row["registration_id"]), []).append(item)
        return out

    return _safe(run)
