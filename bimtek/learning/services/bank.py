"""The question bank: add, change and remove questions (audited), and import them from the XLSX template."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from bimtek.core import audit
from bimtek.errors import Conflict, Invalid
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.learning import questionsheet
from bimtek.learning.models import QUESTION_KINDS, QUESTION_SCOPES, LearningAnswer, LearningQuestion

MAX_OPTIONS = 6


def questions(event_id: int, kind: str | None = None) -> list[LearningQuestion]:
    """The event's questions in bank order; only those the pre-test or post-test uses when `kind` is given."""
    query = select(LearningQuestion).where(LearningQuestion.event_id == event_id)
    if kind is not None:
        query = query.where(LearningQuestion.scope.in_(("both", kind)))
    return list(db.session.scalars(query.order_by(LearningQuestion.position, LearningQuestion.id)))


def get_question(event: Event, question_id: int) -> LearningQuestion | None:
    """A question of this event, or None."""
    question = db.session.get(LearningQuestion, question_id)
    return question if question is not None and question.event_id == event.id else None


def clean_question(event: Event, raw: dict) -> dict:
    """Check a question's fields (from a form, the API or an XLSX row); raises Invalid with per-field messages."""
    errors: dict = {}
    kind = str(raw.get("kind") or "")
    if kind not in QUESTION_KINDS:
        errors["kind"] = _("Pilih jenis soal.")
    text = str(raw.get("text") or "").strip()
    if not text:
        errors["text"] = _("Tulis pertanyaannya.")
    elif len(text) > 2000:
        errors["text"] = _("Pertanyaan terlalu panjang (maksimal 2.000 karakter).")
    scope = str(raw.get("scope") or "both")
    if scope not in QUESTION_SCOPES:
        errors["scope"] = _("Pilihan tidak dikenal.")
    try:
        weight = float(str(raw.get("weight") if raw.get("weight") not in (None, "") else 1).replace(",", "."))
        if not 0 < weight <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["weight"] = _("Bobot berupa angka lebih dari 0 sampai 100.")
        weight = 1.0
    session_id = raw.get("session_id") or None
    if session_id is not None:
        try:
            session_id = int(session_id)
        except (TypeError, ValueError):
            session_id = -1
        session = db.session.get(EventSession, session_id)
        if session is None or session.event_id != event.id:
            errors["session_id"] = _("Sesi tidak ditemukan di kegiatan ini.")
    options: list[str] = []
    correct = None
    if kind == "choice":
        options = [str(o).strip() for o in (raw.get("options") or []) if str(o or "").strip()]
        if not 2 <= len(options) <= MAX_OPTIONS:
            errors["options"] = _("Pilihan ganda perlu 2 sampai 6 pilihan jawaban.")
        elif any(len(o) > 500 for o in options):
            errors["options"] = _("Pilihan jawaban terlalu panjang (maksimal 500 karakter).")
        try:
            correct = int(raw.get("correct"))
            if not 0 <= correct < len(options):
                raise ValueError
        except (TypeError, ValueError):
            errors["correct"] = _("Tandai satu jawaban yang benar.")
    elif kind == "truefalse":
        value = raw.get("correct")
        if isinstance(value, bool):
            correct = value
        elif str(value).lower() in ("true", "benar"):
            correct = True
        elif str(value).lower() in ("false", "salah"):
            correct = False
        else:
            errors["correct"] = _("Pilih Benar atau Salah sebagai kunci.")
    guidance = str(raw.get("guidance") or "").strip()[:2000] if kind == "short" else ""
    if errors:
        raise Invalid("invalid", _("Periksa kembali isian soal."), fields=errors)
    return {
        "kind": kind,
        "text": text,
        "scope": scope,
        "weight": weight,
        "session_id": session_id,
        "options": options,
        "correct": correct,
        "guidance": guidance,
    }


def _next_position(event_id: int) -> int:
    return (
        db.session.scalar(select(func.max(LearningQuestion.position)).where(LearningQuestion.event_id == event_id)) or 0
    ) + 1


def add_question(event: Event, raw: dict, *, user) -> LearningQuestion:
    """Add a question to the bank; audited."""
    clean = clean_question(event, raw)
    question = LearningQuestion(event_id=event.id, position=_next_position(event.id), **clean)
    db.session.add(question)
    db.session.flush()
    audit.record("learning.question_add", question, actor=user, details={"kind": question.kind})
    return question


def answered(question: LearningQuestion) -> bool:
    """Whether any attempt has saved an answer to this question."""
    return (
        db.session.scalar(select(LearningAnswer.id).where(LearningAnswer.question_id == question.id).limit(1))
        is not None
    )


def update_question(question: LearningQuestion, raw: dict, *, user) -> LearningQuestion:
    """Change a question. Once answered its kind and options stay (the answers point at them); a corrected key
    rescores the submitted attempts."""
    from bimtek.learning.services import results

    clean = clean_question(db.session.get(Event, question.event_id), raw)
    was_answered = answered(question)
    if was_answered and (clean["kind"] != question.kind or clean["options"] != list(question.options or [])):
        raise Conflict(
            "question_answered",
            _("Soal ini sudah dijawab peserta: jenis dan pilihan jawabannya tidak dapat diubah lagi."),
        )
    key_changed = clean["correct"] != question.correct or clean["weight"] != question.weight
    for name, value in clean.items():
        setattr(question, name, value)
    db.session.flush()
    audit.record("learning.question_update", question, actor=user, details={"key_changed": key_changed})
    if was_answered and key_changed:
        results.rescore_event(question.event_id)
    return question


def delete_question(question: LearningQuestion, *, user) -> None:
    """Remove a question nobody has answered; audited."""
    if answered(question):
        raise Conflict("question_answered", _("Soal ini sudah dijawab peserta dan tidak dapat dihapus."))
    audit.record("learning.question_delete", question, actor=user, details={"text": question.text[:100]})
    db.session.delete(question)
    db.session.flush()


def question_json(q: LearningQuestion, *, with_key: bool) -> dict:
    """A question as the organizer's API shows it (the key only for organizers): see bimtek.learning.schemas."""
    from bimtek.api.schemas import dump
    from bimtek.learning.schemas import LearningQuestionKeySchema, LearningQuestionSchema

    return dump(LearningQuestionKeySchema if with_key else LearningQuestionSchema, q)


def import_questions(event: Event, content: bytes, *, user) -> list[LearningQuestion]:
    """Add every question of a filled-in template, or none: a row with a problem refuses the whole file."""
    sessions = list(event.sessions)
    try:
        rows = questionsheet.read_rows(content)
    except questionsheet.SheetError as err:
        raise Invalid("sheet", _(err.message)) from err
    problems: list[str] = []
    cleaned: list[dict] = []
    for row in rows:
        raw = dict(row.values)
        position = raw.pop("session_position", None)
        if position is not None:
            if not 1 <= position <= len(sessions):
                problems.append(_("Baris %(row)s: sesi nomor %(n)s tidak ada.", row=row.line, n=position))
                continue
            raw["session_id"] = sessions[position - 1].id
        try:
            cleaned.append(clean_question(event, raw))
        except Invalid as err:
            fields = "; ".join(str(m) for m in err.fields.values())
            problems.append(_("Baris %(row)s: %(problem)s", row=row.line, problem=fields))
    if problems:
        raise Invalid("sheet_rows", "\n".join(problems[:20]), fields={"file": "\n".join(problems[:20])})
    if not cleaned:
        raise Invalid("sheet_empty", _("Templat tidak berisi soal."))
    position = _next_position(event.id)
    added = []
    for i, clean in enumerate(cleaned):
        question = LearningQuestion(event_id=event.id, position=position + i, **clean)
        db.session.add(question)
        added.append(question)
    db.session.flush()
    audit.record("learning.question_import", None, event_id=event.id, actor=user, details={"count": len(added)})
    return added
