"""An event's evaluation: its settings, its questions, and one response per registration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.core.time import as_utc, utcnow
from bimtek.extensions import db

# A question is asked once ("event"), once per session ("session") or once per narasumber ("speaker").
SCOPES = ("event", "session", "speaker")
KINDS = ("scale", "text")
# Groups shown as headings on the form and in the report, in this order.
SECTIONS = ("organisasi", "materi", "narasumber", "umum", "saran")
# A question may be shown only to participants of one mode ("" = everyone).
QUESTION_MODES = ("", "onsite", "online")


class EvaluationSettings(db.Model):
    """When an event's evaluation opens and closes, and whether reports hide who answered."""

    __tablename__ = "evaluation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def is_open(self, now: datetime) -> bool:
        """Open from opens_at (which the organizer must set) until closes_at, if any."""
        opens, closes = as_utc(self.opens_at), as_utc(self.closes_at)
        if opens is None or now < opens:
            return False
        return closes is None or now <= closes

    def state(self, now: datetime) -> str:
        """ "unscheduled" (no opening time), "not_yet", "open" or "closed" (its closing time has passed)."""
        opens, closes = as_utc(self.opens_at), as_utc(self.closes_at)
        if closes is not None and now > closes:
            return "closed"
        if opens is None:
            return "unscheduled"
        return "open" if now >= opens else "not_yet"

    def __repr__(self) -> str:
        return f"<EvaluationSettings event={self.event_id}>"


class EvaluationQuestion(db.Model):
    """One question of an event's evaluation: a 1–5 scale or free text, asked per event, session or speaker."""

    __tablename__ = "evaluation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(20), default="umum")
    scope: Mapped[str] = mapped_column(String(10), default="event")
    kind: Mapped[str] = mapped_column(String(10), default="scale")
    text: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    mode: Mapped[str] = mapped_column(String(10), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<EvaluationQuestion {self.id} {self.scope}/{self.kind}>"


class EvaluationResponse(db.Model):
    """A participant's submitted evaluation: at most one per registration."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (UniqueConstraint("registration_id"), Index("ix_evaluation_responses_event", "event_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    answers: Mapped[list[EvaluationAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<EvaluationResponse {self.id} registration={self.registration_id}>"


class EvaluationAnswer(db.Model):
    """One answer: a score 1–5 or a text, for a question and, where it applies, a session or a speaker."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (Index("ix_evaluation_answers_question", "question_id", "session_id", "speaker_id", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("evaluation_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("evaluation_questions.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[EvaluationResponse] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<EvaluationAnswer q={self.question_id} score={self.score}>"


class EvaluationInvitation(db.Model):
    """That a participant was emailed the evaluation link: one row per registration, so a resend never repeats."""

    __tablename__ = "evaluation_invitations"
    __table_args__ = (UniqueConstraint("registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<EvaluationInvitation registration={self.registration_id}>"
