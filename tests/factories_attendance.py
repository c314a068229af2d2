"""Test helpers for attendance: the Batam day (two sessions on 25 August 2022) with Zoom-like people."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

from bimtek.extensions import db
from tests.factories import make_event, make_registration

DAY = datetime(2022, 8, 25, 2, 0, tzinfo=UTC)  # 09.00 WIB
S1 = (DAY, DAY + timedelta(minutes=90))  # 09.00-10.30 WIB
S2 = (DAY + timedelta(minutes=90), DAY + timedelta(minutes=180))  # 10.30-12.00 WIB


def batam_event(owner, sessions: int = 2):
    """An event registered in the future, then moved to 25 August 2022 so the sample reports fit it."""
    event = make_event(owner, sessions=sessions)
    return event


def move_to_2022(event) -> None:
    """Put the event and its sessions on 25 August 2022, 09.00-12.00 WIB, 90 minutes each."""
    event.starts_at, event.ends_at = DAY, DAY + timedelta(minutes=90 * len(event.sessions))
    for i, s in enumerate(sorted(event.sessions, key=lambda s: s.id)):
        s.starts_at = DAY + timedelta(minutes=90 * i)
        s.ends_at = DAY + timedelta(minutes=90 * (i + 1))
    db.session.commit()


def sample_people(event) -> dict:
    """Registrations for the people of the sample reports (Budi registered with another email)."""
    people = {
        "rina": make_registration(
            event, full_name="Rina Marlina, S.I.Kom.", email="rina.marlina@kepriprov.go.id", mode="online"
        ),
        "ahmady": make_registration(
            event, full_name="Ahmady Muhadjiri", email="ahmady.m@kemenkeu.go.id", mode="online"
        ),
        "budi": make_registration(event, full_name="Budi Santoso", email="budi.santoso@gmail.com", mode="online"),
        "siti": make_registration(
            event, full_name="Siti Nurhaliza", email="siti.nurhaliza@natunakab.go.id", mode="online"
        ),
        "yohanes": make_registration(event, full_name="Yohanes Tanoto", email="yohanes.t@batam.go.id", mode="online"),
    }
    move_to_2022(event)
    return people


def zoom_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Zoom's x-zm-signature for a body, computed the way Zoom documents it."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_body(event_name: str, *, meeting_id="81234567890", at: datetime, email=None, registrant_id=None,
                 user_name="Peserta", participant_uuid="uuid-1") -> bytes:  # fmt: skip
    """A participant_joined/left body as Zoom sends it."""
    time_key = "join_time" if event_name.endswith("joined") else "leave_time"
    participant = {
        "user_id": "16778240",
        "user_name": user_name,
        "participant_uuid": participant_uuid,
        time_key: at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "email": email or "",
    }
    if registrant_id:
        participant["registrant_id"] = registrant_id
    payload = {
        "event": event_name,
        "event_ts": int(at.timestamp() * 1000),
        "payload": {
            "account_id": "AAAAAA",
            "object": {"id": meeting_id, "uuid": "4444AAAiAAAAAiAiAiiAii==", "host_id": "x", "topic": "Bimtek",
                       "type": 2, "start_time": "2022-08-25T01:50:00Z", "timezone": "Asia/Jakarta",
                       "participant": participant},
        },
    }  # fmt: skip
    return json.dumps(payload, separators=(",", ":")).encode()
