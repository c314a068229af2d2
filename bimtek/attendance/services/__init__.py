"""Attendance services: Zoom reports and their review queue here; the eligibility rule and verdicts in
``bimtek.attendance.verdicts``, presensi in ``presensi``, webhooks in ``webhooks``.

Services flush and never commit. Other features write through the names below (``refresh_verdicts``).
"""

from __future__ import annotations

from sqlalchemy import select

from bimtek.attendance import verdicts
from bimtek.attendance.models import EligibilityRule
from bimtek.attendance.services.privacy import erase_registration_traces, purge_zoom_reports
from bimtek.attendance.services.review import (
    SEARCH_MAX,
    Identity,
    dismiss_row,
    find_registrations,
    identities,
    identity_of,
    link_identity,
    link_row,
    pending_count,
    remembered,
    review_queue,
)
from bimtek.attendance.services.zoom_reports import (
    INLINE_CONFIRM_ROWS,
    MATCHABLE_STATUSES,
    MAX_REPORT_BYTES,
    Analysis,
    Group,
    analyse_report,
    candidates,
    confirm_all,
    confirm_import,
    enqueue_confirm,
    import_job,
    name_links,
    previews,
    session_groups,
    start_confirm,
    upload_report,
    upload_report_all_sessions,
)
from bimtek.events.models import Event
from bimtek.extensions import db

__all__ = [
    "INLINE_CONFIRM_ROWS",
    "MATCHABLE_STATUSES",
    "MAX_REPORT_BYTES",
    "SEARCH_MAX",
    "Analysis",
    "Group",
    "Identity",
    "analyse_report",
    "candidates",
    "confirm_all",
    "confirm_import",
    "enqueue_confirm",
    "dismiss_row",
    "erase_registration_traces",
    "find_registrations",
    "identities",
    "identity_of",
    "import_job",
    "link_identity",
    "link_row",
    "name_links",
    "pending_count",
    "previews",
    "purge_zoom_reports",
    "refresh_verdicts",
    "remembered",
    "review_queue",
    "session_groups",
    "start_confirm",
    "upload_report",
    "upload_report_all_sessions",
]


def refresh_verdicts(event_id: int, registration_ids: list[int] | None = None) -> None:
    """Bring stored verdicts in step with changed attendance (once the organizer has set a rule).

    Check-in calls this after an undo or an exit scan, so a certificate follows what the log says. Takes
    the event's id: the scanner's hot path holds a narrow row, not the Event.
    """
    if db.session.scalar(select(EligibilityRule.id).where(EligibilityRule.event_id == event_id)) is None:
        return
    verdicts.compute_verdicts(db.session.get(Event, event_id), registration_ids=registration_ids)


def copy_rule(source_event_id: int, target: Event) -> bool:
    """Give ``target`` the eligibility rule of another event (thresholds only: no verdicts); False if none."""
    row = db.session.scalar(select(EligibilityRule).where(EligibilityRule.event_id == source_event_id))
    if row is None:
        return False
    db.session.add(EligibilityRule(
        event_id=target.id, min_session_percent=row.min_session_percent, min_sessions=row.min_sessions,
        min_total_jp=row.min_total_jp, require_presensi_windows=row.require_presensi_windows,
        require_evaluation=row.require_evaluation, jp_minutes=row.jp_minutes,
    ))  # fmt: skip
    db.session.flush()
    return True
