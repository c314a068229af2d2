"""UTC clock used for every stored timestamp."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware UTC now (callable default for model columns)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: treat them as the UTC they were stored as."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
