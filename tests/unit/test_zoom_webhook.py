"""Zoom webhook signature, URL validation and event parsing (bimtek.attendance.zoom_webhook)."""

import copy
from datetime import UTC, datetime

import pytest

from bimtek.attendance.zoom_webhook import (
    WebhookError,
    parse_event,
    url_validation_response,
    verify_signature,
)

SECRET = "ZOOM_SECRET_TOKEN"
TIMESTAMP = "1661393000"
BODY = b'{"event":"meeting.participant_joined"}'
# Computed independently: printf 'v0:1661393000:{body}' | openssl dgst -sha256 -hmac ZOOM_SECRET_TOKEN
SIGNATURE = "v0=dcf6fd06a812f6c0f89bd3294eaa330b26ca188311615f7b122f5e0919ecb530"
NOW = 1661393000.0


@pytest.mark.parametrize("secret", [SECRET, SECRET.encode()])
def test_valid_signature_passes(secret):
    assert verify_signature(secret, TIMESTAMP, BODY, SIGNATURE, now=NOW) is None


@pytest.mark.parametrize(
    ("secret", "timestamp", "body", "signature", "code"),
    [
        ("other-secret", TIMESTAMP, BODY, SIGNATURE, "bad_signature"),
        (SECRET, TIMESTAMP, BODY + b" ", SIGNATURE, "bad_signature"),  # body changed by one byte
        (SECRET, "1661393001", BODY, SIGNATURE, "bad_signature"),  # timestamp is signed too
        (SECRET, TIMESTAMP, BODY, SIGNATURE.upper(), "bad_signature"),
        (SECRET, TIMESTAMP, BODY, SIGNATURE[3:], "bad_signature"),  # without the v0= prefix
        (SECRET, TIMESTAMP, BODY, "v0=ünïcode", "bad_signature"),
        (SECRET, TIMESTAMP, BODY, "", "missing"),
        (SECRET, "", BODY, SIGNATURE, "missing"),
        ("", TIMESTAMP, BODY, SIGNATURE, "missing"),
    ],
)
def test_bad_requests_are_refused(secret, timestamp, body, signature, code):
    with pytest.raises(WebhookError) as info:
        verify_signature(secret, timestamp, body, signature, now=NOW)

    assert info.value.code == code
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("now", "ok"),
    [
        (NOW + 299, True),
        (NOW + 300, True),
        (NOW + 301, False),  # replayed more than 5 minutes later
        (NOW - 301, False),  # timestamp from the future
    ],
)
def test_stale_requests_are_refused(now, ok):
    if ok:
        verify_signature(SECRET, TIMESTAMP, BODY, SIGNATURE, now=now)
    else:
        with pytest.raises(WebhookError) as info:
            verify_signature(SECRET, TIMESTAMP, BODY, SIGNATURE, now=now)
        assert info.value.code == "stale"


def test_custom_tolerance():
    with pytest.raises(WebhookError):
        verify_signature(SECRET, TIMESTAMP, BODY, SIGNATURE, now=NOW + 61, tolerance=60)


def test_url_validation_response():
    # printf qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac ZOOM_SECRET_TOKEN
    assert url_validation_response(SECRET, "qgg8vlvZRS6UYooatFL8Aw") == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": "c0068db88ef1ea569897999f41afa77d736c39906f804600fe873f8da7d47cc9",
    }


def make_payload(event="meeting.participant_joined", **participant_overrides):
    participant = {
        "user_id": "16778240",
        "user_name": "DISKOMINFO KEPRI_Rina Marlina",
        "id": "iFxeBPYun6SAiWUzBcEkX",
        "participant_uuid": "5FD2E2A6-3C51-4A0D-9C1F-0A6AF8C3B8E1",
        "join_time": "2022-08-25T01:52:10Z",
        "email": "Rina.Marlina@KepriProv.go.id",
        "registrant_id": "abcdefghij0-klm",
    }
    if event.endswith("_left"):
        participant.pop("join_time")
        participant["leave_time"] = "2022-08-25T03:31:45Z"
    participant.update(participant_overrides)
    return {
        "event": event,
        "event_ts": 1661392330123,
        "payload": {
            "account_id": "AAAAAABBBB",
            "object": {
                "id": "81234567890",
                "uuid": "4444AAAiAAAAAiAiAiiAii==",
                "host_id": "x1yCzABCDEfg23HiJKl4mN",
                "topic": "Bimtek Strategi Komunikasi Media Sosial",
                "type": 8,
                "start_time": "2022-08-25T01:45:00Z",
                "timezone": "Asia/Jakarta",
                "participant": participant,
            },
        },
    }


@pytest.mark.parametrize(
    ("event", "kind", "at"),
    [
        ("meeting.participant_joined", "joined", datetime(2022, 8, 25, 1, 52, 10, tzinfo=UTC)),
        ("meeting.participant_left", "left", datetime(2022, 8, 25, 3, 31, 45, tzinfo=UTC)),
        ("webinar.participant_joined", "joined", datetime(2022, 8, 25, 1, 52, 10, tzinfo=UTC)),
        ("webinar.participant_left", "left", datetime(2022, 8, 25, 3, 31, 45, tzinfo=UTC)),
    ],
)
def test_parse_participant_events(event, kind, at):
    parsed = parse_event(make_payload(event))

    assert parsed.kind == kind
    assert parsed.at_utc == at
    assert parsed.meeting_id == "81234567890"
    assert parsed.participant_uuid == "5FD2E2A6-3C51-4A0D-9C1F-0A6AF8C3B8E1"
    assert parsed.registrant_id == "abcdefghij0-klm"
    assert parsed.user_name == "DISKOMINFO KEPRI_Rina Marlina"
    assert parsed.email == "rina.marlina@kepriprov.go.id"
    assert parsed.display_name == parsed.user_name  # so matching can take an event like a report row


def test_guest_without_email_or_registrant():
    parsed = parse_event(make_payload(email="", registrant_id=""))

    assert parsed.email is None
    assert parsed.registrant_id is None


def test_numeric_meeting_id_and_offset_time():
    payload = make_payload(join_time="2022-08-25T09:52:10+07:00")
    payload["payload"]["object"]["id"] = 81234567890
    parsed = parse_event(payload)

    assert parsed.meeting_id == "81234567890"
    assert parsed.at_utc == datetime(2022, 8, 25, 2, 52, 10, tzinfo=UTC)


def test_missing_time_falls_back_to_event_timestamp():
    payload = make_payload()
    del payload["payload"]["object"]["participant"]["join_time"]

    assert parse_event(payload).at_utc == datetime(2022, 8, 25, 1, 52, 10, 123000, tzinfo=UTC)


def test_redelivery_has_the_same_dedupe_key():
    first = parse_event(make_payload())
    retry = parse_event(copy.deepcopy(make_payload()))

    assert first.dedupe_key == retry.dedupe_key
    assert len(first.dedupe_key) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"event": "meeting.participant_left"},
        {"join_time": "2022-08-25T02:10:00Z"},  # a rejoin later the same day
        {"participant_uuid": "OTHER-PERSON"},
    ],
)
def test_different_deliveries_have_different_dedupe_keys(change):
    event = change.pop("event", "meeting.participant_joined")
    assert parse_event(make_payload(event, **change)).dedupe_key != parse_event(make_payload()).dedupe_key


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"event": "meeting.started", "payload": {"object": {"id": "1"}}}, "ignored_event"),
        ({"event": "endpoint.url_validation", "payload": {"plainToken": "x"}}, "ignored_event"),
        ({}, "ignored_event"),
        ({"event": "meeting.participant_joined"}, "malformed"),
        ({"event": "meeting.participant_joined", "payload": {"object": {"id": "1"}}}, "malformed"),
        (
            {"event": "meeting.participant_joined", "payload": {"object": {"participant": {}}}},
            "malformed",
        ),
        (
            {
                "event": "meeting.participant_left",
                "payload": {"object": {"id": "1", "participant": {"leave_time": "kemarin"}}},
            },
            "malformed",
        ),
    ],
)
def test_unusable_events_raise_with_code(payload, code):
    with pytest.raises(WebhookError) as info:
        parse_event(payload)

    assert info.value.code == code
