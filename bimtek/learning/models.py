"""Tests (pre and post), their question bank, participants' attempts and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.core.time import utcnow
from bimtek.extensions import db

TEST_KINDS = ("pre", "post")
QUESTION_KINDS = ("choice", "truefalse", "short")
QUESTION_SCOPES = ("both", "pre", "post")
COUNTING_RULES = ("best", "last")
DEFAULT_BANDS = [[86, "Sangat Baik"], [71, "Baik"], [56, "Cukup"], [0, "Kurang"]]


class LearningTest(db.Model):
    """The pre-test or the post-test of an event: its window, time limit, attempts, pass mark and predikat bands.

    A window left empty follows the agenda: the pre-test closes when the first session starts, the post-test
    opens when the last session ends. The server checks the window and the deadline on every save.
    """

    __tablename__ = "learning_tests"
    __table_args__ = (UniqueConstraint("event_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_limit_seconds: Mapped[int] = mapped_column(Integer, default=30 * 60)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    counting: Mapped[str] = mapped_column(String(8), default="best")
    shuffle: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_mark: Mapped[float] = mapped_column(Float, default=70.0)
    bands: Mapped[list] = mapped_column(JSON, default=lambda: [list(b) for b in DEFAULT_BANDS])
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<LearningTest {self.id} {self.kind} event={self.event_id}>"


class LearningQuestion(db.Model):
    """One question of the bank: multiple choice (one key), true/false, or a short answer marked by hand.

    `correct` holds the key (option index or true/false) and never leaves the server before submission.
    `scope` says which test uses it: both (the post-test reuses it in another order), or only one.
    """

    __tablename__ = "learning_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12))
    scope: Mapped[str] = mapped_column(String(8), default="both")
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[int | bool | None] = mapped_column(JSON)
    guidance: Mapped[str] = mapped_column(Text, default="")  # model answer for markers; never shown to participants
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<LearningQuestion {self.id} {self.kind}>"


class LearningAttempt(db.Model):
    """One participant's attempt at a test: its deadline, its question order, and its score once submitted.

    The unique (test, registration, number) key and the partial unique index on the attempt in progress
    (one unsubmitted attempt per test and participant) make parallel or double-tapped "start"s create one.
    `layout` is the participant's own order of questions and options, fixed at the start.
    """

    __tablename__ = "learning_attempts"
    __table_args__ = (
        UniqueConstraint("test_id", "registration_id", "number"),
        Index("ix_learning_attempts_event", "event_id", "test_id"),
        Index(
            "uq_learning_attempts_in_progress",
            "test_id",
            "registration_id",
            unique=True,
            postgresql_where=text("submitted_at IS NULL"),
            sqlite_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("learning_tests.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    pending_marks: Mapped[int] = mapped_column(Integer, default=0)

    test: Mapped[LearningTest] = relationship()
    answers: Mapped[list[LearningAnswer]] = relationship(back_populates="attempt", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<LearningAttempt {self.id} #{self.number} reg={self.registration_id}>"


class LearningAnswer(db.Model):
    """A saved answer; saved again as the participant changes it (one row per attempt and question)."""

    __tablename__ = "learning_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("learning_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("learning_questions.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    points: Mapped[float | None] = mapped_column(Float)  # closed: computed at submission; short: given by a marker
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    attempt: Mapped[LearningAttempt] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<LearningAnswer {self.id} q={self.question_id}>"
