"""Certificates: per-event settings, numbering series and the issued certificates (frozen snapshots)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.core.time import utcnow
from bimtek.extensions import db

DEFAULT_NUMBER_PATTERN = "{seq:03d}/{code}/KOMINFO/{roman_month}/{year}"
ROLES = ("peserta", "narasumber", "moderator", "panitia")
STATUSES = ("valid", "revoked", "replaced")
TEMPLATES = ("default", "background")


class CertificateSettings(db.Model):
    """How an event's certificates are numbered, signed and drawn; read at issue time only."""

    __tablename__ = "certificate_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    number_pattern: Mapped[str] = mapped_column(String(200), default=DEFAULT_NUMBER_PATTERN)
    # The {code} of the number and the series key; blank means the event's code.
    series_code: Mapped[str] = mapped_column(String(60), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(String(18), default="")
    signatory_title: Mapped[str] = mapped_column(String(300), default="")
    issue_place: Mapped[str] = mapped_column(String(120), default="")
    # Blank means the last day of the event (in its time zone).
    issue_date: Mapped[date | None] = mapped_column(Date)
    signature_image: Mapped[str | None] = mapped_column(String(300))  # path relative to instance/
    logo_image: Mapped[str | None] = mapped_column(String(300))
    template: Mapped[str] = mapped_column(String(20), default="default")
    background_image: Mapped[str | None] = mapped_column(String(300))  # JPEG, converted once at upload
    layout: Mapped[dict] = mapped_column(JSON, default=dict)  # field name -> FieldSpec values
    back_page: Mapped[bool] = mapped_column(Boolean, default=True)
    # What of the post-test a participant's certificate prints under the name: none | score | predikat.
    print_outcome: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<CertificateSettings event={self.event_id}>"


class CertificateSeries(db.Model):
    """A gap-free number counter; next_seq changes only by an UPDATE under the row lock."""

    __tablename__ = "certificate_series"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    next_seq: Mapped[int] = mapped_column(Integer, default=1)

    def __repr__(self) -> str:
        return f"<CertificateSeries {self.code} next={self.next_seq}>"


class Certificate(db.Model):
    """One issued certificate: everything printed on it, frozen at issue, plus its stored PDF."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("series_id", "seq"),
        UniqueConstraint("event_id", "number"),
        # One current certificate per person and role: current_flag is True for the latest one and NULL
        # once it is replaced (NULLs never collide), so re-issues keep their history.
        UniqueConstraint("event_id", "role", "holder_key", "current_flag"),
        Index("ix_certificates_event_status_role", "event_id", "status", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    series_id: Mapped[int] = mapped_column(ForeignKey("certificate_series.id"))
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # The registration (participants) survives retention purges as NULL; holder_key stays.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    holder_key: Mapped[str] = mapped_column(String(220))  # "reg:<id>" or "name:<folded name>"
    current_flag: Mapped[bool | None] = mapped_column(Boolean, default=True)

    name: Mapped[str] = mapped_column(String(200))
    event_title: Mapped[str] = mapped_column(String(300))
    organizer: Mapped[str] = mapped_column(String(300), default="")
    date_text: Mapped[str] = mapped_column(String(120), default="")
    place_text: Mapped[str] = mapped_column(String(300), default="")
    jp: Mapped[float | None] = mapped_column(Float)
    # "Nilai post-test: 85" or "Predikat: Sangat Baik", frozen at issue ("" prints nothing).
    outcome_line: Mapped[str] = mapped_column(String(160), default="", server_default="")
    sessions: Mapped[list] = mapped_column(JSON, default=list)  # [[title, jp, [speakers]]] for the back page
    issue_place: Mapped[str] = mapped_column(String(120), default="")
    issue_date: Mapped[date] = mapped_column(Date)
    issue_date_text: Mapped[str] = mapped_column(String(60), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(String(18), default="")
    signatory_title: Mapped[str] = mapped_column(String(300), default="")

    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    pdf_path: Mapped[str] = mapped_column(String(300))  # relative to instance/
    pdf_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pades_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    # An officially (TTE) signed copy imported back; served byte for byte instead of the original.
    tte_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_pdf_path: Mapped[str | None] = mapped_column(String(300))
    signed_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    status: Mapped[str] = mapped_column(String(20), default="valid")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(Integer)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    replaced_by = relationship("Certificate", remote_side=[id])

    @property
    def served_sha256(self) -> str:
        """Hash of the file people download: the signed copy when there is one."""
        return self.signed_sha256 or self.sha256

    @property
    def signed(self) -> bool:
        return self.pades_signed or self.tte_signed

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.number} {self.status}>"
