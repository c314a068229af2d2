"""The audit log and background job records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.core.labels import label
from bimtek.core.time import utcnow
from bimtek.extensions import db


class AuditLog(db.Model):
    """Append-only record of a change (or read/export) of personal data or of a certificate."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditLog {self.action} {self.object_type}:{self.object_id}>"


class Job(db.Model):
    """A background job whose progress a person watches (bulk email, certificates, big imports)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued|running|done|failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The lease: a consumer running the job renews lease_until (heartbeat); once it lapses, a sweep puts the
    # job back in the queue. queued_at is set when the queue accepted it (NULL: the queue was unreachable,
    # the consumer's sweep sends it). leased_by is "host:pid" of the consumer, never personal data.
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    leased_by: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def percent(self) -> int:
        """Progress as a whole percentage."""
        return 100 if not self.total else min(100, round(100 * (self.done + self.failed) / self.total))

    @property
    def status_label(self) -> str:
        """The status as a person reads it (never the raw code)."""
        return label("job_status", self.status)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status} {self.done}/{self.total}>"
