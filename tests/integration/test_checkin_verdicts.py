"""Check-in changes reach the verdict and the certificate: an organizer's undo, and exit scans.

The scans go through the scanner API and the organizer's undo page, as people make them; the verdict and
certificate eligibility are read the way the certificate pages read them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bimtek.attendance import queries as attendance_queries
from bimtek.attendance import verdicts
from bimtek.certificates.services import eligibility as certificates
from bimtek.extensions import db
from tests.factories import bearer, login, make_event, make_registration, token_for
from tests.factories_checkin import make_scanner, ticket_text


@pytest.fixture
def running(app):
    """An event under way: session 1 ended an hour ago, session 2 runs until 30 minutes from now."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=150)
    event = make_event(starts_at=start, registration_opens_at=start - timedelta(days=30))
    organizer = make_scanner(event, "organizer")
    scanner = make_scanner(event)
    return event, organizer, bearer(token_for(scanner))


def _scan(client, h, event, reg, *, at: datetime, session=None, kind: str = "entry"):
    body = {"ticket": ticket_text(reg), "event_id": event.id, "kind": kind, "scanned_at": at.isoformat()}
    if session is not None:
        body["session_id"] = session.id
    resp = client.post("/api/v1/checkins", json=body, headers=h)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["checkin"]["id"]


def _eligible_for_certificate(event, reg) -> bool:
    db.session.expire_all()
    return reg.id in certificates.eligible_registration_ids(event)


def test_organizer_undo_takes_back_the_verdict_and_the_certificate(client, running):
    event, organizer, h = running
    s1, s2 = event.sessions
    reg = make_registration(event, mode="onsite")
    wrong = _scan(client, h, event, reg, at=s1.starts_at - timedelta(minutes=10))  # a day admit: both sessions
    verdicts.save_rule(event, {"min_sessions": "2"}, user=organizer)
    verdicts.compute_verdicts(event, user=organizer)
    db.session.commit()
    assert attendance_queries.final_verdicts(event) == {reg.id: True}
    assert _eligible_for_certificate(event, reg)

    # The desk scanned the wrong ticket: the organizer undoes it on the log page.
    login(client, organizer)
    resp = client.post(f"/manage/events/{event.id}/checkins/{wrong}/undo", data={"reason": "salah orang"})
    assert resp.status_code == 302

    assert attendance_queries.final_verdicts(event) == {reg.id: False}
    assert not _eligible_for_certificate(event, reg)
    reasons = certificates.ineligibility_reasons(db.session.get(type(reg), reg.id))
    assert reasons[0] == "Hadir 0 dari 2 sesi, minimal 2 sesi"
    page = client.get(f"/manage/events/{event.id}/attendance/matrix").get_data(as_text=True)
    assert "Hadir 0 dari 2 sesi, minimal 2 sesi" in page

    # Scanned again, correctly this time: counted again once the organizer recomputes.
    _scan(client, h, event, reg, at=s1.starts_at)
    verdicts.compute_verdicts(event, user=organizer)
    db.session.commit()
    assert _eligible_for_certificate(event, reg)


def test_exit_scan_ends_the_stay_where_the_rule_counts_minutes(client, running):
    event, organizer, h = running
    s1, s2 = event.sessions
    stays, leaves = make_registration(event, mode="onsite"), make_registration(event, mode="onsite")
    for reg in (stays, leaves):
        _scan(client, h, event, reg, at=s1.starts_at, session=s1)
        _scan(client, h, event, reg, at=s2.starts_at, session=s2)
    verdicts.save_rule(event, {"min_session_percent": "70"}, user=organizer)
    verdicts.compute_verdicts(event, user=organizer)
    db.session.commit()
    assert attendance_queries.final_verdicts(event) == {stays.id: True, leaves.id: True}

    # Twenty minutes into session 2 one of them is scanned out and does not come back.
    _scan(client, h, event, leaves, at=s2.starts_at + timedelta(minutes=20), session=s2, kind="exit")

    assert attendance_queries.final_verdicts(event) == {stays.id: True, leaves.id: False}
    assert _eligible_for_certificate(event, stays) and not _eligible_for_certificate(event, leaves)
    verdict = attendance_queries.final_verdict(leaves.id)
    assert verdict.reasons == ["Sesi 2: 20 dari 90 menit (22%), minimal 70%"]
    assert certificates.ineligibility_reasons(db.session.get(type(leaves), leaves.id)) == verdict.reasons


def test_day_exit_before_a_session_counts_as_absent_where_the_rule_counts_presence(client, running):
    event, organizer, h = running
    s1, s2 = event.sessions
    reg = make_registration(event, mode="onsite")
    _scan(client, h, event, reg, at=s1.starts_at - timedelta(minutes=15))  # a day admit
    verdicts.save_rule(event, {"min_sessions": "2"}, user=organizer)
    verdicts.compute_verdicts(event, user=organizer)
    db.session.commit()
    assert _eligible_for_certificate(event, reg)

    # Scanned out at the day's gate after session 1, before session 2 began.
    _scan(client, h, event, reg, at=s1.ends_at - timedelta(minutes=5), kind="exit")

    assert attendance_queries.final_verdicts(event) == {reg.id: False}
    assert not _eligible_for_certificate(event, reg)
    assert attendance_queries.final_verdict(reg.id).reasons[0] == "Hadir 1 dari 2 sesi, minimal 2 sesi"

    # Undoing the exit (scanned by mistake) gives the session back.
    login(client, organizer)
    from bimtek.checkin.models import CheckIn

    exit_row = db.session.scalar(db.select(CheckIn).where(CheckIn.kind == "exit"))
    client.post(f"/manage/events/{event.id}/checkins/{exit_row.id}/undo", data={"reason": "salah pindai"})
    assert attendance_queries.final_verdicts(event) == {reg.id: True}
    assert _eligible_for_certificate(event, reg)


def test_an_override_still_wins_over_a_changed_log(client, running):
    event, organizer, h = running
    s1, _s2 = event.sessions
    reg = make_registration(event, mode="onsite")
    scan = _scan(client, h, event, reg, at=s1.starts_at)
    verdicts.save_rule(event, {"min_sessions": "1"}, user=organizer)
    verdicts.compute_verdicts(event, user=organizer)
    verdicts.override_verdict(reg, True, "Hadir, tercatat di daftar hadir kertas", user=organizer)
    db.session.commit()
    login(client, organizer)
    client.post(f"/manage/events/{event.id}/checkins/{scan}/undo", data={"reason": "salah sesi"})
    verdict = attendance_queries.final_verdict(reg.id)
    assert verdict.computed is False and verdict.final is True
    assert _eligible_for_certificate(event, reg)
