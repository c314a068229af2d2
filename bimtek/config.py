"""Configuration: defaults, then BIMTEK_* environment variables, then the override passed to create_app."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 (refused in production)

# Environment variables read by the app, with the config key they set and their type.
ENV_VARS: dict[str, tuple[str, type]] = {
    "BIMTEK_SECRET_KEY": ("SECRET_KEY", str),
    "BIMTEK_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "BIMTEK_BASE_URL": ("BASE_URL", str),
    "BIMTEK_REDIS_URL": ("REDIS_URL", str),
    "BIMTEK_ENV": ("ENV_NAME", str),
    "BIMTEK_INSTANCE_PATH": ("INSTANCE_PATH", str),
    "BIMTEK_MAIL_SERVER": ("MAIL_SERVER", str),
    "BIMTEK_MAIL_PORT": ("MAIL_PORT", int),
    "BIMTEK_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "BIMTEK_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "BIMTEK_MAIL_USE_TLS": ("MAIL_USE_TLS", bool),
    "BIMTEK_MAIL_USE_SSL": ("MAIL_USE_SSL", bool),
    "BIMTEK_MAIL_FROM": ("MAIL_DEFAULT_SENDER", str),
    "BIMTEK_LOGIN_RATE": ("LOGIN_RATE_LIMIT", str),
    "BIMTEK_REGISTRATION_RATE": ("REGISTRATION_RATE_LIMIT", str),
    "BIMTEK_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", bool),
    "BIMTEK_JP_MINUTES": ("JP_MINUTES", int),
    "BIMTEK_RETENTION_MONTHS": ("RETENTION_MONTHS", int),
    "BIMTEK_LOG_LEVEL": ("LOG_LEVEL", str),
    "BIMTEK_PRESENSI_RATE": ("PRESENSI_RATE_LIMIT", str),
    "BIMTEK_PROXY_HOPS": ("PROXY_HOPS", int),
    "BIMTEK_SIGNING_P12_PATH": ("SIGNING_P12_PATH", str),
    "BIMTEK_SIGNING_P12_PASSWORD": ("SIGNING_P12_PASSWORD", str),
    "BIMTEK_CERT_VERIFY_RATE": ("CERT_VERIFY_RATE_LIMIT", str),
    "BIMTEK_CERT_RENDER_PROCESSES": ("CERT_RENDER_PROCESSES", int),
    "BIMTEK_LOGIN_ACCOUNT_RATE": ("LOGIN_ACCOUNT_RATE_LIMIT", str),
    "BIMTEK_SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "BIMTEK_SESSION_MAX_DAYS": ("SESSION_MAX_DAYS", int),
    "BIMTEK_PASSWORD_RESET_MINUTES": ("PASSWORD_RESET_MINUTES", int),
    "BIMTEK_PASSWORD_RESET_RATE": ("PASSWORD_RESET_RATE_LIMIT", str),
    "BIMTEK_JSON_MAX_BYTES": ("JSON_MAX_BYTES", int),
    "BIMTEK_JSON_MAX_DEPTH": ("JSON_MAX_DEPTH", int),
    "BIMTEK_TRUSTED_ORIGINS": ("TRUSTED_ORIGINS", list),
    "BIMTEK_WHATSAPP_SENDER": ("WHATSAPP_SENDER", str),
    "BIMTEK_WHATSAPP_URL": ("WHATSAPP_URL", str),
    "BIMTEK_WHATSAPP_TOKEN": ("WHATSAPP_TOKEN", str),
}


def _parse(value: str, kind: type):
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is list:
        return [item.strip() for item in value.split(",") if item.strip()]
    return kind(value)


def default_config(instance_path: Path) -> dict:
    """The safe defaults: embedded SQLite, mail to files, in-process rate limits."""
    return {
        "ENV_NAME": "development",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'bimtek.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "BASE_URL": "http://127.0.0.1:5000",
        "REDIS_URL": "",
        "MAIL_BACKEND": "file",
        "MAIL_FILE_PATH": str(instance_path / "outbox"),
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_DEFAULT_SENDER": "Bimtek <noreply@bimtek.id>",
        "MAIL_TIMEOUT": 20,
        # Failed logins only: per client address (an office behind one NAT shares it) and per account.
        "LOGIN_RATE_LIMIT": "30 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "10 per minute",
        # A staff session ends after this much inactivity (a working day) and this long after sign-in.
        "SESSION_IDLE_MINUTES": 8 * 60,
        "SESSION_MAX_DAYS": 7,
        "PASSWORD_RESET_MINUTES": 60,
        # Reset requests, counted per client address and per email address.
        "PASSWORD_RESET_RATE_LIMIT": "5 per 15 minutes",
        # Request guard: JSON bodies larger or deeper than this are refused with 413/400.
        "JSON_MAX_BYTES": 1024 * 1024,
        "JSON_MAX_DEPTH": 32,
        # Origins (scheme://host[:port]) besides BASE_URL and the request's own host allowed to post forms.
        "TRUSTED_ORIGINS": [],
        "REGISTRATION_RATE_LIMIT": "30 per minute",
        "RATELIMIT_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ["id", "en"],
        "JP_MINUTES": 45,
        "RETENTION_MONTHS": 12,
        "JOBS_IMMEDIATE": False,
        # WhatsApp: "" = staff send by hand from wa.me links; "http" = POST each message to WHATSAPP_URL.
        "WHATSAPP_SENDER": "",
        "WHATSAPP_URL": "",
        "WHATSAPP_TOKEN": "",
        "LOG_LEVEL": "INFO",
        "PRESENSI_RATE_LIMIT": "10 per minute",
        "PROXY_HOPS": 0,
        "SIGNING_P12_PATH": "",
        "SIGNING_P12_PASSWORD": "",
        "CERT_VERIFY_RATE_LIMIT": "60 per minute",
        "CERT_RENDER_PROCESSES": 1,
        "JSON_SORT_KEYS": False,
    }


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """Config values set through BIMTEK_* environment variables."""
    environ = os.environ if environ is None else environ
    values = {}
    for name, (key, kind) in ENV_VARS.items():
        if environ.get(name) not in (None, ""):
            values[key] = _parse(environ[name], kind)
    return values


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# About 86 bits. zxcvbn scores `secrets.token_hex(16)` 27.3–35 (median 31.5 over 2,000 keys), word-built
# keys such as "kominfo-bimtek-production-secret" ~22, "a"*32 2.6, "password"*4 1.1.
MIN_SECRET_GUESSES_LOG10 = 26


def secret_key_problem(key: str) -> str | None:
    """Why a production secret key is unfit (default, short, or low-entropy), or None when it is fit.

    Length alone accepts "a"*32 and "password"*4; zxcvbn counts the guesses an attacker needs knowing
    repeats, sequences, keyboard walks and dictionary words, so only random keys pass.
    """
    from zxcvbn import zxcvbn

    if not key or key == DEFAULT_SECRET_KEY:
        return "BIMTEK_SECRET_KEY is not set"
    if len(key) < 32:
        return "BIMTEK_SECRET_KEY is shorter than 32 characters"
    if zxcvbn(key[:64])["guesses_log10"] < MIN_SECRET_GUESSES_LOG10:
        return "BIMTEK_SECRET_KEY is guessable (repeats, words or sequences)"
    return None
