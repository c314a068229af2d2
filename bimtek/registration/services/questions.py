"""The organizer's extra questions on an event's registration form."""

from __future__ import annotations

from sqlalchemy import func, select

from bimtek.core import audit
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import QUESTION_KINDS, RegistrationQuestion


def event_questions(event_id: int) -> list[RegistrationQuestion]:
    """The organizer's extra questions of an event, in form order."""
    return list(
        db.session.scalars(
            select(RegistrationQuestion)
            .where(RegistrationQuestion.event_id == event_id)
            .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
        )
    )


QUESTION_LIMITS = {"label": 300, "help_text": 500}


def add_question(event: Event, raw: dict, *, actor=None) -> RegistrationQuestion:
    """Add an extra question to the event's form."""
    errors = {}
    label = str(raw.get("label") or "").strip()
    help_text = str(raw.get("help_text") or "").strip()
    kind = str(raw.get("kind") or "")
    if not label:
        errors["label"] = "Wajib diisi."
    elif len(label) > 300:
        errors["label"] = "Maksimal 300 karakter."
    if len(help_text) > 500:
        errors["help_text"] = "Maksimal 500 karakter."
    if kind not in QUESTION_KINDS:
        errors["kind"] = "Pilih jenis pertanyaan."
    choices_raw = raw.get("choices") or []
    if isinstance(choices_raw, str):
        choices_raw = choices_raw.splitlines()
    choices = list(dict.fromkeys(str(c).strip() for c in choices_raw if str(c).strip()))
    if kind in ("single", "multiple"):
        if len(choices) < 2:
            errors["choices"] = "Tulis minimal dua pilihan, satu per baris."
        elif len(choices) > 50 or any(len(c) > 200 for c in choices):
            errors["choices"] = "Maksimal 50 pilihan, masing-masing 200 karakter."
    else:
        choices = []
    if errors:
        raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields=errors)
    position = (db.session.scalar(
        select(func.max(RegistrationQuestion.position)).where(RegistrationQuestion.event_id == event.id)
    ) or 0) + 1  # fmt: skip
    q = RegistrationQuestion(event_id=event.id, position=position, label=label, help_text=help_text, kind=kind,
                             choices=choices, required=raw.get("required") is True)  # fmt: skip
    db.session.add(q)
    db.session.flush()
    audit.record("registration.question_add", q, event_id=event.id, actor=actor, details={"label": label, "kind": kind})
    return q


def delete_question(q: RegistrationQuestion, *, actor=None) -> None:
    """Remove a question; answers already given stay with the registrations."""
    audit.record("registration.question_delete", q, event_id=q.event_id, actor=actor, details={"label": q.label})
    db.session.delete(q)
    db.session.flush()


def copy_questions(source_event_id: int, target: Event) -> int:
    """Give ``target`` the extra form questions of another event (no answers: those belong to people)."""
    count = 0
    for q in event_questions(source_event_id):
        db.session.add(RegistrationQuestion(event_id=target.id, position=q.position, label=q.label,
                                            help_text=q.help_text, kind=q.kind, choices=list(q.choices or []),
                                            required=q.required))  # fmt: skip
        count += 1
    db.session.flush()
    return count
