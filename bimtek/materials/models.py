"""Materials (bahan tayang) and the private links speakers use to upload them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.core.time import utcnow
from bimtek.extensions import db

RELEASE_RULES = ("now", "after_session", "never")
MATERIAL_KINDS = ("file", "link")


class Material(db.Model):
    """A file (PDF, PPTX, DOCX, XLSX) or a video link for a session, with when participants may have it.

    Files live under the instance folder by a random stored name, never under static/ nor by the uploaded
    name. `download_count` only grows, by one atomic UPDATE per download.
    """

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8), default="file")
    stored_name: Mapped[str] = mapped_column(String(80), default="")
    original_name: Mapped[str] = mapped_column(String(200), default="")
    mimetype: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str] = mapped_column(String(500), default="")
    release: Mapped[str] = mapped_column(String(16), default="after_session")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.kind} {self.release}>"


class SpeakerUploadLink(db.Model):
    """A private link a speaker uses to upload their files for one session, without an account."""

    __tablename__ = "material_upload_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<SpeakerUploadLink {self.id} session={self.session_id}>"
