"""Taking a test: start an attempt, save answers as they go, submit (by hand or at the deadline).

The server is the clock: every save checks the window and the attempt's deadline (with a few seconds'
grace for a request already on its way), and an attempt found past its deadline is submitted as it stands,
marked as submitted automatically. Saves are one upsert per answer, so a retried save after a dropped
connection writes the same row again, never a second one.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.labels import label
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.learning import scoring, windows
from bimtek.learning.models import LearningAnswer, LearningAttempt, LearningQuestion, LearningTest
from bimtek.learning.services import bank, setup
from bimtek.registration.models import Registration

MAX_TEXT = 2000


def registration_by_token(token: str) -> Registration | None:
    """The registration behind a private manage link."""
    return db.session.scalar(select(Registration).where(Registration.manage_token == token))


def attempts_of(test: LearningTest, registration_id: int) -> list[LearningAttempt]:
    """A participant's attempts at a test, oldest first."""
    return list(
        db.session.scalars(
            select(LearningAttempt)
            .where(LearningAttempt.test_id == test.id, LearningAttempt.registration_id == registration_id)
            .order_by(LearningAttempt.number)
        )
    )


def unsubmitted(test: LearningTest, registration_id: int) -> LearningAttempt | None:
    """The attempt not yet submitted, whatever its deadline (a save then says "time up" and submits it)."""
    return db.session.scalar(
        select(LearningAttempt).where(
            LearningAttempt.test_id == test.id,
            LearningAttempt.registration_id == registration_id,
            LearningAttempt.submitted_at.is_(None),
        )
    )


def open_attempt(test: LearningTest, registration_id: int, now: datetime) -> LearningAttempt | None:
    """The attempt in progress, after submitting it automatically if its deadline has passed."""
    attempt = unsubmitted(test, registration_id)
    if attempt is not None and now > as_utc(attempt.deadline_at) + windows.GRACE:
        submit(attempt, now=now, automatic=True)
        return None
    return attempt


def state_for(event: Event, test: LearningTest | None, reg: Registration, now: datetime) -> str:
    """What the participant can do: disabled, not_confirmed, not_open, in_progress, open, done or closed."""
    if test is None or not test.enabled:
        return "disabled"
    if reg.status != "confirmed":
        return "not_confirmed"
    if open_attempt(test, reg.id, now) is not None:
        return "in_progress"
    window_state = setup.window_for(event, test).state(now)
    if window_state != "open":
        return window_state
    taken = db.session.scalar(
        select(func.count(LearningAttempt.id)).where(
            LearningAttempt.test_id == test.id, LearningAttempt.registration_id == reg.id
        )
    )
    return "done" if taken >= test.max_attempts else "open"


def start(event: Event, test: LearningTest, reg: Registration, *, now: datetime | None = None) -> LearningAttempt:
    """Start an attempt (or return the one in progress); refused outside the window or when none are left."""
    now = now or utcnow()
    state = state_for(event, test, reg, now)
    if state == "in_progress":
        return open_attempt(test, reg.id, now)
    if state != "open":
        raise Conflict(f"test_{state}", label("test_state", state))
    qs = bank.questions(event.id, test.kind)
    if not qs:
        raise Conflict("test_disabled", _("Tes belum disiapkan panitia."))
    number = len(attempts_of(test, reg.id)) + 1
    # The seed holds the kind, so the post-test shows the same questions in another order than the pre-test.
    layout = scoring.shuffled_order(
        [q.id for q in qs],
        {q.id: len(q.options or []) for q in qs},
        seed=f"{reg.id}:{reg.manage_token}:{test.kind}:{number}",
        shuffle=test.shuffle,
    )
    attempt = LearningAttempt(
        test_id=test.id,
        event_id=event.id,
        registration_id=reg.id,
        number=number,
        layout=layout,
        started_at=now,
        deadline_at=windows.attempt_deadline(now, test.time_limit_seconds, setup.window_for(event, test)),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # A second tap on "start" raced this one: the other request's attempt is the one.
        existing = open_attempt(test, reg.id, now)
        if existing is None:
            raise Conflict("test_done", str(_("Anda sudah menyelesaikan tes ini."))) from None
        return existing
    audit.record("learning.attempt_start", attempt, actor=f"participant:{reg.code}",
                 details={"kind": test.kind, "number": number})  # fmt: skip
    return attempt


def _clean_value(question: LearningQuestion, value) -> str:
    text = "" if value is None else str(value).strip()
    if text == "":
        return ""
    if question.kind == "choice":
        if not text.isdigit() or not 0 <= int(text) < len(question.options or []):
            raise Invalid("invalid_answer", _("Pilihan jawaban tidak dikenal."))
        return str(int(text))
    if question.kind == "truefalse":
        if text not in ("true", "false"):
            raise Invalid("invalid_answer", _("Pilihan jawaban tidak dikenal."))
        return text
    if len(text) > MAX_TEXT:
        raise Invalid("invalid_answer", _("Jawaban terlalu panjang (maksimal 2.000 karakter)."))
    return text


def _check_open(attempt: LearningAttempt, now: datetime) -> None:
    if attempt.submitted_at is not None:
        raise Conflict("submitted", _("Tes ini sudah dikirim."))
    if now > as_utc(attempt.deadline_at) + windows.GRACE:
        submit(attempt, now=now, automatic=True)
        raise Conflict("time_up", _("Waktu habis: jawaban yang sudah tersimpan telah dikirim."))


def save_answers(attempt: LearningAttempt, values: dict, *, now: datetime | None = None) -> datetime:
    """Save answers {question id: value} of an attempt in progress (insert or replace); returns the save time."""
    now = now or utcnow()
    _check_open(attempt, now)
    allowed = {int(q) for q in attempt.layout.get("questions", [])}
    rows = []
    wanted: dict[int, object] = {}
    for key, value in values.items():
        try:
            qid = int(key)
        except (TypeError, ValueError):
            raise Invalid("invalid_answer", _("Soal tidak dikenal.")) from None
        if qid not in allowed:
            raise Invalid("invalid_answer", _("Soal tidak dikenal."))
        wanted[qid] = value
    if not wanted:
        return now
    by_id = {q.id: q for q in db.session.scalars(select(LearningQuestion).where(LearningQuestion.id.in_(wanted)))}
    for qid, value in wanted.items():
        rows.append(
            {"attempt_id": attempt.id, "question_id": qid, "value": _clean_value(by_id[qid], value), "saved_at": now}
        )
    _upsert_answers(rows)
    return now


def _upsert_answers(rows: list[dict]) -> None:
    """One INSERT … ON CONFLICT DO UPDATE per batch: a retried save rewrites the same row."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(LearningAnswer).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"value": stmt.excluded.value, "saved_at": stmt.excluded.saved_at},
    )
    db.session.execute(stmt)


def saved_answers(attempt: LearningAttempt) -> dict[int, str]:
    """The answers saved so far, {question id: value}."""
    return dict(
        db.session.execute(
            select(LearningAnswer.question_id, LearningAnswer.value).where(LearningAnswer.attempt_id == attempt.id)
        ).all()
    )


def submit(
    attempt: LearningAttempt, *, now: datetime | None = None, automatic: bool = False, actor=None
) -> LearningAttempt:
    """Close an attempt and score its closed questions; the first submit wins, a second one changes nothing."""
    now = now or utcnow()
    deadline = as_utc(attempt.deadline_at)
    at = min(now, deadline) if automatic else now
    claimed = db.session.execute(
        update(LearningAttempt)
        .where(LearningAttempt.id == attempt.id, LearningAttempt.submitted_at.is_(None))
        .values(submitted_at=at, auto_submitted=automatic or now > deadline)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if not claimed:
        return attempt
    from bimtek.learning.services import results

    results.score(attempt)
    audit.record("learning.attempt_submit", attempt, actor="system" if automatic else actor,
                 details={"automatic": attempt.auto_submitted, "score": attempt.score})  # fmt: skip
    return attempt


def expire_overdue(*, now: datetime | None = None) -> int:
    """Submit every attempt past its deadline (the CLI runs this on a timer); returns how many."""
    now = now or utcnow()
    overdue = list(
        db.session.scalars(
            select(LearningAttempt).where(
                LearningAttempt.submitted_at.is_(None), LearningAttempt.deadline_at < now - windows.GRACE
            )
        )
    )
    for attempt in overdue:
        submit(attempt, now=now, automatic=True)
    return len(overdue)


def participant_view(attempt: LearningAttempt, now: datetime) -> dict:
    """What the browser gets for an attempt: questions and options in the participant's order, saved answers,
    seconds left. Never the key, never the weights' marking guidance."""
    layout = attempt.layout or {}
    ids = [int(i) for i in layout.get("questions", [])]
    by_id = {q.id: q for q in db.session.scalars(select(LearningQuestion).where(LearningQuestion.id.in_(ids)))}
    saved = saved_answers(attempt)
    items = []
    for n, qid in enumerate(ids, start=1):
        q = by_id.get(qid)
        if q is None:
            continue
        options = [{"value": str(i), "text": q.options[i]} for i in layout.get("options", {}).get(str(qid), [])]
        items.append({"id": q.id, "number": n, "kind": q.kind, "text": q.text, "options": options,
                      "answer": saved.get(q.id, "")})  # fmt: skip
    left = max(0, int((as_utc(attempt.deadline_at) - now).total_seconds()))
    return {"attempt_id": attempt.id, "number": attempt.number, "seconds_left": left,
            "deadline_at": as_utc(attempt.deadline_at).isoformat(), "questions": items}  # fmt: skip
