"""Venue check-in services: scanning (admit, exit, undo, walk-in) and the log as staff read it.

Every door (scanner API, offline batch, desk pages, CLI) goes through these names; other features read
check-ins through ``bimtek.checkin.queries`` instead.
"""

from __future__ import annotations

from bimtek.checkin.services.log import (
    Slot,
    admitted_ids,
    event_days,
    log_query,
    missing,
    parse_slot,
    search,
    slots,
    stats,
    sync_data,
)
from bimtek.checkin.services.scanning import (
    ATTENTION,
    CLOCK_SKEW,
    LATE_AFTER,
    MAX_BATCH,
    MAX_TICKET_TEXT,
    MESSAGES,
    SCAN_COLUMNS,
    STATUS,
    Admission,
    CheckInError,
    check_admissible,
    check_in,
    event_session,
    local_day,
    resolve_ticket,
    staff_label,
    undo_check_in,
    walk_in,
)

__all__ = [
    "ATTENTION",
    "CLOCK_SKEW",
    "LATE_AFTER",
    "MAX_BATCH",
    "MAX_TICKET_TEXT",
    "MESSAGES",
    "SCAN_COLUMNS",
    "STATUS",
    "Admission",
    "CheckInError",
    "Slot",
    "admitted_ids",
    "check_admissible",
    "check_in",
    "event_days",
    "event_session",
    "local_day",
    "log_query",
    "missing",
    "parse_slot",
    "resolve_ticket",
    "search",
    "slots",
    "staff_label",
    "stats",
    "sync_data",
    "undo_check_in",
    "walk_in",
]
