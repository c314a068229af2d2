"""The participant's evaluation form and its one submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.labels import label
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid
from bimtek.evaluation import scoring
from bimtek.evaluation.models import (
    SECTIONS,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSettings,
)
from bimtek.evaluation.services import REQUIRED, get_settings, questions
from bimtek.events.models import Event, EventSession, Speaker
from bimtek.extensions import db
from bimtek.registration.models import Registration


@dataclass
class FormItem:
    """One answer box of the form: a question, maybe about a session or a speaker."""

    key: str
    question: EvaluationQuestion
    session_id: int | None = None
    speaker_id: int | None = None


@dataclass
class FormGroup:
    """Items under one heading: the section itself, a session, or a speaker."""

    heading: str
    subheading: str = ""
    items: list[FormItem] = field(default_factory=list)


@dataclass
class FormSection:
    """A section of the form (penyelenggaraan, materi, narasumber...)."""

    name: str
    label: str
    groups: list[FormGroup] = field(default_factory=list)


def narasumber(event: Event) -> list[tuple[EventSession, Speaker]]:
    """The speakers participants rate (narasumber, not moderators), in agenda order."""
    return [(s, sp) for s in event.sessions for sp in s.speakers if sp.role == "narasumber"]


def build_form(event: Event, mode: str | None, qs: list[EvaluationQuestion] | None = None) -> list[FormSection]:
    """The form a participant of a mode sees: each question for the event, each session or each speaker."""
    qs = questions(event.id) if qs is None else qs
    qs = [q for q in qs if not q.mode or mode is None or q.mode == mode]
    out: list[FormSection] = []
    for section in SECTIONS:
        in_section = [q for q in qs if q.section == section]
        if not in_section:
            continue
        sec = FormSection(section, label("evaluation_section", section, "id"))
        once = [q for q in in_section if q.scope == "event"]
        if once:
            sec.groups.append(FormGroup("", items=[FormItem(f"q{q.id}", q) for q in once]))
        per_session = [q for q in in_section if q.scope == "session"]
        if per_session:
            for s in event.sessions:
                sec.groups.append(
                    FormGroup(s.title, items=[FormItem(f"q{q.id}_s{s.id}", q, s.id) for q in per_session])
                )
        per_speaker = [q for q in in_section if q.scope == "speaker"]
        if per_speaker:
            for s, sp in narasumber(event):
                sec.groups.append(
                    FormGroup(
                        sp.name,
                        s.title,
                        [FormItem(f"q{q.id}_p{sp.id}", q, s.id, sp.id) for q in per_speaker],
                    )
                )
        if sec.groups:
            out.append(sec)
    return out


def form_items(sections: list[FormSection]) -> list[FormItem]:
    return [item for sec in sections for group in sec.groups for item in group.items]


def registration_by_token(token: str) -> Registration | None:
    """The registration a private manage link points at."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token == token))


def response_for(registration_id: int) -> EvaluationResponse | None:
    return db.session.scalar(select(EvaluationResponse).where(EvaluationResponse.registration_id == registration_id))


def availability(reg: Registration, settings: EvaluationSettings | None, now: datetime) -> str:
    """Why a participant can or cannot fill the form now: open, done, not_open, closed, not_confirmed."""
    if reg.status != "confirmed":
        return "not_confirmed"
    if response_for(reg.id) is not None:
        return "done"
    if settings is None or settings.opens_at is None or now < as_utc(settings.opens_at):
        return "not_open"
    if not settings.is_open(now):
        return "closed"
    return "open"


AVAILABILITY_MESSAGES = {
    "not_confirmed": "Evaluasi hanya dapat diisi oleh peserta yang terdaftar (terkonfirmasi).",
    "done": "Terima kasih, evaluasi Anda sudah tercatat.",
    "not_open": "Evaluasi belum dibuka.",
    "closed": "Evaluasi sudah ditutup.",
}


def submit_response(reg: Registration, raw: dict, *, now: datetime | None = None) -> EvaluationResponse:
    """Record a participant's evaluation, once; raise Invalid with per-item errors and store nothing."""
    now = now or utcnow()
    event = db.session.get(Event, reg.event_id)
    settings = get_settings(event.id)
    state = availability(reg, settings, now)
    if state == "done":
        raise Conflict("already_submitted", AVAILABILITY_MESSAGES["done"])
    if state != "open":
        raise DomainError(state, AVAILABILITY_MESSAGES[state], status=403 if state == "not_confirmed" else 409)
    items = form_items(build_form(event, reg.mode))
    errors: dict[str, str] = {}
    answers: list[EvaluationAnswer] = []
    for item in items:
        value = raw.get(item.key)
        if item.question.kind == "scale":
            try:
                score = scoring.parse_score(value)
            except scoring.ScoreError:
                errors[item.key] = "Pilih nilai 1 sampai 5."
                continue
            if score is None:
                if item.question.required:
                    errors[item.key] = "Pilih salah satu nilai."
                continue
            answers.append(EvaluationAnswer(question_id=item.question.id, session_id=item.session_id,
                                            speaker_id=item.speaker_id, score=score))  # fmt: skip
        else:
            text = scoring.clean_text(value)
            if len(text) > scoring.TEXT_LIMIT:
                errors[item.key] = f"Maksimal {scoring.TEXT_LIMIT} karakter."
                continue
            if not text:
                if item.question.required:
                    errors[item.key] = REQUIRED
                continue
            answers.append(EvaluationAnswer(question_id=item.question.id, session_id=item.session_id,
                                            speaker_id=item.speaker_id, text=text))  # fmt: skip
    if errors:
        raise Invalid("invalid", "Masih ada pertanyaan yang belum dijawab dengan benar.", fields=errors)
    response = EvaluationResponse(event_id=event.id, registration_id=reg.id, submitted_at=now, answers=answers)
    db.session.add(response)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as err:  # a double submit racing this one
        raise Conflict("already_submitted", AVAILABILITY_MESSAGES["done"]) from err
    audit.record("evaluation.submit", response, event_id=event.id, actor="participant",
                 details={"registration_id": reg.id, "answers": len(answers)})  # fmt: skip
    return response
