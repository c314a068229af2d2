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


def _organizer(client):
    from tests.factories import login, make_user

    user = make_user("organizer")
    login(client, user)
    return user


def test_export_shows_labels_the_event_zone_and_a_ready_sheet(client):
    import csv
    import io

    from openpyxl import load_workbook

    from bimtek.registration.models import Registration
    from tests.factories import make_registration

    organizer = _organizer(client)
    # Makassar: WITA (UTC+8).
    event = make_event(organizer, city="Makassar", province_code="73", timezone="Asia/Makassar")
    reg = make_registration(event, full_name="Andi Makkasau", mode="onsite")
    reg.created_at = datetime(2030, 8, 1, 1, 5, tzinfo=UTC)
    db.session.commit()
    cols = ["full_name", "mode", "status", "employment_status", "institution_type", "source", "created_at"]
    url = f"/manage/events/{event.id}/participants/export"
    text = client.get(url, query_string={"format": "csv", "columns": cols}).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Nama lengkap", "Cara mengikuti", "Status", "Status kepegawaian", "Jenis instansi", "Sumber",
                       "Terdaftar (WITA)"]  # fmt: skip
    assert rows[1][1:] == ["Luring (tatap muka)", "Terkonfirmasi", "Non-ASN", "Pemerintah provinsi",
                           "Formulir pendaftaran", "2030-08-01 09:05"]  # fmt: skip
    for raw in ("onsite", "confirmed", "UTC", "non_asn", "provinsi", "form"):
        assert raw not in rows[1] and raw not in text.split(","), raw
    xlsx = client.get(url, query_string={"format": "xlsx", "columns": cols})
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G2"
    assert ws.column_dimensions["A"].width >= len("Andi Makkasau")
    assert ws.column_dimensions["E"].width >= len("Pemerintah provinsi")
    assert [c.value for c in ws[2]][1] == "Luring (tatap muka)"
    assert db.session.query(Registration).count() == 1
