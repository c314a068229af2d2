"""Factories for tests: they go through the real services, so tests see the real rules."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from bimtek.accounts import services as accounts
from bimtek.events import services as events
from bimtek.extensions import db
from bimtek.registration import services as registration

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_user(role: str = "organizer", email: str | None = None, password: str = PASSWORD, name: str = ""):
    """A staff user (committed)."""
    user = accounts.create_user(email or f"{role}{next(_seq)}@kominfo.go.id", password, role, name)
    db.session.commit()
    return user


def make_event(owner=None, *, publish: bool = True, sessions: int = 2, **overrides):
    """An event in Batam with sessions, published unless told otherwise (committed)."""
    start = overrides.pop("starts_at", datetime(2030, 8, 22, 2, 0, tzinfo=UTC))
    raw = {
        "title": "Bimtek Strategi Komunikasi Media Sosial",
        "code": "BIMTEK-MEDSOS",
        "organizer_unit": "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik",
        "venue_name": "Swiss-Belhotel Harbour Bay",
        "city": "Batam",
        "province_code": "21",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3, minutes=30),
        "registration_opens_at": datetime(2020, 1, 1, tzinfo=UTC),
        "onsite_capacity": 45,
        "online_capacity": 400,
        "zoom_join_url": "https://zoom.us/j/81234567890",
        "zoom_meeting_id": "812 3456 7890",
        "zoom_passcode": "rahasia22",
    }
    raw.update(overrides)
    owner = owner or make_user("organizer")
    event = events.create_event(raw, user=owner)
    for i in range(sessions):
        events.add_session(
            event,
            {
                "title": f"Sesi {i + 1}",
                "starts_at": start + timedelta(minutes=90 * i),
                "ends_at": start + timedelta(minutes=90 * (i + 1)),
                "jp": 2,
                "speakers": [{"name": f"Narasumber {i + 1}", "institution": "Kementerian Keuangan"}],
            },
            user=owner,
        )
    if publish and sessions:
        events.change_status(event, "publish", user=owner)
    db.session.commit()
    return event


_people = itertools.count(1)


def registration_data(**overrides) -> dict:
    """Raw form data for a valid registration."""
    n = next(_people)
    data = {
        "full_name": f"Budi Santoso {n}, S.Kom.",
        "email": f"budi{n}@kepriprov.go.id",
        "phone": f"0812{n:08d}"[:13] if n < 10**8 else "081234567890",
        "employment_status": "non_asn",
        "nip": "",
        "rank": "",
        "position": "Pranata Humas",
        "institution_type": "provinsi",
        "institution_name": "Pemerintah Provinsi Kepulauan Riau",
        "work_unit": "Biro Administrasi Pimpinan",
        "province_code": "21",
        "regency_code": "21.71",
        "mode": "onsite",
        "consent": True,
    }
    data.update(overrides)
    return data


def make_registration(event, **overrides):
    """A registration through the real service (committed)."""
    source = overrides.pop("source", "form")
    raw = registration_data(**overrides)
    clean = registration.validate_participant(event, raw, now=datetime.now(UTC))
    reg = registration.create_registration(event, clean, source=source, ip="127.0.0.1")
    db.session.commit()
    return reg


def login(client, user, password: str = PASSWORD):
    """Log a staff user in through the real login form."""
    resp = client.post("/login", data={"email": user.email, "password": password})
    assert resp.status_code == 302, resp.data[:500]
    return client


def token_for(user, label: str = "scanner") -> str:
    """A fresh API token secret for a user."""
    _row, secret = accounts.create_token(user, label)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
