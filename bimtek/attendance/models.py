"""Online attendance: intervals from every source, Zoom imports and their review queue, webhooks,
presensi windows and records, the eligibility rule and the stored verdicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from bimtek.attendance.eligibility import final_decision
from bimtek.core.time import utcnow
from bimtek.extensions import db

SOURCES = ("zoom_report", "zoom_webhook", "presensi", "venue")
IMPORT_STATUSES = ("preview", "confirmed")
ROW_STATUSES = ("pending", "linked", "dismissed")
WINDOW_KINDS = ("start", "end")


class AttendanceInterval(db.Model):
    """A stretch of time one registration spent in one session, and where we learned it."""

    __tablename__ = "attendance_intervals"
    __table_args__ = (
        Index("ix_attendance_intervals_event_reg", "event_id", "registration_id"),
        Index("ix_attendance_intervals_source_ref", "source", "source_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # None while a webhook participant is still in the meeting.
    end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(20))
    # What produced it: "zoom_row:<id>", "webhook:<registration>", ...; lets a source replace its own rows.
    source_ref: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<AttendanceInterval {self.id} reg={self.registration_id} s={self.session_id} {self.source}>"


class ZoomImport(db.Model):
    """One uploaded Zoom report for one session; the fingerprint makes a re-import a no-op."""

    __tablename__ = "zoom_imports"
    __table_args__ = (UniqueConstraint("session_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255), default="")
    # The file exactly as uploaded, so confirming re-reads what the organizer previewed.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    status: Mapped[str] = mapped_column(String(20), default="preview")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_matched: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)
    people_matched: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    session = relationship("EventSession")

    def __repr__(self) -> str:
        return f"<ZoomImport {self.id} s={self.session_id} {self.status}>"


class ZoomImportRow(db.Model):
    """One person of a confirmed import (their rows merged): matched, or waiting in the review queue."""

    __tablename__ = "zoom_import_rows"
    __table_args__ = (Index("ix_zoom_import_rows_event_status", "event_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("zoom_imports.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(300), default="")
    original_name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    link_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    line_nos: Mapped[list] = mapped_column(JSON, default=list)
    # [[start iso, end iso], ...] already merged and clipped to the session.
    intervals: Mapped[list] = mapped_column(JSON, default=list)
    minutes: Mapped[float] = mapped_column(Float, default=0)
    match_kind: Mapped[str] = mapped_column(String(20), default="none")
    candidate_ids: Mapped[list] = mapped_column(JSON, default=list)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    session = relationship("EventSession")

    def __repr__(self) -> str:
        return f"<ZoomImportRow {self.id} {self.match_kind} {self.status}>"


class NameLink(db.Model):
    """An organizer's decision that a Zoom display name is this registration; reused in every session."""

    __tablename__ = "zoom_name_links"
    __table_args__ = (UniqueConstraint("event_id", "link_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    link_key: Mapped[str] = mapped_column(String(300))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<NameLink {self.id} {self.link_key!r} -> {self.registration_id}>"


class ZoomWebhookConfig(db.Model):
    """An event's Zoom webhook: the app's secret token and the meetings it reports on."""

    __tablename__ = "zoom_webhook_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    secret_token: Mapped[str] = mapped_column(String(200))
    meeting_ids: Mapped[list] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ZoomWebhookConfig event={self.event_id}>"


class WebhookDelivery(db.Model):
    """One participant join/leave received from Zoom; the unique key drops Zoom's retries."""

    __tablename__ = "zoom_webhook_deliveries"
    __table_args__ = (Index("ix_zoom_webhook_deliveries_event_reg", "event_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # joined | left
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    meeting_id: Mapped[str] = mapped_column(String(40), default="")
    participant_key: Mapped[str] = mapped_column(String(200), default="")
    display_name: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    match_kind: Mapped[str] = mapped_column(String(20), default="none")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.kind} reg={self.registration_id}>"


class PresensiWindow(db.Model):
    """A time span in which participants confirm presence in a session with the rotating code."""

    __tablename__ = "presensi_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # start | end
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session = relationship("EventSession")

    def __repr__(self) -> str:
        return f"<PresensiWindow {self.id} s={self.session_id} {self.kind}>"


class PresensiRecord(db.Model):
    """A participant's confirmed presence in one window; one per participant per window."""

    __tablename__ = "presensi_records"
    __table_args__ = (UniqueConstraint("registration_id", "window_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    window_id: Mapped[int] = mapped_column(ForeignKey("presensi_windows.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    method: Mapped[str] = mapped_column(String(10), default="typed")  # typed | qr | api

    def __repr__(self) -> str:
        return f"<PresensiRecord reg={self.registration_id} w={self.window_id}>"


class EligibilityRule(db.Model):
    """An event's attendance requirement for a certificate; None switches a threshold off."""

    __tablename__ = "eligibility_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    min_session_percent: Mapped[float | None] = mapped_column(Float)
    min_sessions: Mapped[int | None] = mapped_column(Integer)
    min_total_jp: Mapped[float | None] = mapped_column(Float)
    require_presensi_windows: Mapped[bool] = mapped_column(Boolean, default=False)
    require_evaluation: Mapped[bool] = mapped_column(Boolean, default=False)
    require_post_test_pass: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    jp_minutes: Mapped[int] = mapped_column(Integer, default=45)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<EligibilityRule event={self.event_id}>"


class EligibilityVerdict(db.Model):
    """Whether a registration qualifies for a certificate, with the reasons; an override wins.

    Other features read it through ``bimtek.attendance.queries`` (``final_verdicts``), never this table.
    """

    __tablename__ = "eligibility_verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    override: Mapped[bool | None] = mapped_column(Boolean)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    registration = relationship("Registration")

    @property
    def final(self) -> bool:
        """The decision that counts: the organizer's override if any, else the computed verdict."""
        return final_decision(self.eligible, self.override)

    def __repr__(self) -> str:
        return f"<EligibilityVerdict reg={self.registration_id} {self.eligible} override={self.override}>"
