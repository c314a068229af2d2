"""Zoom reports: upload with preview, matching to registrations, confirming into attendance intervals.

Services flush and never commit. Every rule lives here once, for the HTML pages, the JSON API and the CLI.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from bimtek.attendance import verdicts, zoom_date_checks
from bimtek.attendance.batching import without_gc_pauses
from bimtek.attendance.intervals import clip
from bimtek.attendance.matching import Candidate, MatchResult, build_index, link_key, match_row
from bimtek.attendance.models import (
    AttendanceInterval,
    NameLink,
    ZoomImport,
    ZoomImportRow,
)
from bimtek.attendance.zoom_csv import ZoomCsvError, file_fingerprint, parse_zoom_report
from bimtek.core import audit
from bimtek.core.labels import LABELS
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid, NotFound
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.registration.models import Registration

MAX_REPORT_BYTES = 10 * 1024 * 1024
# Registrations that can still be credited; a cancelled or rejected one never is.
MATCHABLE_STATUSES = ("confirmed", "pending", "waitlisted")
AUTOMATIC_KINDS = ("registrant_id", "email", "code", "nip", "link")
PROBLEMS_SHOWN = 200

ZOOM_WARNINGS = LABELS["zoom_warning"]  # stored in Indonesian; bimtek.attendance.reasons reads them back


# --- matching an uploaded report -----------------------------------------------------------------------


@dataclass(slots=True)
class Group:
    """The rows of one person in one report: one registration, or one unmatched email or name."""

    key: str
    display_name: str
    original_name: str | None
    email: str | None
    match: MatchResult
    line_nos: list[int] = field(default_factory=list)
    raw: list[tuple[datetime, datetime]] = field(default_factory=list)
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    minutes: float = 0.0

    @property
    def automatic(self) -> bool:
        return self.match.automatic


@dataclass(slots=True)
class Analysis:
    """A parsed and matched report, before anything is stored."""

    rows_read: int
    problems: list[dict]
    groups: list[Group]
    meeting: dict | None
    kind: str
    dates: dict | None = None  # zoom_dates.DateDecision.as_dict(): month/day order used and why

    @property
    def rows_matched(self) -> int:
        return sum(len(g.line_nos) for g in self.groups if g.automatic)

    @property
    def people_matched(self) -> int:
        return sum(1 for g in self.groups if g.automatic)


def candidates(event_id: int) -> list[Candidate]:
    """The event's registrations as matching candidates."""
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.email,
            Registration.code,
            Registration.nip,
            Registration.full_name,
            Registration.zoom_registrant_id,
        ).where(Registration.event_id == event_id, Registration.status.in_(MATCHABLE_STATUSES))
    )
    return [Candidate(r.id, r.email, r.code, r.nip, r.full_name, r.zoom_registrant_id) for r in rows]


def name_links(event_id: int) -> dict[str, int]:
    """Display names an organizer has linked to registrations in this event."""
    return dict(
        db.session.execute(
            select(NameLink.link_key, NameLink.registration_id).where(NameLink.event_id == event_id)
        ).all()
    )


def analyse_report(
    event: Event, session: EventSession, data: bytes, *, date_order: str | None = None, windows=None
) -> Analysis:
    """Parse, match and merge a report for one session; raises Invalid when it is not a Zoom report.

    ``windows`` (default: this session) are the sessions the file is imported for, weighed when deciding
    whether its dates are day- or month-first; ``date_order`` is the organizer's answer when that was unclear.
    """
    with without_gc_pauses():
        return _analyse(event, session, data, date_order, windows)


def _analyse(event: Event, session: EventSession, data: bytes, date_order=None, windows=None) -> Analysis:
    start, end = as_utc(session.starts_at), as_utc(session.ends_at)
    try:
        report = parse_zoom_report(
            data, event.timezone or "Asia/Jakarta", date_order=date_order, windows=windows or [(start, end)]
        )
    except ZoomCsvError as err:
        raise Invalid(f"zoom_{err.code}", err.message, fields={"file": err.message}) from err
    index = build_index(candidates(event.id), name_links(event.id))
    groups: dict[str, Group] = {}
    cache: dict[tuple, MatchResult] = {}
    for row in report.rows:
        ident = (row.display_name, row.original_name, row.email, row.registrant_id)
        match = cache.get(ident)
        if match is None:
            match = cache[ident] = match_row(row, index)
        if match.automatic:
            key = f"reg:{match.registration_ids[0]}"
        elif row.email:
            key = f"email:{row.email}"
        else:
            key = f"name:{link_key(row.display_name)}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key, row.display_name, row.original_name, row.email, match)
        group.line_nos.append(row.line_no)
        group.raw.append((row.join_utc, row.leave_utc))
    for group in groups.values():
        group.intervals = clip(group.raw, start, end)
        group.minutes = round(sum((e - s).total_seconds() for s, e in group.intervals) / 60, 2)
    problems = [{"line": p.line_no, "column": p.column, "message": p.message_id} for p in report.problems]
    meeting = None
    if report.meeting is not None:
        meeting = {
            "meeting_id": report.meeting.meeting_id,
            "topic": report.meeting.topic,
            "start": report.meeting.start.isoformat() if report.meeting.start else None,
            "end": report.meeting.end.isoformat() if report.meeting.end else None,
        }
    ordered = sorted(groups.values(), key=lambda g: (g.automatic, g.display_name.casefold()))
    dates = report.dates.as_dict() if report.dates else None
    return Analysis(len(report.rows) + len(report.problems), problems, ordered, meeting, report.kind, dates)


def _summary(analysis: Analysis, event: Event) -> dict:
    names = dict(
        db.session.execute(
            select(Registration.id, Registration.full_name).where(
                Registration.id.in_({i for g in analysis.groups for i in g.match.registration_ids})
            )
        ).all()
    )
    groups = [
        {
            "name": g.display_name,
            "email": g.email,
            "kind": g.match.kind,
            "automatic": g.automatic,
            "registrations": [{"id": i, "name": names.get(i, "")} for i in g.match.registration_ids],
            "rows": len(g.line_nos),
            "minutes": g.minutes,
        }
        for g in analysis.groups
    ]
    warnings = []
    meeting_digits = "".join(ch for ch in event.zoom_meeting_id or "" if ch.isdigit())
    if analysis.meeting and analysis.meeting.get("meeting_id") and meeting_digits:
        if analysis.meeting["meeting_id"] != meeting_digits:
            warnings.append(ZOOM_WARNINGS["meeting_mismatch"])
    outside = sum(1 for g in analysis.groups if g.minutes == 0)
    if outside:
        warnings.append(ZOOM_WARNINGS["outside_session"] % {"n": outside})
    summary = {"groups": groups, "meeting": analysis.meeting, "kind": analysis.kind, "warnings": warnings}
    return {**summary, **zoom_date_checks.preview_facts(analysis)}


def upload_report(
    event: Event,
    session: EventSession,
    filename: str,
    data: bytes,
    *,
    user=None,
    require_overlap: bool = False,
    windows=None,
) -> tuple[ZoomImport, bool] | None:
    """Read an uploaded report into a preview; the same file again returns the earlier import (False).

    With ``require_overlap``, a report with nobody inside the session's time stores nothing (None).
    """
    if session.event_id != event.id:
        raise NotFound("not_found", "Sesi tidak ditemukan.")
    if not data:
        raise Invalid("zoom_empty", "Berkas kosong.", fields={"file": "Pilih berkas laporan Zoom (CSV)."})
    if len(data) > MAX_REPORT_BYTES:
        raise Invalid("zoom_too_large", "Berkas terlalu besar (maksimal 10 MB).", fields={"file": "Maksimal 10 MB."})
    fingerprint = file_fingerprint(data)
    existing = db.session.scalar(
        select(ZoomImport).where(ZoomImport.session_id == session.id, ZoomImport.fingerprint == fingerprint)
    )
    if existing is not None:
        return existing, False
    analysis = analyse_report(event, session, data, windows=windows)
    if require_overlap and not any(g.minutes > 0 for g in analysis.groups):
        if not zoom_date_checks.other_reading_fits(event, session, data, analysis):
            return None
    imp = ZoomImport(
        event_id=event.id,
        session_id=session.id,
        fingerprint=fingerprint,
        filename=(filename or "laporan-zoom.csv")[:255],
        data=data,
        status="preview",
        rows_read=analysis.rows_read,
        rows_matched=analysis.rows_matched,
        people=len(analysis.groups),
        people_matched=analysis.people_matched,
        problems=analysis.problems[:PROBLEMS_SHOWN],
        summary={**_summary(analysis, event), "problem_count": len(analysis.problems)},
        uploaded_by_id=getattr(user, "id", None),
    )
    try:
        with db.session.begin_nested():
            db.session.add(imp)
    except IntegrityError:
        # Someone uploaded the same file a moment ago.
        existing = db.session.scalar(
            select(ZoomImport).where(ZoomImport.session_id == session.id, ZoomImport.fingerprint == fingerprint)
        )
        if existing is None:
            raise
        return existing, False
    return imp, True


def upload_report_all_sessions(
    event: Event, filename: str, data: bytes, *, user=None
) -> tuple[list[tuple[ZoomImport, bool]], list[EventSession]]:
    """One Zoom meeting for the whole event: preview the report for every session it covers.

    Returns the (import, created) pairs and the sessions skipped because nobody was in them.
    """
    results, skipped = [], []
    for session in event.sessions:
        # Every session's preview reads the dates the same way: decided against all the event's sessions.
        result = upload_report(
            event, session, filename, data, user=user, require_overlap=True, windows=zoom_date_checks.windows(event)
        )
        if result is None:
            skipped.append(session)
        else:
            results.append(result)
    if not results:
        raise Invalid(
            "zoom_outside_sessions",
            "Tidak ada kehadiran dalam laporan ini yang jatuh pada waktu sesi kegiatan. Periksa tanggal laporan.",
            fields={"file": "Waktu dalam laporan tidak cocok dengan jadwal sesi."},
        )
    return results, skipped


def previews(event_id: int) -> list[ZoomImport]:
    """Imports of an event still waiting for confirmation."""
    return list(
        db.session.scalars(
            select(ZoomImport)
            .where(ZoomImport.event_id == event_id, ZoomImport.status == "preview")
            .order_by(ZoomImport.session_id, ZoomImport.id)
        )
    )


def confirm_all(event: Event, *, user=None, now: datetime | None = None) -> int:
    """Confirm every preview of the event; returns how many were stored."""
    return sum(confirm_import(imp, user=user, now=now) for imp in previews(event.id))


def _iso(intervals: list[tuple[datetime, datetime]]) -> list[list[str]]:
    return [[s.isoformat(), e.isoformat()] for s, e in intervals]


def from_iso(values: list[list[str]]) -> list[tuple[datetime, datetime]]:
    return [(as_utc(datetime.fromisoformat(s)), as_utc(datetime.fromisoformat(e))) for s, e in values]


def confirm_import(imp: ZoomImport, *, user=None, now: datetime | None = None) -> bool:
    """Store a previewed import's attendance; False (and nothing changes) if it was confirmed before."""
    now = now or utcnow()
    date_order = zoom_date_checks.order_for_confirm(imp)
    claimed = db.session.execute(
        update(ZoomImport)
        .where(ZoomImport.id == imp.id, ZoomImport.status == "preview")
        .values(status="confirmed", confirmed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    event = db.session.get(Event, imp.event_id)
    session = db.session.get(EventSession, imp.session_id)
    analysis = analyse_report(event, session, imp.data, date_order=date_order)
    rows, intervals = [], []
    for g in analysis.groups:
        reg_id = g.match.registration_ids[0] if g.automatic else None
        rows.append(
            {
                "import_id": imp.id,
                "event_id": event.id,
                "session_id": session.id,
                "display_name": g.display_name[:300],
                "original_name": (g.original_name or None) and g.original_name[:300],
                "email": g.email,
                "link_key": link_key(g.display_name)[:300],
                "line_nos": g.line_nos,
                "intervals": _iso(g.intervals),
                "minutes": g.minutes,
                "match_kind": g.match.kind,
                "candidate_ids": g.match.registration_ids,
                "registration_id": reg_id,
                "status": "linked" if g.automatic else "pending",
                "resolved_at": now if g.automatic else None,
            }
        )
        if reg_id is not None:
            intervals += [
                {
                    "event_id": event.id,
                    "registration_id": reg_id,
                    "session_id": session.id,
                    "start": s,
                    "end": e,
                    "source": "zoom_report",
                    "source_ref": f"zoom_import:{imp.id}",
                    "created_at": now,
                }
                for s, e in g.intervals
            ]
    if rows:
        db.session.execute(insert(ZoomImportRow), rows)
    if intervals:
        db.session.execute(insert(AttendanceInterval), intervals)
    imp.status, imp.confirmed_at = "confirmed", now
    imp.rows_matched, imp.people, imp.people_matched = analysis.rows_matched, len(rows), analysis.people_matched
    audit.record(
        "attendance.zoom_import_confirmed",
        imp,
        event_id=event.id,
        actor=user,
        details={"session_id": session.id, "people": len(rows), "matched": analysis.people_matched},
    )
    db.session.flush()
    verdicts.refresh(event)
    return True


# Reports larger than this are confirmed by the job consumer, not inside the web request.
INLINE_CONFIRM_ROWS = 5000


def start_confirm(imp: ZoomImport, *, user=None, inline_rows: int = INLINE_CONFIRM_ROWS):
    """Confirm now (returns True/False as ``confirm_import``) or, for a big report, prepare a job.

    For a job the caller commits, then hands it to ``enqueue_confirm``; the import stays a
    preview until the consumer has stored it, so confirming twice still changes nothing.
    """
    if imp.rows_read <= inline_rows or imp.status != "preview":
        return confirm_import(imp, user=user)
    from bimtek.jobs import start_job

    return start_job(
        "zoom_import",
        event_id=imp.event_id,
        total=imp.rows_read,
        params={"import_id": imp.id},
        user=user if hasattr(user, "id") else None,
    )


def enqueue_confirm(job, user=None) -> None:
    """Hand a prepared confirmation job to the consumer (it leaves once the caller's transaction commits)."""
    from bimtek import jobs

    jobs.enqueue(job)


def import_job(imp: ZoomImport):
    """The latest background job confirming this import, if any."""
    from bimtek.core.models import Job

    jobs = db.session.scalars(
        select(Job).where(Job.kind == "zoom_import", Job.event_id == imp.event_id).order_by(Job.id.desc())
    ).all()
    return next((j for j in jobs if (j.params or {}).get("import_id") == imp.id), None)


def session_groups(event_id: int) -> dict[int, list]:
    """Imports of an event per session, newest first."""
    out: dict[int, list] = defaultdict(list)
    for imp in db.session.scalars(
        select(ZoomImport).where(ZoomImport.event_id == event_id).order_by(ZoomImport.created_at.desc())
    ):
        out[imp.session_id].append(imp)
    return out
