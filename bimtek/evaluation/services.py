"""Evaluation rules, shared by the organizer pages, the participant page, the JSON API and the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, DomainError, Invalid
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
from bimtek.events.models import Event, EventSession, Speaker
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

SECTION_LABELS = {
    "organisasi": "Penyelenggaraan",
    "materi": "Materi",
    "narasumber": "Narasumber",
    "umum": "Manfaat kegiatan",
    "saran": "Saran",
}
SCOPE_LABELS = {"event": "Sekali", "session": "Setiap sesi", "speaker": "Setiap narasumber"}
KIND_LABELS = {"scale": "Skala 1–5", "text": "Teks bebas"}
MODE_LABELS = {"": "Semua peserta", "onsite": "Peserta luring", "online": "Peserta daring"}
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


# The participant's form ---------------------------------------------------------------------------------


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
        sec = FormSection(section, SECTION_LABELS[section])
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


# Invitations by email ------------------------------------------------------------------------------------


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


# For the attendance feature's eligibility rule ------------------------------------------------------------


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


# Results ---------------------------------------------------------------------------------------------------


def _target_label(event: Event, session_id: int | None, speaker_id: int | None) -> tuple[str, str]:
    sessions = {s.id: s for s in event.sessions}
    speakers = {sp.id: sp for s in event.sessions for sp in s.speakers}
    if speaker_id is not None and speaker_id in speakers:
        sp = speakers[speaker_id]
        return sp.name, sessions[sp.session_id].title if sp.session_id in sessions else ""
    if session_id is not None and session_id in sessions:
        return sessions[session_id].title, ""
    return "", ""


def results(event: Event, *, comment_limit: int | None = None) -> dict:
    """Aggregated scores and comments of an event's evaluation, as plain values.

    Scores: one row per question and target (session or speaker) with count, mean and the 1–5
    distribution; per session and per speaker overall means; comments with the participant's name
    unless the evaluation is anonymous.
    """
    settings = get_settings(event.id)
    qs = questions(event.id)
    by_id = {q.id: q for q in qs}
    responses = db.session.scalar(
        select(func.count(EvaluationResponse.id)).where(EvaluationResponse.event_id == event.id)
    )
    counts: dict[tuple[int, int | None, int | None], dict[int, int]] = {}
    # Answers belong to the event through their question: filtering on question ids keeps this an index-only
    # scan of ix_evaluation_answers_question, with no join, even at tens of thousands of answers.
    scale_ids = [q.id for q in qs if q.kind == "scale"]
    rows = (
        db.session.execute(
            select(
                EvaluationAnswer.question_id,
                EvaluationAnswer.session_id,
                EvaluationAnswer.speaker_id,
                EvaluationAnswer.score,
                func.count(),
            )
            .where(EvaluationAnswer.question_id.in_(scale_ids), EvaluationAnswer.score.is_not(None))
            .group_by(
                EvaluationAnswer.question_id,
                EvaluationAnswer.session_id,
                EvaluationAnswer.speaker_id,
                EvaluationAnswer.score,
            )
        ).all()
        if scale_ids
        else []
    )
    for qid, sid, pid, score, n in rows:
        counts.setdefault((qid, sid, pid), {})[int(score)] = int(n)

    def row(q, sid, pid):
        summary = scoring.summarize(counts.get((q.id, sid, pid), {}))
        label, sub = _target_label(event, sid, pid)
        return {
            "question_id": q.id,
            "question": q.text,
            "section": q.section,
            "scope": q.scope,
            "session_id": sid,
            "speaker_id": pid,
            "target": label,
            "target_detail": sub,
            "count": summary.count,
            "mean": None if summary.mean is None else round(summary.mean, 2),
            "percent_good": None if summary.percent_good is None else round(summary.percent_good, 1),
            "distribution": list(summary.distribution),
        }, summary

    scores, sessions_out, speakers_out = [], [], []
    general: list[scoring.ScoreSummary] = []
    scale_qs = [q for q in qs if q.kind == "scale"]
    for q in scale_qs:
        if q.scope == "event":
            r, s = row(q, None, None)
            scores.append(r)
            general.append(s)
    for s in event.sessions:
        per = []
        for q in scale_qs:
            if q.scope == "session":
                r, summ = row(q, s.id, None)
                scores.append(r)
                per.append(summ)
        merged = scoring.merge(per)
        sessions_out.append({"session_id": s.id, "title": s.title, "count": merged.count,
                             "mean": None if merged.mean is None else round(merged.mean, 2)})  # fmt: skip
    for s, sp in narasumber(event):
        aspects, per = [], []
        for q in scale_qs:
            if q.scope == "speaker":
                r, summ = row(q, s.id, sp.id)
                scores.append(r)
                per.append(summ)
                aspects.append({"question_id": q.id, "question": q.text, "count": r["count"], "mean": r["mean"]})
        merged = scoring.merge(per)
        speakers_out.append({"speaker_id": sp.id, "name": sp.name, "institution": sp.institution,
                             "session_id": s.id, "session": s.title, "count": merged.count,
                             "mean": None if merged.mean is None else round(merged.mean, 2),
                             "aspects": aspects})  # fmt: skip
    overall_q = [q for q in scale_qs if q.section == "umum" and q.scope == "event"]
    overall = scoring.merge(
        [scoring.summarize(counts.get((q.id, None, None), {})) for q in overall_q]
    ) if overall_q else scoring.summarize({})  # fmt: skip

    anonymous = True if settings is None else settings.anonymous
    text_ids = [q.id for q in qs if q.kind == "text"] or [-1]
    cq = (
        select(
            EvaluationAnswer.question_id,
            EvaluationAnswer.session_id,
            EvaluationAnswer.speaker_id,
            EvaluationAnswer.text,
            EvaluationResponse.submitted_at,
            Registration.full_name,
            Registration.institution_name,
        )
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
        .join(Registration, Registration.id == EvaluationResponse.registration_id)
        .where(EvaluationAnswer.question_id.in_(text_ids), EvaluationAnswer.text != "")
        .order_by(EvaluationResponse.submitted_at, EvaluationAnswer.id)
    )
    total_comments = db.session.scalar(
        select(func.count(EvaluationAnswer.id)).where(
            EvaluationAnswer.question_id.in_(text_ids), EvaluationAnswer.text != ""
        )
    )
    if comment_limit is not None:
        cq = cq.limit(comment_limit)
    comments = []
    for qid, sid, pid, text, at, name, inst in db.session.execute(cq).all():
        q = by_id.get(qid)
        label, _sub = _target_label(event, sid, pid)
        comments.append({
            "question_id": qid,
            "question": q.text if q else "",
            "section": q.section if q else "",
            "target": label,
            "text": text,
            "submitted_at": as_utc(at).isoformat(),
            "author": None if anonymous else {"name": name, "institution": inst},
        })  # fmt: skip
    confirmed = db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == "confirmed")
    )
    return {
        "prepared": settings is not None,
        "opens_at": as_utc(settings.opens_at).isoformat() if settings and settings.opens_at else None,
        "closes_at": as_utc(settings.closes_at).isoformat() if settings and settings.closes_at else None,
        "anonymous": anonymous,
        "responses": int(responses or 0),
        "confirmed": int(confirmed or 0),
        "response_rate": round(100 * responses / confirmed, 1) if confirmed else None,
        "overall": {"count": overall.count, "mean": None if overall.mean is None else round(overall.mean, 2),
                    "distribution": list(overall.distribution),
                    "percent_good": None if overall.percent_good is None else round(overall.percent_good, 1)},
        "general": scores[: len([q for q in scale_qs if q.scope == "event"])],
        "scores": scores,
        "sessions": sessions_out,
        "speakers": speakers_out,
        "comments": comments,
        "comments_total": int(total_comments or 0),
    }  # fmt: skip


def response_matrix(event: Event) -> dict:
    """Every response as one row and every form item as one column (the raw table behind the scores).

    Rows carry the participant's mode, and their name and instansi only when the evaluation is not anonymous.
    """
    settings = get_settings(event.id)
    anonymous = True if settings is None else settings.anonymous
    items = form_items(build_form(event, None))
    columns = []
    for item in items:
        label, _sub = _target_label(event, item.session_id, item.speaker_id)
        columns.append((item.question.id, item.session_id, item.speaker_id,
                        f"{SECTION_LABELS.get(item.question.section, item.question.section)}"
                        f"{' · ' + label if label else ''}: {item.question.text}"))  # fmt: skip
    index = {(q, s, p): i for i, (q, s, p, _label) in enumerate(columns)}
    responses = db.session.execute(
        select(EvaluationResponse.id, EvaluationResponse.submitted_at, Registration.mode, Registration.full_name,
               Registration.institution_name)
        .join(Registration, Registration.id == EvaluationResponse.registration_id)
        .where(EvaluationResponse.event_id == event.id)
        .order_by(EvaluationResponse.submitted_at, EvaluationResponse.id)
    ).all()  # fmt: skip
    rows: dict[int, list] = {rid: [None] * len(columns) for rid, *_rest in responses}
    qids = [q for q, *_rest in columns] or [-1]
    answers = db.session.execute(
        select(EvaluationAnswer.response_id, EvaluationAnswer.question_id, EvaluationAnswer.session_id,
               EvaluationAnswer.speaker_id, EvaluationAnswer.score, EvaluationAnswer.text)
        .where(EvaluationAnswer.question_id.in_(set(qids)))
    ).all()  # fmt: skip
    for rid, qid, sid, pid, score, text in answers:
        col = index.get((qid, sid, pid))
        if col is not None and rid in rows:
            rows[rid][col] = score if score is not None else text
    out = []
    for n, (rid, at, mode, name, inst) in enumerate(responses, start=1):
        who = [] if anonymous else [name, inst]
        out.append([n, as_utc(at).isoformat()[:19].replace("T", " "), mode, *who, *rows[rid]])
    header = ["No", "Dikirim (UTC)", "Mode", *([] if anonymous else ["Nama", "Instansi"]), *[c[3] for c in columns]]
    return {"header": header, "rows": out}


def settings_json(event: Event, settings: EvaluationSettings | None) -> dict:
    """Settings and questions for the API."""
    return {
        "event_id": event.id,
        "prepared": settings is not None,
        "opens_at": as_utc(settings.opens_at).isoformat() if settings and settings.opens_at else None,
        "closes_at": as_utc(settings.closes_at).isoformat() if settings and settings.closes_at else None,
        "anonymous": settings.anonymous if settings else True,
        "intro": settings.intro if settings else "",
        "questions": [question_json(q) for q in questions(event.id)],
    }


def question_json(q: EvaluationQuestion) -> dict:
    return {
        "id": q.id,
        "section": q.section,
        "scope": q.scope,
        "kind": q.kind,
        "text": q.text,
        "required": q.required,
        "mode": q.mode,
        "position": q.position,
    }


def form_json(sections: list[FormSection]) -> list[dict]:
    """The participant's form as plain values (for the API)."""
    return [
        {
            "section": sec.name,
            "label": SECTION_LABELS[sec.name],
            "groups": [
                {
                    "heading": g.heading,
                    "subheading": g.subheading,
                    "items": [
                        {
                            "key": it.key,
                            "question_id": it.question.id,
                            "text": it.question.text,
                            "kind": it.question.kind,
                            "required": it.question.required,
                            "session_id": it.session_id,
                            "speaker_id": it.speaker_id,
                        }
                        for it in g.items
                    ],  # fmt: skip
                }
                for g in sec.groups
            ],
        }
        for sec in sections
    ]
