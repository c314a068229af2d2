"""Issue 11, the organizer's week: demo on a used database, export, import, bulk email, copy, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bimtek.events.models import Event
from bimtek.extensions import db
from tests.factories import make_event


def test_demo_refuses_clearly_when_its_address_belongs_to_another_event(runner):
    mine = make_event(title="Bimtek Kehumasan Daerah", starts_at=datetime(2022, 3, 10, 2, 0, tzinfo=UTC))
    assert mine.slug == "bimtek-medsos-2022"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "IntegrityError" not in result.output and "Traceback" not in result.output
    assert "/e/bimtek-medsos-2022" in result.output and "Nothing was changed" in result.output
    db.session.rollback()
    assert db.session.query(Event).count() == 1


def test_demo_seeds_beside_an_event_holding_the_upcoming_slug(runner):
    day = datetime.now(UTC) + timedelta(days=60)
    mine = make_event(starts_at=datetime(day.year, day.month, 1, 2, 0, tzinfo=UTC) if day.month > 1 else day)
    taken = mine.slug
    assert taken == f"bimtek-medsos-{day.year}"
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo seeded" in result.output
    db.session.expire_all()
    assert db.session.get(Event, mine.id).slug == taken
    assert db.session.query(Event).count() == 3
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing changed" in again.output
