"""Staff users, event assignments and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bimtek.accounts.models import ROLES, ApiToken, EventStaff, User
from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Conflict, Invalid, NotFound
from bimtek.extensions import db

TOKEN_PREFIX = "bt_"  # noqa: S105 (a marker, not a secret)
MIN_PASSWORD = 10
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
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = f"Kata sandi minimal {MIN_PASSWORD} karakter."
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
