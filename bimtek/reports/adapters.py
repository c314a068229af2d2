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
from datetime import UTC, datetime
from statistics import median

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from bimtek.extensions import db

# Table names and columns each adapter expects (first match wins).
CHECKIN_TABLES = ("checkins", "check_ins")
INTERVAL_TABLES = ("attendance_intervals",)
VERDICT_TABLES = ("eligibility_verdicts", "attendance_verdicts", "eligibility")
CERTIFICATE_TABLES = ("certificates",)
# Certificate statuses as the verification page words them.
CERTIFICATE_STATUS_LABELS = {"valid": "Sah (VALID)", "revoked": "Dicabut", "replaced": "Diganti"}


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
    """Confirmed on-site participants scanned in at least once, as a share of all confirmed on site.

    Reads checkins (registration_id; kind entry/exit and undone_at when present). Admissions of participants
    registered for Zoom are counted apart, so the rate never passes 100%.
    """
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
        valid = [regs.c.event_id == event_id]
        if "event_id" in t.c:
            valid.append(t.c.event_id == event_id)
        if "undone_at" in t.c:
            valid.append(t.c.undone_at.is_(None))
        joined = t.join(regs, regs.c.id == t.c.registration_id)
        scans = db.session.scalar(sa.select(sa.func.count()).select_from(joined).where(*valid))
        if not scans:
            return None
        entry = [*valid, regs.c.status == "confirmed"]
        if "kind" in t.c:
            entry.append(sa.or_(t.c.kind == "entry", t.c.kind.is_(None)))
        by_mode = dict(
            db.session.execute(
                sa.select(regs.c.mode, sa.func.count(sa.distinct(t.c.registration_id)))
                .select_from(joined)
                .where(*entry)
                .group_by(regs.c.mode)
            ).all()
        )
        expected, checked = int(expected or 0), int(by_mode.get("onsite", 0))
        return {
            "expected": expected,
            "checked_in": checked,
            "other_modes_admitted": int(sum(n for m, n in by_mode.items() if m != "onsite")),
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


def union_minutes(intervals: Iterable[tuple[float, float]]) -> float:
    """Length of the union of (start, end) intervals in the same unit: overlaps count once."""
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


INTERVAL_COLUMNS = (("start", "end"), ("started_at", "ended_at"), ("starts_at", "ends_at"), ("joined_at", "left_at"))


def online_minutes(event_id: int, scheduled_minutes: float, sessions: dict[int, tuple] | None = None) -> dict | None:
    """Minutes each confirmed online participant attended, from recorded intervals, as a distribution.

    Reads attendance_intervals (registration_id, start, end; session_id and source when present). Rows from
    several sources (Zoom report, webhook, presensi) may overlap: per registration and session they are
    merged as a union and clipped to the session's time, so nobody is credited twice. Venue rows and
    still-open intervals are left out.
    """
    t = start_col = end_col = None
    for names in INTERVAL_COLUMNS:
        t = first_table(INTERVAL_TABLES, ("registration_id", *names))
        if t is not None:
            start_col, end_col = names
            break
    if t is None:
        return None
    regs = _registrations()
    sessions = sessions or {}

    def run():
        population = db.session.scalars(
            sa.select(regs.c.id).where(regs.c.event_id == event_id, regs.c.status == "confirmed",
                                       regs.c.mode == "online")
        ).all()  # fmt: skip
        has_session = "session_id" in t.c
        cols = [t.c.registration_id, t.c[start_col], t.c[end_col], t.c.session_id if has_session else sa.null()]
        cond = [regs.c.event_id == event_id, t.c[end_col].is_not(None)]
        if "source" in t.c:
            cond.append(t.c.source != "venue")
        rows = db.session.execute(
            sa.select(*cols).select_from(t.join(regs, regs.c.id == t.c.registration_id)).where(*cond)
        ).all()
        if not rows:
            return None
        grouped: dict[tuple[int, int | None], list[tuple[float, float]]] = {}
        for reg_id, start, end, session_id in rows:
            start, end = _aware(start).timestamp(), _aware(end).timestamp()
            window = sessions.get(session_id)
            if window:
                start, end = max(start, window[0].timestamp()), min(end, window[1].timestamp())
            grouped.setdefault((reg_id, session_id), []).append((start, end))
        per: dict[int, float] = {}
        for (reg_id, _sid), spans in grouped.items():
            per[reg_id] = per.get(reg_id, 0.0) + union_minutes(spans) / 60
        return minutes_distribution(per, scheduled_minutes, population)

    return _safe(run)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _final_verdict(t: sa.Table):
    """The decision that counts: an organizer's override when there is one, else the computed verdict."""
    return sa.func.coalesce(t.c.override, t.c.eligible) if "override" in t.c else t.c.eligible


def eligibility_summary(event_id: int) -> dict | None:
    """Eligible and not eligible participants from the stored verdicts."""
    t = first_table(VERDICT_TABLES, ("registration_id", "eligible"))
    if t is None:
        return None
    regs = _registrations()

    def run():
        final = _final_verdict(t)
        overridden = sa.func.count(t.c.override) if "override" in t.c else sa.literal(0)
        rows = db.session.execute(
            sa.select(final, sa.func.count(), overridden)
            .select_from(t.join(regs, regs.c.id == t.c.registration_id))
            .where(regs.c.event_id == event_id)
            .group_by(final)
        ).all()
        if not rows:
            return None
        counts = {bool(k): int(n) for k, n, _o in rows}
        total = sum(counts.values())
        return {
            "assessed": total,
            "eligible": counts.get(True, 0),
            "not_eligible": counts.get(False, 0),
            "overridden": int(sum(o for _k, _n, o in rows)),
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
            sa.select(t.c.registration_id, _final_verdict(t)).where(t.c.registration_id.in_(registration_ids))
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
