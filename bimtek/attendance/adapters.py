"""Reading other features' tables without importing their code.

Venue check-in (issue 4) and evaluation (issue 7) are built in parallel; each adapter looks their table up
in the shared metadata and degrades to "nothing recorded" while it does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import Table, null, select

from bimtek.core.time import as_utc
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration


def venue_presence(event: Event, table: Table | None = None) -> dict[int, set[int]]:
    """Sessions each registration was scanned into at the venue; a day-level scan counts for that day."""
    table = table if table is not None else db.metadata.tables.get("checkins")
    if table is None or "registration_id" not in table.c:
        return {}
    query = select(
        table.c.registration_id,
        table.c.session_id if "session_id" in table.c else null(),
        table.c.scanned_at if "scanned_at" in table.c else null(),
    ).where(table.c.registration_id.in_(select(Registration.id).where(Registration.event_id == event.id)))
    if "kind" in table.c:
        query = query.where(table.c.kind == "entry")
    zone = ZoneInfo(event.timezone or "Asia/Jakarta")
    session_ids = {s.id for s in event.sessions}
    by_day: dict = defaultdict(set)
    for s in event.sessions:
        by_day[as_utc(s.starts_at).astimezone(zone).date()].add(s.id)
    presence: dict[int, set[int]] = defaultdict(set)
    for reg_id, session_id, scanned_at in db.session.execute(query):
        if session_id is not None:
            if session_id in session_ids:
                presence[reg_id].add(session_id)
        elif scanned_at is not None:
            presence[reg_id] |= by_day.get(as_utc(scanned_at).astimezone(zone).date(), set())
        elif len(by_day) == 1:
            presence[reg_id] |= session_ids
    return dict(presence)


def evaluation_done_ids(event: Event, table: Table | None = None) -> set[int]:
    """Registrations of the event that have filled the evaluation form."""
    table = table if table is not None else db.metadata.tables.get("evaluation_responses")
    if table is None or "registration_id" not in table.c:
        return set()
    query = select(table.c.registration_id).where(
        table.c.registration_id.in_(select(Registration.id).where(Registration.event_id == event.id))
    )
    if "submitted_at" in table.c:
        query = query.where(table.c.submitted_at.is_not(None))
    return {row[0] for row in db.session.execute(query)}
