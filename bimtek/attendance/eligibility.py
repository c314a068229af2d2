"""Certificate eligibility: a pure rule engine over one participant's attendance.

There is no national minimum-attendance rule, so every threshold is a per-event ``Rule``. The verdict
explains itself in Indonesian ("Sesi 2: 38 dari 90 menit (42%), minimal 70%"), because organizers and
participants need to see why a certificate was withheld.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from bimtek.attendance.intervals import Interval, minutes_in_window
from bimtek.core.labels import LABELS, codes, label

_WINDOW_ORDER = {name: n for n, name in enumerate(codes("presensi_window"))}
# Each reason's Indonesian text is the "eligibility_reason" kind of bimtek.core.labels (a msgid with
# placeholders); a verdict stores the filled-in text and pages read it back in the visitor's language
# through bimtek.attendance.reasons, which matches these same templates.
REASON_TEXTS = LABELS["eligibility_reason"]
WINDOWS_JOIN = " dan "
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Rule:
    """An event's attendance requirements; ``None`` switches a threshold off."""

    min_session_percent: float | None = None
    min_sessions: int | None = None
    min_total_jp: float | None = None
    require_presensi_windows: bool = False
    require_evaluation: bool = False
    require_post_test_pass: bool = False
    jp_minutes: int = 45


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One session of the event; ``jp`` None means duration divided by the rule's JP length."""

    id: int
    title: str
    start: datetime
    end: datetime
    jp: float | None = None
    presensi_windows: frozenset[str] = frozenset({"start", "end"})


@dataclass(slots=True)
class ParticipantAttendance:
    """Everything recorded for one registration, grouped by session id."""

    registration_id: int
    intervals_by_session: dict[int, list[Interval]] = field(default_factory=dict)
    presensi_windows_by_session: dict[int, set[str]] = field(default_factory=dict)
    venue_present_sessions: set[int] = field(default_factory=set)
    # Venue stays whose exit was scanned: then the minutes count, not the whole session.
    venue_stays_by_session: dict[int, list[Interval]] = field(default_factory=dict)
    evaluation_done: bool = False
    post_test_passed: bool = False


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a participant is not (yet) eligible; ``message_id`` is the Indonesian text."""

    code: str
    message_id: str
    session_id: int | None = None


@dataclass(frozen=True, slots=True)
class SessionResult:
    """Attendance figures for one session."""

    session_id: int
    number: int
    minutes: float
    duration_minutes: float
    percent: float
    venue: bool
    missing_windows: tuple[str, ...]
    attended: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome: eligible when ``reasons`` is empty."""

    eligible: bool
    reasons: list[Reason]
    attended_sessions: list[int]
    total_jp: float
    per_session: dict[int, SessionResult]


def final_decision(computed: bool, override: bool | None) -> bool:
    """The decision that counts: the organizer's override when there is one, else the computed verdict.

    The one definition of a final verdict; everything else (the model, the queries, reports,
    certificates) asks this function or ``bimtek.attendance.queries``.
    """
    return bool(computed) if override is None else bool(override)


def format_number(value: float, decimals: int = 1) -> str:
    """Format a number the Indonesian way (1.234,5), dropping a zero fraction."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _reason(code: str, **params) -> str:
    return REASON_TEXTS[code] % params


def _floor(value: float) -> int:
    # Shown figures are rounded down so "69,8%" never reads as the 70% it failed to reach.
    return math.floor(value + _EPSILON)


def session_jp(session: SessionInfo, rule: Rule) -> float:
    """Return the JP a session is worth: its own figure, else its length in JP of ``rule.jp_minutes``."""
    if session.jp is not None:
        return float(session.jp)
    minutes = (session.end - session.start).total_seconds() / 60
    return round(minutes / rule.jp_minutes, 2) if rule.jp_minutes > 0 else 0.0


def _session_result(session: SessionInfo, number: int, rule: Rule, attendance: ParticipantAttendance) -> SessionResult:
    duration = max((session.end - session.start).total_seconds() / 60, 0.0)
    venue = session.id in attendance.venue_present_sessions
    windows = attendance.presensi_windows_by_session.get(session.id, set())
    stays = attendance.venue_stays_by_session.get(session.id) if venue else None
    if venue and not stays:
        # No exit was scanned: the venue cannot tell when someone left, so a check-in stands for the session.
        minutes, percent, missing = duration, 100.0, ()
    elif venue:
        # An exit scan ends the stay: the minutes inside the session count, like any other source's.
        intervals = [*stays, *attendance.intervals_by_session.get(session.id, [])]
        minutes = minutes_in_window(intervals, session.start, session.end)
        percent = minutes / duration * 100 if duration > 0 else (100.0 if minutes > 0 else 0.0)
        missing = ()
    else:
        intervals = attendance.intervals_by_session.get(session.id, [])
        minutes = minutes_in_window(intervals, session.start, session.end)
        percent = minutes / duration * 100 if duration > 0 else (100.0 if minutes > 0 else 0.0)
        missing = (
            tuple(sorted(session.presensi_windows - set(windows), key=lambda w: (_WINDOW_ORDER.get(w, 9), w)))
            if rule.require_presensi_windows
            else ()
        )
    if venue and not stays:
        attended = True
    elif rule.min_session_percent is not None:
        attended = percent + _EPSILON >= rule.min_session_percent and not missing
    else:
        attended = (minutes > 0 or bool(windows)) and not missing
    return SessionResult(session.id, number, minutes, duration, percent, venue, missing, attended)


def _session_reasons(result: SessionResult, rule: Rule) -> list[Reason]:
    n = result.number
    reasons = []
    if rule.min_session_percent is not None and result.percent + _EPSILON < rule.min_session_percent:
        message = _reason(
            "session_short", n=n, minutes=_floor(result.minutes), duration=format_number(result.duration_minutes, 0),
            percent=_floor(result.percent), needed=format_number(rule.min_session_percent),
        )  # fmt: skip
        reasons.append(Reason("session_short", message, result.session_id))
    elif rule.min_session_percent is None and result.minutes <= 0 and not result.missing_windows:
        reasons.append(Reason("session_absent", _reason("session_absent", n=n), result.session_id))
    if result.missing_windows:
        names = WINDOWS_JOIN.join(label("presensi_window", w, "id") for w in result.missing_windows)
        reasons.append(Reason("presensi_missing", _reason("presensi_missing", n=n, windows=names), result.session_id))
    return reasons


def evaluate(rule: Rule, sessions: list[SessionInfo], attendance: ParticipantAttendance) -> Verdict:
    """Decide whether one participant meets the event's rule, with reasons in Indonesian."""
    ordered = sorted(sessions, key=lambda s: (s.start, s.id))
    results = {s.id: _session_result(s, n, rule, attendance) for n, s in enumerate(ordered, start=1)}
    attended = [s.id for s in ordered if results[s.id].attended]
    total_jp = round(sum(session_jp(s, rule) for s in ordered if results[s.id].attended), 2)
    missed = [results[s.id] for s in ordered if not results[s.id].attended]

    reasons: list[Reason] = []
    if rule.min_sessions is not None:
        # A threshold above the number of sessions would fail everyone; read it as "all sessions".
        needed = min(rule.min_sessions, len(ordered))
        if len(attended) < needed:
            reasons.append(
                Reason(
                    "min_sessions", _reason("min_sessions", attended=len(attended), total=len(ordered), needed=needed)
                )
            )
            for result in missed:
                reasons += _session_reasons(result, rule)
    elif rule.min_session_percent is not None or rule.require_presensi_windows:
        for result in missed:
            reasons += _session_reasons(result, rule)
    if not attended and ordered and not reasons:
        reasons.append(Reason("no_attendance", _reason("no_attendance")))
    if rule.min_total_jp is not None and total_jp + _EPSILON < rule.min_total_jp:
        reasons.append(
            Reason(
                "min_total_jp",
                _reason("min_total_jp", jp=format_number(total_jp, 2), needed=format_number(rule.min_total_jp, 2)),
            )
        )
    if rule.require_evaluation and not attendance.evaluation_done:
        reasons.append(Reason("evaluation_missing", _reason("evaluation_missing")))
    if rule.require_post_test_pass and not attendance.post_test_passed:
        reasons.append(Reason("post_test_not_passed", _reason("post_test_not_passed")))
    return Verdict(
        eligible=not reasons,
        reasons=reasons,
        attended_sessions=attended,
        total_jp=total_jp,
        per_session=results,
    )
