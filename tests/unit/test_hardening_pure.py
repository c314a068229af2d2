"""Pure pieces of the hardening: password strength, reset tokens, the JSON rules, secret keys."""

from __future__ import annotations

import secrets
import time

import pytest

from bimtek.accounts.passwords import weakness
from bimtek.accounts.resets import ResetTokenError, make_reset_token, matches, read_reset_token
from bimtek.config import secret_key_problem
from bimtek.core.guard import JSONRefused, strict_loads


@pytest.mark.parametrize(
    ("password", "name", "email", "expected"),
    [
        ("password123", "", "", "guessable"),
        ("1234567890", "", "", "guessable"),
        ("qwertyuiop", "", "", "guessable"),
        ("Password1!", "", "", "guessable"),
        ("short", "", "", "too_short"),
        ("x" * 201, "", "", "too_long"),
        ("budisantoso1990", "Budi Santoso", "budi@kominfo.go.id", "personal"),
        ("budi.santoso@kominfo.go.id", "", "budi.santoso@kominfo.go.id", "personal"),
        ("correct-horse-battery", "Budi Santoso", "budi@kominfo.go.id", None),
        ("gunung-lawu-berkabut-88", "", "", None),
    ],
)
def test_password_weakness(password, name, email, expected):
    assert weakness(password, name=name, email=email) == expected


def test_reset_token_round_trip_and_single_use():
    token = make_reset_token(7, "pbkdf2:old-hash", key="k" * 40)
    user_id, fingerprint = read_reset_token(token, key="k" * 40, max_age_seconds=60)
    assert user_id == 7 and matches("pbkdf2:old-hash", fingerprint)
    assert not matches("pbkdf2:new-hash", fingerprint)  # after the password changes the link is spent


def test_reset_token_expires_and_refuses_forgeries():
    token = make_reset_token(7, "h", key="k" * 40)
    time.sleep(1.1)
    with pytest.raises(ResetTokenError) as err:
        read_reset_token(token, key="k" * 40, max_age_seconds=0)
    assert err.value.code == "expired"
    for bad, key in ((token, "another-key" * 4), (token[:-2] + "xx", "k" * 40), ("", "k" * 40), ("x" * 600, "k" * 40)):
        with pytest.raises(ResetTokenError) as err:
            read_reset_token(bad, key=key, max_age_seconds=60)
        assert err.value.code == "invalid"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("[" * 100_000 + "]" * 100_000, "too_deep"),
        ("[" * 33 + "]" * 33, "too_deep"),
        ('{"a": "\\ud800"}', "bad_text"),
        ('{"\\udfff": 1}', "bad_text"),
        ('{"a": "x\\u0000y"}', "bad_text"),
        ('{"event_id": 1180591620717411303424}', "number_too_large"),
        ('{"event_id": 2147483648}', "number_too_large"),
        ('{"x": 1e999}', "number_too_large"),
        ("[NaN]", "malformed"),
        ("{", "malformed"),
        (b"\xff\xfe\x00", "malformed"),
        ("9" * 5000, "number_too_large"),
    ],
)
def test_strict_json_refuses(raw, code):
    with pytest.raises(JSONRefused) as err:
        strict_loads(raw, 32)
    assert err.value.code == code


def test_strict_json_accepts_ordinary_bodies():
    body = '{"event_id": 12, "ticket": "BT1:ABC", "gate": "Pintu \\u00c9", "n": [1, 2.5, null, true]}'
    assert strict_loads(body, 32) == {"event_id": 12, "ticket": "BT1:ABC", "gate": "Pintu É", "n": [1, 2.5, None, True]}
    assert strict_loads('{"id": 81234567890}', 32, max_int=2**63 - 1) == {"id": 81234567890}


@pytest.mark.parametrize(
    "key", ["", "short", "a" * 32, "password" * 4, "0123456789" * 4, "qwertyuiopasdfghjklzxcvbnm123456"]
)
def test_weak_secret_keys(key):
    assert secret_key_problem(key) is not None


def test_random_secret_keys_pass():
    assert all(secret_key_problem(secrets.token_hex(16)) is None for _ in range(40))
    assert all(secret_key_problem(secrets.token_urlsafe(32)) is None for _ in range(10))
