"""Registrations: one participant in one event, with their seat status and private tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.core.time import utcnow
from bimtek.extensions import db

STATUSES = ("confirmed", "waitlisted", "pending", "rejected", "cancelled")
EMPLOYMENT_STATUSES = ("pns", "pppk", "non_asn")
INSTITUTION_TYPES = ("pusat", "provinsi", "kabkota", "diskominfo", "lainnya")


class Registration(db.Model):
    """A participant's registration: who they are, how they attend, and where their seat stands."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email_key"),
        UniqueConstraint("event_id", "nip"),
        Index("ix_registrations_event_status_mode", "event_id", "status", "mode", "created_at"),
        Index("ix_registrations_event_name_key", "event_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # Short human code for typing at the desk; unique across all events.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    # Secret for the private "manage my registration" link; separate from the ticket.
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Random id inside the signed QR; replaced on re-issue so the old QR stops working.
    ticket_id: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(20), default="form")

    full_name: Mapped[str] = mapped_column(String(150))
    name_key: Mapped[str] = mapped_column(String(150))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20), default="")
    employment_status: Mapped[str] = mapped_column(String(10), default="non_asn")
    nip: Mapped[str | None] = mapped_column(String(18))
    rank: Mapped[str] = mapped_column(String(60), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    institution_type: Mapped[str] = mapped_column(String(20), default="lainnya")
    institution_name: Mapped[str] = mapped_column(String(300), default="")
    work_unit: Mapped[str] = mapped_column(String(300), default="")
    province_code: Mapped[str] = mapped_column(String(8), default="")
    regency_code: Mapped[str] = mapped_column(String(8), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    zoom_registrant_id: Mapped[str | None] = mapped_column(String(100))

    consent_version: Mapped[str] = mapped_column(String(20), default="")
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_ip: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    event = relationship("Event")

    @property
    def holds_seat(self) -> bool:
        """Confirmed registrations hold a seat in their mode."""
        return self.status == "confirmed"

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.code} {self.status}/{self.mode}>"


# Prefix search runs as a range condition (key >= q AND key < q + U+10FFFF), which is only a prefix test in
# code-point order. SQLite compares text that way (BINARY); PostgreSQL follows the database collation, so
# there the search compares with COLLATE "C" and needs indexes built in that collation.
_table = Registration.__table__
for _name, _expr in (
    ("name", _table.c.name_key.collate("C")),
    ("email", _table.c.email_key.collate("C")),
    ("institution", func.lower(_table.c.institution_name).collate("C")),
):
    Index(f"ix_registrations_event_{_name}_c", _table.c.event_id, _expr).ddl_if(dialect="postgresql")
Index("ix_registrations_event_institution", _table.c.event_id, func.lower(_table.c.institution_name)).ddl_if(
    dialect="sqlite"
)


DATA_REQUEST_KINDS = ("deletion",)


class DataRequest(db.Model):
    """A participant's request under UU PDP (e.g. deletion), answered by the organizer within 3x24 hours."""

    __tablename__ = "registration_data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="deletion")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|done|refused
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration = relationship("Registration")

    def __repr__(self) -> str:
        return f"<DataRequest {self.id} {self.kind} {self.status}>"


QUESTION_KINDS = ("short", "long", "single", "multiple", "yesno", "file")


class RegistrationQuestion(db.Model):
    """An extra question an organizer adds to an event's form (answers live in Registration.answers)."""

    __tablename__ = "registration_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20), default="short")
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def field_name(self) -> str:
        """Name of the form field that carries the answer."""
        return f"q_{self.id}"

    def __repr__(self) -> str:
        return f"<RegistrationQuestion {self.id} {self.kind}>"


# Folded words compare in code-point order on both databases ("C" on PostgreSQL, BINARY on SQLite), so a
# prefix is an index range.
_NAME_KEY = String(150).with_variant(String(150, collation="C"), "postgresql")
_WORD = String(60).with_variant(String(60, collation="C"), "postgresql")


class RegistrationWord(db.Model):
    """One folded word of a participant's name (part "n") or instansi (part "i"), for "starts a word" search.

    "maharani" finds "Budi Maharani" and "keuangan" finds "Kementerian Keuangan": each word of the query
    must start some word of the person, as an index range on (event_id, word) on both databases. Written
    by the registration services whenever a name or instansi is set (see services/search_index.py).

    Each row carries its registration's name key (the list's sort key), so the index (event_id, word,
    name_key, registration_id) hands out a page of matches in name order without visiting registrations.
    """

    __tablename__ = "registration_words"
    __table_args__ = (Index("ix_registration_words_event_word", "event_id", "word", "name_key", "registration_id"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[str] = mapped_column(String(1), primary_key=True)
    word: Mapped[str] = mapped_column(_WORD, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name_key: Mapped[str] = mapped_column(_NAME_KEY, default="")

    def __repr__(self) -> str:
        return f"<RegistrationWord {self.registration_id} {self.part}:{self.word}>"
