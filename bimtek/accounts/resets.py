"""Password-reset links: signed, expiring and single use, with no table.

The token signs the user id and a fingerprint of the current password hash. Setting a new password changes
the hash, so a used link (and every other link issued before) stops working: single use without storing
anything. Key and lifetime are arguments, so this is tested without an app.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

__all__ = ["make_reset_token", "read_reset_token", "ResetTokenError"]

_SALT = "bimtek.password-reset"


class ResetTokenError(Exception):
    """A reset link that is expired (code "expired") or not valid (code "invalid")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def make_reset_token(user_id: int, password_hash: str, *, key: str) -> str:
    """A URL-safe token for this user and their current password."""
    return URLSafeTimedSerializer(key, salt=_SALT).dumps({"u": user_id, "p": _fingerprint(password_hash)})


def read_reset_token(token: str, *, key: str, max_age_seconds: int) -> tuple[int, str]:
    """(user id, password fingerprint) from a token; raises ResetTokenError when expired or forged."""
    if not token or len(token) > 500:
        raise ResetTokenError("invalid")
    try:
        data = URLSafeTimedSerializer(key, salt=_SALT).loads(token, max_age=max_age_seconds)
    except SignatureExpired as err:
        raise ResetTokenError("expired") from err
    except (BadSignature, UnicodeError, ValueError) as err:
        raise ResetTokenError("invalid") from err
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("p"), str):
        raise ResetTokenError("invalid")
    return data["u"], data["p"]


def matches(password_hash: str, fingerprint: str) -> bool:
    """Whether a token's fingerprint belongs to this (unchanged) password hash."""
    return _fingerprint(password_hash) == fingerprint
