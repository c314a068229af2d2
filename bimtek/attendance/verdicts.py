"""Eligibility: the event's rule, attendance gathered from every source, stored verdicts and overrides."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select, update

from bimtek.attendance import eligibility
from bimtek.attendance.batching import without_gc_pauses
from bimtek.attendance.models import (
    AttendanceInterval,
    EligibilityRule,
    EligibilityVerdict,
    PresensiRecord,
    PresensiWindow,
)
from bimtek.checkin import queries as checkin_queries
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.evaluation import queries as evaluation_queries
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.learning import queries as learning_queries
from bimtek.registration.models import Registration

EVALUATED_STATUSES = ("confirmed",)


def get_rule(event: Event) -> EligibilityRule | None:
    """The event's stored rule, if the organizer has set one."""
    return db.session.scalar(select(EligibilityRule).where(EligibilityRule.event_id == event.id))


def pure_rule(row: EligibilityRule | None, event: Event) -> eligibility.Rule:
    """The stored rule as the pure engine's Rule (no rule yet: present in every session)."""
    if row is None:
        return eligibility.Rule(jp_minutes=event.jp_minutes or 45)
    return eligibility.Rule(
        min_session_percent=row.min_session_percent,
        min_sessions=row.min_sessions,
        min_total_jp=row.min_total_jp,
        require_presensi_windows=row.require_presensi_windows,
        require_evaluation=row.require_evaluation,
        require_post_test_pass=bool(row.require_post_test_pass),
        jp_minutes=row.jp_minutes or 45,
    )


def _optional_number(raw: dict, name: str, kind, low, high, errors: dict, message: str):
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = kind(str(value).strip().replace(",", ".")) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        errors[name] = message
        return None
    return number


def _flag(raw: dict, name: str) -> bool:
    value = raw.get(name)
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true", "on", "y", "yes"))


def save_rule(event: Event, raw: dict, *, user=None) -> EligibilityRule:
    """Validate and store the event's rule (empty fields switch a threshold off)."""
    errors: dict[str, str] = {}
    percent = _optional_number(raw, "min_session_percent", float, 0, 100, errors, "Isi 0–100.")
    sessions = _optional_number(raw, "min_sessions", int, 0, 1000, errors, "Isi bilangan bulat 0 atau lebih.")
    total_jp = _optional_number(raw, "min_total_jp", float, 0, 1000, errors, "Isi angka 0 atau lebih.")
    jp_minutes = _optional_number(raw, "jp_minutes", int, 1, 240, errors, "Isi 1–240 menit.") or (
        event.jp_minutes or 45
    )
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    rule = get_rule(event)
    if rule is None:
        rule = EligibilityRule(event_id=event.id)
        db.session.add(rule)
    rule.min_session_percent = percent
    rule.min_sessions = sessions
    rule.min_total_jp = total_jp
    rule.require_presensi_windows = _flag(raw, "require_presensi_windows")
    rule.require_evaluation = _flag(raw, "require_evaluation")
    rule.require_post_test_pass = _flag(raw, "require_post_test_pass") and learning_queries.has_post_test(event)
    rule.jp_minutes = jp_minutes
    rule.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.record("attendance.rule_saved", rule, event_id=event.id, actor=user, details=rule_json(rule))
    return rule


def rule_json(rule: EligibilityRule | None) -> dict:
    """A rule as the API shows it (EligibilityRuleSchema), {} when none is set."""
    from bimtek.api.schemas import dump
    from bimtek.attendance.schemas import EligibilityRuleSchema

    return dump(EligibilityRuleSchema, rule) if rule is not None else {}


@dataclass(slots=True)
class Collected:
    """Everything recorded for an event, per registration."""

    sessions: list[eligibility.SessionInfo]
    attendance: dict[int, eligibility.ParticipantAttendance]
    sources: dict[tuple[int, int], set[str]] = field(default_factory=dict)


def session_infos(event: Event) -> list[eligibility.SessionInfo]:
    """The event's sessions for the pure engine, with the presensi windows each one has."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for sid, kind in db.session.execute(
        select(PresensiWindow.session_id, PresensiWindow.kind).where(PresensiWindow.event_id == event.id)
    ):
        kinds[sid].add(kind)
    return [
        eligibility.SessionInfo(
            id=s.id,
            title=s.title,
            start=as_utc(s.starts_at),
            end=as_utc(s.ends_at),
            jp=s.jp if s.jp and s.jp > 0 else None,
            presensi_windows=frozenset(kinds.get(s.id, set())),
        )
        for s in event.sessions
    ]


def _narrow(column, wanted: set[int]) -> list:
    # A few registrations (one link, one override): ask for theirs only; a whole event: read it all.
    return [column.in_(wanted)] if len(wanted) <= 500 else []


def collect(event: Event, registration_ids: list[int], *, now: datetime | None = None) -> Collected:
    """Gather intervals, presensi, venue scans and evaluation for the given registrations."""
    now = now or utcnow()
    sessions = session_infos(event)
    ends = {s.id: s.end for s in sessions}
    wanted = set(registration_ids)
    attendance = {rid: eligibility.ParticipantAttendance(rid) for rid in registration_ids}
    sources: dict[tuple[int, int], set[str]] = defaultdict(set)
    rows = db.session.execute(
        select(
            AttendanceInterval.registration_id,
            AttendanceInterval.session_id,
            AttendanceInterval.start,
            AttendanceInterval.end,
            AttendanceInterval.source,
        ).where(AttendanceInterval.event_id == event.id, *_narrow(AttendanceInterval.registration_id, wanted))
    )
    for rid, sid, start, end, source in rows:
        if rid not in wanted or sid not in ends:
            continue
        # A webhook stay without a leave yet lasts until now (at most the session's end).
        end = as_utc(end) if end is not None else min(now, ends[sid])
        attendance[rid].intervals_by_session.setdefault(sid, []).append((as_utc(start), end))
        sources[(rid, sid)].add(source)
    presensi_times: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for rid, sid, kind, at in db.session.execute(
        select(
            PresensiRecord.registration_id, PresensiRecord.session_id, PresensiWindow.kind, PresensiRecord.recorded_at
        )
        .join(PresensiWindow, PresensiWindow.id == PresensiRecord.window_id)
        .where(PresensiRecord.event_id == event.id, *_narrow(PresensiRecord.registration_id, wanted))
    ):
        if rid not in wanted or sid not in ends:
            continue
        attendance[rid].presensi_windows_by_session.setdefault(sid, set()).add(kind)
        presensi_times[(rid, sid)].append(as_utc(at))
        sources[(rid, sid)].add("presensi")
    for (rid, sid), times in presensi_times.items():
        # Confirming at the start and at the end of a session shows presence in between.
        if len(times) >= 2 and attendance[rid].presensi_windows_by_session[sid] >= {"start", "end"}:
            attendance[rid].intervals_by_session.setdefault(sid, []).append((min(times), max(times)))
    narrow = wanted if len(wanted) <= 500 else None
    for rid, stays in checkin_queries.venue_stays(event, narrow).items():
        if rid not in wanted:
            continue
        for sid, stay in stays.items():
            if sid not in ends:
                continue
            attendance[rid].venue_present_sessions.add(sid)
            if stay.left_at is not None:
                attendance[rid].venue_stays_by_session.setdefault(sid, []).append((stay.entered_at, stay.left_at))
            sources[(rid, sid)].add("venue")
    for rid in evaluation_queries.completed(event) & wanted:
        attendance[rid].evaluation_done = True
    for rid in learning_queries.post_test_passed(event) & wanted:
        attendance[rid].post_test_passed = True
    return Collected(sessions, attendance, dict(sources))


def evaluated_registrations(event: Event) -> list[Registration]:
    """Registrations whose attendance is judged: confirmed ones, both modes."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(EVALUATED_STATUSES))
            .order_by(Registration.full_name, Registration.id)
        )
    )


def _details(verdict: eligibility.Verdict) -> dict:
    return {
        "total_jp": verdict.total_jp,
        "attended_sessions": verdict.attended_sessions,
        "codes": [r.code for r in verdict.reasons],
        "sessions": {
            str(sid): {
                "number": r.number,
                "minutes": round(r.minutes, 1),
                "duration": round(r.duration_minutes, 1),
                "percent": round(r.percent, 1),
                "venue": r.venue,
                "missing_windows": list(r.missing_windows),
                "attended": r.attended,
            }
            for sid, r in verdict.per_session.items()
        },
    }


def compute_verdicts(
    event: Event, *, user=None, now: datetime | None = None, registration_ids: list[int] | None = None
) -> dict:
    """Evaluate every confirmed participant (or only some) and store the verdicts; overrides are kept."""
    with without_gc_pauses():
        return _compute(event, user=user, now=now, only=registration_ids)


def refresh(event: Event, registration_ids: list[int] | None = None) -> None:
    """Keep stored verdicts in step with new attendance, once the organizer has set a rule."""
    if get_rule(event) is not None:
        compute_verdicts(event, registration_ids=registration_ids)


def _compute(event: Event, *, user=None, now: datetime | None = None, only: list[int] | None = None) -> dict:
    now = now or utcnow()
    query = select(Registration.id).where(
        Registration.event_id == event.id, Registration.status.in_(EVALUATED_STATUSES)
    )
    if only is not None:
        query = query.where(Registration.id.in_(only))
    ids = list(db.session.execute(query).scalars())
    rule = pure_rule(get_rule(event), event)
    data = collect(event, ids, now=now)
    verdict_query = select(EligibilityVerdict.registration_id, EligibilityVerdict.id).where(
        EligibilityVerdict.event_id == event.id
    )
    if only is not None:
        verdict_query = verdict_query.where(EligibilityVerdict.registration_id.in_(only))
    existing = dict(db.session.execute(verdict_query).all())
    inserts, updates, eligible = [], [], 0
    for rid in ids:
        verdict = eligibility.evaluate(rule, data.sessions, data.attendance[rid])
        eligible += verdict.eligible
        values = {
            "eligible": verdict.eligible,
            "reasons": [r.message_id for r in verdict.reasons],
            "details": _details(verdict),
            "computed_at": now,
        }
        if rid in existing:
            updates.append({"id": existing[rid], **values})
        else:
            inserts.append({"event_id": event.id, "registration_id": rid, **values})
    if updates:
        db.session.execute(update(EligibilityVerdict), updates)
    if inserts:
        db.session.execute(insert(EligibilityVerdict), inserts)
    # Verdicts of registrations that were cancelled since are no longer valid.
    stale = set(existing) - set(ids)
    if stale:
        db.session.execute(
            update(EligibilityVerdict)
            .where(EligibilityVerdict.event_id == event.id, EligibilityVerdict.registration_id.in_(stale))
            .values(eligible=False, reasons=[eligibility.REASON_TEXTS["inactive"]], computed_at=now)
            .execution_options(synchronize_session=False)
        )
    summary = {"evaluated": len(ids), "eligible": eligible, "not_eligible": len(ids) - eligible}
    if only is None:
        audit.record("attendance.verdicts_computed", event, event_id=event.id, actor=user, details=summary)
    db.session.flush()
    db.session.expire_all()
    return summary


def last_computed(event: Event) -> datetime | None:
    """When the event's verdicts were last evaluated."""
    return as_utc(
        db.session.scalar(
            select(func.max(EligibilityVerdict.computed_at)).where(EligibilityVerdict.event_id == event.id)
        )
    )


def verdict_for(registration_id: int) -> EligibilityVerdict | None:
    """The stored verdict of one registration."""
    return db.session.scalar(select(EligibilityVerdict).where(EligibilityVerdict.registration_id == registration_id))


def override_verdict(
    registration: Registration, decision: bool | None, reason: str, *, user=None, now: datetime | None = None
) -> EligibilityVerdict:
    """Set (True/False) or clear (None) the organizer's decision; a reason is required and it is audited."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if decision is not None and len(reason) < 5:
        raise Invalid(
            "override_reason_required",
            "Tuliskan alasan perubahan keputusan.",
            fields={"reason": "Wajib diisi (minimal 5 karakter)."},
        )
    verdict = verdict_for(registration.id)
    if verdict is None:
        compute_verdicts(registration.event, user=user, now=now, registration_ids=[registration.id])
        verdict = verdict_for(registration.id)
    if verdict is None:
        raise Invalid("not_evaluated", "Peserta ini belum dapat dinilai (pendaftaran belum terkonfirmasi).")
    before = {"override": verdict.override, "reason": verdict.override_reason}
    verdict.override = decision
    verdict.override_reason = reason[:1000] if decision is not None else None
    verdict.override_by = getattr(user, "id", None) if decision is not None else None
    verdict.override_at = now if decision is not None else None
    audit.record(
        "attendance.verdict_override" if decision is not None else "attendance.verdict_override_cleared",
        verdict,
        event_id=registration.event_id,
        actor=user,
        details={
            "registration_id": registration.id,
            "computed": verdict.eligible,
            "override": decision,
            "reason": reason,
            "before": before,
        },
    )
    db.session.flush()
    return verdict


# --- the attendance matrix ------------------------------------------------------------------------------


@dataclass(slots=True)
class MatrixRow:
    """One participant's line of the matrix."""

    registration: Registration
    cells: dict[int, dict]
    verdict: EligibilityVerdict | None


FILTERS = ("all", "eligible", "not_eligible", "not_evaluated", "overridden")


def matrix(event: Event, *, mode: str = "", verdict_filter: str = "all", query: str = "", now=None) -> list[MatrixRow]:
    """Participants × sessions with minutes, percent and sources in each cell, filtered."""
    regs = evaluated_registrations(event)
    if mode in ("onsite", "online"):
        regs = [r for r in regs if r.mode == mode]
    if query:
        needle = query.casefold().strip()
        regs = [
            r
            for r in regs
            if needle in r.full_name.casefold() or needle in (r.email or "").casefold() or needle == r.code.casefold()
        ]
    verdicts = {
        v.registration_id: v
        for v in db.session.scalars(select(EligibilityVerdict).where(EligibilityVerdict.event_id == event.id))
    }
    if verdict_filter == "eligible":
        regs = [r for r in regs if r.id in verdicts and verdicts[r.id].final]
    elif verdict_filter == "not_eligible":
        regs = [r for r in regs if r.id in verdicts and not verdicts[r.id].final]
    elif verdict_filter == "not_evaluated":
        regs = [r for r in regs if r.id not in verdicts]
    elif verdict_filter == "overridden":
        regs = [r for r in regs if r.id in verdicts and verdicts[r.id].override is not None]
    data = collect(event, [r.id for r in regs], now=now)
    rule = pure_rule(get_rule(event), event)
    out = []
    for reg in regs:
        result = eligibility.evaluate(rule, data.sessions, data.attendance[reg.id])
        cells = {}
        for s in data.sessions:
            r = result.per_session[s.id]
            cells[s.id] = {
                "minutes": round(r.minutes, 1),
                "percent": round(r.percent, 1),
                "sources": sorted(data.sources.get((reg.id, s.id), set())),
                "windows": sorted(data.attendance[reg.id].presensi_windows_by_session.get(s.id, set())),
                "attended": r.attended,
            }
        out.append(MatrixRow(reg, cells, verdicts.get(reg.id)))
    return out
