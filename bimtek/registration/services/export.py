"""Participant lists out: the filtered list with chosen columns, audited (UU PDP)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.labels import label
from bimtek.core.time import as_utc
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.reference import regions
from bimtek.registration.models import Registration
from bimtek.registration.services.questions import event_questions
from bimtek.registration.services.search import _name_order, search_conditions

# Export columns: key -> (header, getter).
EXPORT_COLUMNS: dict[str, tuple[str, object]] = {
    "code": ("Kode", lambda r: r.code),
    "full_name": ("Nama lengkap", lambda r: r.full_name),
    "email": ("Email", lambda r: r.email),
    "phone": ("Nomor HP", lambda r: r.phone),
    "employment_status": ("Status kepegawaian", lambda r: label("employment_status", r.employment_status)),
    "nip": ("NIP", lambda r: r.nip or ""),
    "rank": ("Pangkat/golongan", lambda r: r.rank),
    "position": ("Jabatan", lambda r: r.position),
    "institution_type": ("Jenis instansi", lambda r: label("institution_type", r.institution_type)),
    "institution_name": ("Instansi", lambda r: r.institution_name),
    "work_unit": ("Unit kerja", lambda r: r.work_unit),
    "province": ("Provinsi", lambda r: _province_name(r.province_code)),
    "regency": ("Kabupaten/kota", lambda r: _regency_name(r.regency_code)),
    "mode": ("Cara mengikuti", lambda r: label("mode", r.mode)),
    "status": ("Status", lambda r: label("registration_status", r.status)),
    "source": ("Sumber", lambda r: label("registration_source", r.source)),
    # The zone is the event's (WIB/WITA/WIT): export_rows fills in the getter and the header.
    "created_at": ("Waktu mendaftar", None),
}
DEFAULT_EXPORT = ("code", "full_name", "nip", "rank", "position", "institution_name", "mode", "status")


def _province_name(code: str) -> str:
    try:
        return regions.province(code).name
    except regions.RegionError:
        return code


def _regency_name(code: str) -> str:
    try:
        return regions.regency(code).name
    except regions.RegionError:
        return code


def export_rows(event: Event, args: dict, columns: list[str], *, actor) -> tuple[list[str], object]:
    """Headers and a row generator for the filtered list; the export itself is audited (UU PDP)."""
    columns = [c for c in columns if c in EXPORT_COLUMNS or c == "answers"] or list(DEFAULT_EXPORT)
    questions = event_questions(event.id) if "answers" in columns else []
    getters = {**EXPORT_COLUMNS}
    headers = {c: _(EXPORT_COLUMNS[c][0]) for c in columns if c in EXPORT_COLUMNS}
    zone = ZoneInfo(event.timezone or "Asia/Jakarta")
    getters["created_at"] = (None, lambda r: as_utc(r.created_at).astimezone(zone).strftime("%Y-%m-%d %H:%M"))
    headers["created_at"] = _("Terdaftar (%(zone)s)", zone=regions.zone_abbreviation(zone.key))
    if "answers" in columns:
        # One column per extra question, after the chosen standard columns.
        columns = [c for c in columns if c != "answers"] + [f"q{q.id}" for q in questions]
        for q in questions:
            getters[f"q{q.id}"] = (q.label, lambda r, q=q: _answer_text(q, (r.answers or {}).get(str(q.id))))
            headers[f"q{q.id}"] = q.label
    conds = search_conditions(event.id, args)
    total = db.session.scalar(select(db.func.count()).select_from(Registration).where(*conds))
    audit.record("registration.export", event_id=event.id, actor=actor,
                 details={"columns": columns, "count": total, "filters": args})  # fmt: skip
    query = select(Registration).where(*conds).order_by(_name_order(), Registration.id)

    def rows():
        for reg in db.session.scalars(query.execution_options(yield_per=1000)):
            yield [getters[c][1](reg) for c in columns]

    return [headers[c] for c in columns], rows()


def _answer_text(question, answer) -> str:
    if answer is None:
        return ""
    if question.kind == "file":
        return answer.get("name", "") if isinstance(answer, dict) else ""
    if question.kind == "multiple":
        return ", ".join(answer)
    if question.kind == "yesno":
        return "Ya" if answer else "Tidak"
    return str(answer)
