"""Staff users, event assignments and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bimtek.accounts import sessions
from bimtek.accounts.models import ROLES, ApiToken, EventStaff, User
from bimtek.accounts.passwords import MIN_LENGTH, weakness
from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, Invalid, NotFound
from bimtek.extensions import db

TOKEN_PREFIX = "bt_"  # noqa: S105 (a marker, not a secret)
MIN_PASSWORD = MIN_LENGTH
_DUMMY_HASH = generate_password_hash("timing-equaliser")


def create_user(email: str, password: str, role: str, name: str = "", *, actor=None) -> User:
    """Create a staff user; flushes."""
    errors = {}
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = "Alamat email tidak valid."
    if role not in ROLES:
        errors["role"] = "Peran harus admin, organizer, atau checkin."
    problem = password_problem(password, name=name, email=email)
    if problem:
        errors["password"] = problem
    if errors:
        raise Invalid("invalid", "Data pengguna tidak valid.", fields=errors)
    if db.session.scalar(select(User).where(User.email == email)):
        raise Conflict("duplicate", "Email ini sudah dipakai pengguna lain.", fields={"email": "Sudah dipakai."})
    user = User(email=email, role=role, name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, actor=actor, details={"role": role})
    return user


# Why a password is refused, in words a person can act on (translated at the edge).
PASSWORD_MESSAGES = {
    "too_short": _l("Kata sandi minimal 10 karakter."),
    "too_long": _l("Kata sandi maksimal 200 karakter."),
    "personal": _l("Kata sandi tidak boleh memuat nama atau alamat email Anda."),
    "guessable": _l(
        "Kata sandi terlalu mudah ditebak (kata sandi umum, deret angka atau urutan tombol keyboard). "
        "Gunakan gabungan beberapa kata yang tidak berhubungan."
    ),
}


def password_problem(password: str, *, name: str = "", email: str = "") -> str | None:
    """The Indonesian reason a password is refused, or None when it is strong enough."""
    code = weakness(password or "", name=name or "", email=email or "")
    return _text(PASSWORD_MESSAGES[code]) if code else None


def _text(message) -> str:
    """A translated message; outside a request (the CLI) in Indonesian."""
    if has_request_context():
        return str(message)
    with force_locale("id"):
        return str(message)


def change_password(user: User, password: str, *, reason: str = "password", actor=None) -> None:
    """Set a new password (checked for strength) and end every session of the user; flushes."""
    problem = password_problem(password, name=user.name, email=user.email)
    if problem:
        raise Invalid("weak_password", problem, fields={"password": problem})
    user.set_password(password)
    sessions.end_all_sessions(user, reason, actor=actor)
    audit.record("user.password", user, actor=actor, details={"reason": reason})


def set_active(user: User, active: bool, *, actor=None) -> None:
    """Activate or deactivate a user; deactivation ends every session at once."""
    if user.active and not active:
        sessions.end_all_sessions(user, "deactivated", actor=actor)
    user.active = active


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same answer for both failures)."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        # Spend the same time as a real check so response time does not reveal which emails exist.
        User(password_hash=_DUMMY_HASH).check_password(password or "")
        return None
    if not user.active or not user.check_password(password or ""):
        return None
    user.last_login_at = utcnow()
    return user


def assign(user: User, event_id: int, *, actor=None) -> EventStaff:
    """Assign a staff member to an event (idempotent)."""
    row = db.session.scalar(select(EventStaff).where(EventStaff.user_id == user.id, EventStaff.event_id == event_id))
    if row is None:
        row = EventStaff(user_id=user.id, event_id=event_id)
        db.session.add(row)
        db.session.flush()
        audit.record("event.assign", row, event_id=event_id, actor=actor, details={"user_id": user.id})
    return row


def unassign(user: User, event_id: int, *, actor=None) -> None:
    """Remove a staff member from an event."""
    row = db.session.scalar(select(EventStaff).where(EventStaff.user_id == user.id, EventStaff.event_id == event_id))
    if row is not None:
        audit.record("event.unassign", row, event_id=event_id, actor=actor, details={"user_id": user.id})
        db.session.delete(row)
        db.session.flush()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, label: str, *, actor=None) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the secret, which is shown once and never stored."""
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise Invalid("invalid", "Label token wajib diisi (maksimal 100 karakter).", fields={"label": "Wajib diisi."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label, token_hash=_hash(secret), prefix=secret[:10])
    db.session.add(row)
    db.session.flush()
    audit.record("token.create", row, actor=actor or user, details={"label": label})
    return row, secret


def revoke_token(user: User, token_id: int, *, actor=None) -> ApiToken:
    """Revoke one of the user's own tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("not_found", "Token tidak ditemukan.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("token.revoke", row, actor=actor or user)
    return row


def user_for_token(secret: str) -> User | None:
    """The active user owning a live token, else None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


RESET_INVALID = _l("Tautan atur ulang tidak berlaku atau sudah kedaluwarsa.")


def reset_recipient(email: str) -> int | None:
    """The id of the active user with this address, to whom a reset link may go; None otherwise."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    return user.id if user is not None and user.active else None


def reset_password(token: str, password: str, *, key: str, max_age_seconds: int) -> User:
    """Set a new password from a reset link; the link then stops working and every session ends; flushes."""
    from bimtek.accounts.resets import ResetTokenError, matches, read_reset_token

    try:
        user_id, fingerprint = read_reset_token(token, key=key, max_age_seconds=max_age_seconds)
    except ResetTokenError as err:
        raise Invalid(f"reset_{err.code}", _text(RESET_INVALID), status=400) from err
    user = db.session.get(User, user_id)
    if user is None or not user.active or not matches(user.password_hash, fingerprint):
        raise Invalid("reset_used", _text(RESET_INVALID), status=400)
    change_password(user, password, reason="reset", actor=user)
    return user
