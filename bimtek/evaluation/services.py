"""Evaluation rules: settings, questions and invitations; flush, never commit.

The participant's form and its answers live in responses.py, the results in results.py (their arithmetic
in the pure aggregate.py and scoring.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, Invalid
from bimtek.evaluation import scoring
from bimtek.evaluation.models import (
    KINDS,
    QUESTION_MODES,
    SCOPES,
    SECTIONS,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSettings,
)
from bimtek.events.models import Event
from bimtek.events.services import parse_datetime
from bimtek.extensions import db
from bimtek.registration.models import Registration

# The default evaluation, in the words organizers of a bimtek use: (section, scope, kind, text, required, mode).
DEFAULT_QUESTIONS = [
    ("organisasi", "event", "scale", "Kenyamanan tempat dan fasilitas kegiatan", True, "onsite"),
    ("organisasi", "event", "scale", "Kualitas audio, video, dan koneksi Zoom", True, "online"),
    ("organisasi", "event", "scale", "Kesesuaian jadwal dan ketepatan waktu pelaksanaan", True, ""),
    ("organisasi", "event", "scale", "Pelayanan dan kesigapan panitia", True, ""),
    ("materi", "session", "scale", "Materi bermanfaat dan relevan dengan tugas Anda", True, ""),
    ("narasumber", "speaker", "scale", "Penguasaan materi", True, ""),
    ("narasumber", "speaker", "scale", "Cara penyampaian dan interaksi dengan peserta", True, ""),
    ("narasumber", "speaker", "scale", "Pengelolaan waktu", True, ""),
    ("narasumber", "speaker", "text", "Komentar untuk narasumber", False, ""),
    ("umum", "event", "scale", "Secara keseluruhan, seberapa bermanfaat kegiatan ini bagi pekerjaan Anda?", True, ""),
    ("saran", "event", "text", "Saran dan masukan untuk kegiatan berikutnya", False, ""),
]


REQUIRED = "Wajib diisi."


DEFAULT_TEXTS = frozenset(q[3] for q in DEFAULT_QUESTIONS)


def display_text(text: str) -> str:
    """A question in the reader's language: default questions are translated, the organizer's own shown as typed."""
    if text in DEFAULT_TEXTS:
        from flask_babel import gettext

        return gettext(text)
    return text


def get_settings(event_id: int) -> EvaluationSettings | None:
    """The evaluation settings of an event, if the organizer has prepared one."""
    return db.session.scalar(select(EvaluationSettings).where(EvaluationSettings.event_id == event_id))


def ensure_evaluation(event: Event) -> EvaluationSettings:
    """The event's evaluation, created with the default questions the first time; flushes."""
    settings = get_settings(event.id)
    if settings is not None:
        return settings
    settings = EvaluationSettings(event_id=event.id, anonymous=True)
    db.session.add(settings)
    if not db.session.scalar(select(func.count(EvaluationQuestion.id)).where(EvaluationQuestion.event_id == event.id)):
        for pos, (section, scope, kind, text, required, mode) in enumerate(DEFAULT_QUESTIONS):
            db.session.add(
                EvaluationQuestion(
                    event_id=event.id,
                    section=section,
                    scope=scope,
                    kind=kind,
                    text=text,
                    required=required,
                    mode=mode,
                    position=(pos + 1) * 10,
                )
            )
    db.session.flush()
    return settings


def questions(event_id: int) -> list[EvaluationQuestion]:
    """An event's questions in form order: by section, then position."""
    rows = db.session.scalars(
        select(EvaluationQuestion).where(EvaluationQuestion.event_id == event_id).order_by(EvaluationQuestion.position)
    ).all()
    order = {s: i for i, s in enumerate(SECTIONS)}
    return sorted(rows, key=lambda q: (order.get(q.section, 99), q.position, q.id))


def update_settings(event: Event, raw: dict, *, user=None) -> EvaluationSettings:
    """Set when the evaluation opens and closes (event-local times or ISO 8601) and the anonymity; flushes."""
    settings = ensure_evaluation(event)
    errors: dict[str, str] = {}
    values: dict = {}
    for name in ("opens_at", "closes_at"):
        if name not in raw:
            continue
        value = raw.get(name)
        if value in (None, ""):
            values[name] = None
            continue
        try:
            values[name] = parse_datetime(value, event.timezone)
        except (TypeError, ValueError):
            errors[name] = "Format waktu tidak valid."
    opens = values.get("opens_at", settings.opens_at) if "opens_at" not in errors else None
    closes = values.get("closes_at", settings.closes_at) if "closes_at" not in errors else None
    if opens and closes and as_utc(closes) <= as_utc(opens):
        errors["closes_at"] = "Evaluasi harus ditutup setelah dibuka."
    if "intro" in raw:
        intro = scoring.clean_text(raw.get("intro"))
        if len(intro) > scoring.TEXT_LIMIT:
            errors["intro"] = f"Maksimal {scoring.TEXT_LIMIT} karakter."
        values["intro"] = intro
    if "anonymous" in raw:
        values["anonymous"] = raw.get("anonymous") in (True, "y", "on", "1", "true", 1)
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    for name, value in values.items():
        setattr(settings, name, value)
    audit.record(
        "evaluation.settings",
        settings,
        event_id=event.id,
        actor=user,
        details={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items() if k != "intro"},
    )
    db.session.flush()
    return settings


def clean_question(raw: dict) -> dict:
    """Check a question's fields; raise Invalid with field errors."""
    errors: dict[str, str] = {}
    text = str(raw.get("text") or "").strip()
    if not text:
        errors["text"] = REQUIRED
    elif len(text) > 300:
        errors["text"] = "Maksimal 300 karakter."
    out = {"text": text}
    for name, allowed, default in (
        ("section", SECTIONS, "umum"),
        ("scope", SCOPES, "event"),
        ("kind", KINDS, "scale"),
        ("mode", QUESTION_MODES, ""),
    ):
        value = raw.get(name, default)
        value = default if value is None else str(value)
        if value not in allowed:
            errors[name] = "Pilihan tidak dikenal."
        out[name] = value
    out["required"] = raw.get("required") in (True, "y", "on", "1", "true", 1)
    try:
        out["position"] = int(raw.get("position") or 0)
        if not -100_000 < out["position"] < 100_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["position"] = "Isi dengan bilangan bulat."
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    return out


def _answered(question: EvaluationQuestion) -> bool:
    return (
        db.session.scalar(select(EvaluationAnswer.id).where(EvaluationAnswer.question_id == question.id).limit(1))
        is not None
    )


def add_question(event: Event, raw: dict, *, user=None) -> EvaluationQuestion:
    """Add a question to the event's evaluation; flushes."""
    ensure_evaluation(event)
    fields = clean_question(raw)
    if not fields["position"]:
        last = db.session.scalar(
            select(func.max(EvaluationQuestion.position)).where(EvaluationQuestion.event_id == event.id)
        )
        fields["position"] = (last or 0) + 10
    question = EvaluationQuestion(event_id=event.id, **fields)
    db.session.add(question)
    db.session.flush()
    audit.record("evaluation.question_add", question, actor=user, details={"text": question.text})
    return question


def update_question(question: EvaluationQuestion, raw: dict, *, user=None) -> EvaluationQuestion:
    """Change a question; once answered, its kind and scope stay (the answers would lose their meaning)."""
    fields = clean_question(raw)
    if _answered(question) and (fields["kind"] != question.kind or fields["scope"] != question.scope):
        raise Conflict(
            "answered",
            "Pertanyaan ini sudah dijawab peserta; jenis dan cakupannya tidak dapat diubah.",
            fields={"kind": "Sudah dijawab peserta."},
        )
    for name, value in fields.items():
        setattr(question, name, value)
    audit.record("evaluation.question_edit", question, actor=user, details={"text": question.text})
    db.session.flush()
    return question


def delete_question(question: EvaluationQuestion, *, user=None) -> None:
    """Remove a question nobody has answered yet."""
    if _answered(question):
        raise Conflict("answered", "Pertanyaan ini sudah dijawab peserta dan tidak dapat dihapus.")
    audit.record("evaluation.question_delete", question, actor=user, details={"text": question.text})
    db.session.delete(question)
    db.session.flush()


def invitation_recipients(event_id: int, *, limit: int | None = None, exclude=()) -> list[Registration]:
    """Confirmed participants who have neither answered the evaluation nor been emailed its link."""
    answered = select(EvaluationResponse.registration_id).where(EvaluationResponse.event_id == event_id)
    invited = select(EvaluationInvitation.registration_id).where(EvaluationInvitation.event_id == event_id)
    q = (
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == "confirmed",
            Registration.id.not_in(answered),
            Registration.id.not_in(invited),
        )
        .order_by(Registration.id)
    )
    if exclude:
        q = q.where(Registration.id.not_in(list(exclude)))
    if limit:
        q = q.limit(limit)
    return list(db.session.scalars(q).all())


def participant_link(reg: Registration) -> str:
    """The absolute address of a participant's evaluation form."""
    from flask import current_app

    return f"{current_app.config['BASE_URL'].rstrip('/')}/r/{reg.manage_token}/evaluasi"


def accepts_answers(event_id: int) -> bool:
    """False once the evaluation's closing time has passed (an invitation job then sends nothing more)."""
    settings = get_settings(event_id)
    return settings is not None and settings.state(utcnow()) != "closed"


def send_invitations(regs: list[Registration]) -> tuple[int, list[int]]:
    """Email each registration its evaluation link and record it (flushes); returns (sent, failed ids)."""
    from bimtek.core.mail import send_email

    sent, failed, invited = 0, [], []
    for reg in regs:
        event = reg.event
        settings = get_settings(event.id)
        ok = send_email(
            reg.email,
            f"Evaluasi kegiatan: {event.title}",
            "evaluation_invite",
            name=reg.full_name,
            event_title=event.title,
            link=participant_link(reg),
            closes_at=settings.closes_at if settings else None,
            timezone=event.timezone,
        )
        if ok:
            invited.append(EvaluationInvitation(event_id=event.id, registration_id=reg.id))
            sent += 1
        else:
            failed.append(reg.id)
    # Recorded after the loop: with nothing uncommitted, each email leaves now and its outcome is known.
    db.session.add_all(invited)
    db.session.flush()
    return sent, failed


def start_invitations(event: Event, *, user=None):
    """Create an invitation job for the event (the caller commits, then enqueues); needs an opening time."""
    from bimtek.jobs import start_job

    settings = get_settings(event.id)
    if settings is None or settings.opens_at is None:
        raise Conflict("not_scheduled", "Atur dulu waktu pembukaan evaluasi sebelum mengirim undangan.")
    if settings.state(utcnow()) == "closed":
        raise Conflict("closed", "Evaluasi sudah ditutup: undangan tidak dikirim.")
    total = len(invitation_recipients(event.id))
    if total == 0:
        raise Conflict("nobody", "Semua peserta terkonfirmasi sudah mengisi atau sudah diundang.")
    job = start_job("evaluation.invite", event_id=event.id, total=total, user=user)
    audit.record("evaluation.invite", job, event_id=event.id, actor=user, details={"recipients": total})
    return job


def invitation_counts(event_id: int) -> dict:
    """How many were emailed, and the latest invitation job."""
    from bimtek.core.models import Job

    invited = db.session.scalar(
        select(func.count(EvaluationInvitation.id)).where(EvaluationInvitation.event_id == event_id)
    )
    job = db.session.scalar(
        select(Job).where(Job.event_id == event_id, Job.kind == "evaluation.invite").order_by(Job.id.desc()).limit(1)
    )
    return {"invited": int(invited or 0), "job": job}


def evaluation_done(registration_id: int) -> bool:
    """Whether a registration has submitted its evaluation (the eligibility rule may require it)."""
    return (
        db.session.scalar(
            select(EvaluationResponse.id).where(EvaluationResponse.registration_id == registration_id).limit(1)
        )
        is not None
    )


def evaluations_done(event_id: int) -> set[int]:
    """The ids of an event's registrations that have submitted their evaluation (one query, for bulk rules)."""
    return set(
        db.session.scalars(
            select(EvaluationResponse.registration_id).where(EvaluationResponse.event_id == event_id)
        ).all()
    )


def copy_evaluation(source_event_id: int, target: Event, *, shift) -> int:
    """Give ``target`` another event's evaluation: its questions and settings, the window moved by ``shift``
    (a timedelta, the distance between the two events); no responses or invitations. Returns the questions."""
    old = get_settings(source_event_id)
    if old is not None:
        db.session.add(EvaluationSettings(
            event_id=target.id, anonymous=old.anonymous, intro=old.intro,
            opens_at=as_utc(old.opens_at) + shift if old.opens_at else None,
            closes_at=as_utc(old.closes_at) + shift if old.closes_at else None,
        ))  # fmt: skip
    count = 0
    for q in questions(source_event_id):
        db.session.add(EvaluationQuestion(event_id=target.id, section=q.section, scope=q.scope, kind=q.kind,
                                          text=q.text, required=q.required, mode=q.mode, position=q.position))  # fmt: skip
        count += 1
    db.session.flush()
    return count
