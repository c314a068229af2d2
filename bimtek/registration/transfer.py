"""Participant lists in and out: export with chosen columns, import of invited participants.

Import runs in two steps with nothing saved in between: preview (every row checked with the same rules
as the form, duplicates against the event and within the file) and commit (the valid rows inserted in
bulk, seats taken for the whole batch with one locked update per mode).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import JSON, insert, select, update

from bimtek.core import audit
from bimtek.core.codes import new_private_token, new_registration_code
from bimtek.core.models import AuditLog
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.reference import regions
from bimtek.registration import services
from bimtek.registration.models import Registration
from bimtek.registration.names import name_search_key
from bimtek.registration.spreadsheet import ImportFileError, read_table

# Export columns: key -> (header, getter).
EXPORT_COLUMNS: dict[str, tuple[str, object]] = {
    "code": ("Kode", lambda r: r.code),
    "full_name": ("Nama lengkap", lambda r: r.full_name),
    "email": ("Email", lambda r: r.email),
    "phone": ("Nomor HP", lambda r: r.phone),
    "employment_status": ("Status kepegawaian", lambda r: r.employment_status),
    "nip": ("NIP", lambda r: r.nip or ""),
    "rank": ("Pangkat/golongan", lambda r: r.rank),
    "position": ("Jabatan", lambda r: r.position),
    "institution_type": ("Jenis instansi", lambda r: r.institution_type),
    "institution_name": ("Instansi", lambda r: r.institution_name),
    "work_unit": ("Unit kerja", lambda r: r.work_unit),
    "province": ("Provinsi", lambda r: _province_name(r.province_code)),
    "regency": ("Kabupaten/kota", lambda r: _regency_name(r.regency_code)),
    "mode": ("Cara mengikuti", lambda r: r.mode),
    "status": ("Status", lambda r: r.status),
    "source": ("Sumber", lambda r: r.source),
    "created_at": ("Terdaftar (UTC)", lambda r: as_utc(r.created_at).strftime("%Y-%m-%d %H:%M:%S")),
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
    questions = services.event_questions(event.id) if "answers" in columns else []
    getters = {**EXPORT_COLUMNS}
    headers = {c: EXPORT_COLUMNS[c][0] for c in columns if c in EXPORT_COLUMNS}
    if "answers" in columns:
        # One column per extra question, after the chosen standard columns.
        columns = [c for c in columns if c != "answers"] + [f"q{q.id}" for q in questions]
        for q in questions:
            getters[f"q{q.id}"] = (q.label, lambda r, q=q: _answer_text(q, (r.answers or {}).get(str(q.id))))
            headers[f"q{q.id}"] = q.label
    conds = services.search_conditions(event.id, args)
    total = db.session.scalar(select(db.func.count()).select_from(Registration).where(*conds))
    audit.record("registration.export", event_id=event.id, actor=actor,
                 details={"columns": columns, "count": total, "filters": args})  # fmt: skip
    query = select(Registration).where(*conds).order_by(services._name_order(), Registration.id)

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


# --- Import -----------------------------------------------------------------------------------------------

ALIASES = {
    "full_name": ("full_name", "nama", "nama_lengkap", "nama_lengkap_dengan_gelar", "nama_dan_gelar", "name"),
    "email": ("email", "e_mail", "surel", "alamat_email"),
    "phone": ("phone", "hp", "no_hp", "nomor_hp", "nomor_hp_whatsapp", "no_hp_wa", "whatsapp", "no_wa", "telepon"),
    "employment_status": ("employment_status", "status_kepegawaian", "status_pegawai", "kepegawaian"),
    "nip": ("nip",),
    "rank": ("rank", "pangkat", "golongan", "pangkat_golongan", "pangkat_gol"),
    "position": ("position", "jabatan"),
    "institution_type": ("institution_type", "jenis_instansi"),
    "institution_name": ("institution_name", "instansi", "nama_instansi"),
    "work_unit": ("work_unit", "unit_kerja", "unit"),
    "province_code": ("province_code", "provinsi", "kode_provinsi"),
    "regency_code": ("regency_code", "kabupaten_kota", "kab_kota", "kabupaten", "kota", "kode_kabupaten_kota"),
    "mode": ("mode", "cara_mengikuti", "kehadiran"),
}
HEADER_ALIASES = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_MODES = {"onsite": "onsite", "luring": "onsite", "offline": "onsite", "tatap_muka": "onsite",
          "online": "online", "daring": "online", "zoom": "online"}  # fmt: skip
_EMPLOYMENT = {"pns": "pns", "pppk": "pppk", "non_asn": "non_asn", "nonasn": "non_asn", "non": "non_asn"}
_INSTITUTION = {"pusat": "pusat", "pemerintah_pusat": "pusat", "kementerian": "pusat", "lembaga": "pusat",
                "provinsi": "provinsi", "pemerintah_provinsi": "provinsi", "kabkota": "kabkota",
                "kabupaten_kota": "kabkota", "pemerintah_kabupaten_kota": "kabkota", "diskominfo": "diskominfo",
                "dinas_kominfo": "diskominfo", "lainnya": "lainnya"}  # fmt: skip


def _key(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.strip().lower()).strip("_").replace("__", "_")


_PROVINCE_ABBREVIATIONS = {"dki_jakarta": "daerah_khusus_ibukota_jakarta", "jakarta": "daerah_khusus_ibukota_jakarta",
                           "diy": "daerah_istimewa_yogyakarta", "yogyakarta": "daerah_istimewa_yogyakarta"}  # fmt: skip


@lru_cache(maxsize=1)
def _province_keys() -> dict[str, str]:
    return {_key(p.name): p.code for p in regions.provinces()}


@lru_cache(maxsize=64)
def _regency_keys(province_code: str) -> list[tuple[str, str, str]]:
    return [(_key(r.name), r.kind, r.code) for r in regions.regencies(province_code)]


@lru_cache(maxsize=4096)
def _province_code(value: str) -> str:
    value = value.strip()
    if not value or value[:2].isdigit():
        return value
    wanted = _key(value).removeprefix("provinsi_")
    return _province_keys().get(_PROVINCE_ABBREVIATIONS.get(wanted, wanted), value)


def _bare(name: str) -> str:
    for prefix in ("kota_administrasi_", "kabupaten_administrasi_", "kabupaten_", "kab_", "kota_"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@lru_cache(maxsize=4096)
def _regency_code(value: str, province_code: str) -> str:
    """A kabupaten/kota code from its code or name ("Kota Batam", "Batam"; ambiguous bare names stay as typed)."""
    value = value.strip()
    if not value or value[:2].isdigit():
        return value
    wanted = _key(value)
    try:
        candidates = _regency_keys(province_code)
    except regions.RegionError:
        return value
    exact = [code for name, _kind, code in candidates if name == wanted]
    if exact:
        return exact[0]
    kind = "kota" if wanted.startswith("kota_") else "kabupaten" if wanted.startswith(("kab_", "kabupaten_")) else None
    loose = [code for name, k, code in candidates if _bare(name) == _bare(wanted) and kind in (None, k)]
    return loose[0] if len(loose) == 1 else value


def _normalise_row(row: dict, default_mode: str) -> dict:
    """Map spreadsheet spellings (names, "Luring", "Non ASN") to the form's values; validation does the rest."""
    out = dict(row)
    out["mode"] = _MODES.get(_key(row.get("mode", "")), row.get("mode", "")) or default_mode
    status = _key(row.get("employment_status", ""))
    out["employment_status"] = _EMPLOYMENT.get(status, status) or ("pns" if row.get("nip") else "non_asn")
    itype = _key(row.get("institution_type", ""))
    out["institution_type"] = _INSTITUTION.get(itype, itype)
    out["province_code"] = _province_code(row.get("province_code", ""))
    out["regency_code"] = _regency_code(row.get("regency_code", ""), out["province_code"])
    return out


@dataclass
class ImportRow:
    line: int
    raw: dict
    clean: services.RegistrationInput | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def valid(self) -> list[ImportRow]:
        return [r for r in self.rows if r.clean is not None]

    @property
    def invalid(self) -> list[ImportRow]:
        return [r for r in self.rows if r.clean is None]


def preview_import(event: Event, content: bytes, filename: str, *, default_mode: str, now: datetime) -> ImportPreview:
    """Check every row of a file without saving anything."""
    try:
        table = read_table(content, filename, HEADER_ALIASES)
    except ImportFileError as err:
        raise Invalid(err.code, err.message, fields={"file": err.message}) from err
    if not table:
        raise Invalid("empty", "Berkas tidak berisi baris data.", fields={"file": "Berkas tidak berisi baris data."})
    existing_emails, existing_nips = set(), set()
    for email_key, nip in db.session.execute(
        select(Registration.email_key, Registration.nip).where(Registration.event_id == event.id)
    ):
        existing_emails.add(email_key)
        if nip:
            existing_nips.add(nip)
    out: list[ImportRow] = []
    for i, raw in enumerate(table, start=2):  # line 1 is the header
        row = ImportRow(line=i, raw=raw)
        try:
            # Invited participants are not asked the form's extra questions.
            row.clean = services.validate_participant(
                event, _normalise_row(raw, default_mode), now=now, require_consent=False, questions=[]
            )
        except Invalid as err:
            row.errors = dict(err.fields)
        if row.clean is not None:
            email_key = row.clean.email.lower()
            if email_key in existing_emails:
                row.errors["email"] = "Email sudah terdaftar (atau muncul dua kali di berkas)."
            elif row.clean.nip and row.clean.nip in existing_nips:
                row.errors["nip"] = "NIP sudah terdaftar (atau muncul dua kali di berkas)."
            if row.errors:
                row.clean = None
            else:
                existing_emails.add(email_key)
                if row.clean.nip:
                    existing_nips.add(row.clean.nip)
        out.append(row)
    return ImportPreview(out)


def take_seats(event_id: int, mode: str, wanted: int) -> int:
    """Take up to `wanted` seats of a mode at once under the event's row lock; returns how many were taken."""
    col = Event.onsite_taken if mode == "onsite" else Event.online_taken
    cap = Event.onsite_capacity if mode == "onsite" else Event.online_capacity
    taken, capacity = db.session.execute(select(col, cap).where(Event.id == event_id).with_for_update()).one()
    grant = max(0, min(wanted, capacity - taken))
    if grant:
        result = db.session.execute(
            update(Event).where(Event.id == event_id, col + grant <= cap).values({col: col + grant})
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if result.rowcount != 1:
            return 0
    return grant


def _bulk_insert(table, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL (~10x an executemany), executemany elsewhere."""
    if db.engine.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    names = ", ".join(f'"{c}"' for c in columns)
    with db.session.connection().connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def commit_import(event: Event, preview: ImportPreview, *, actor, now: datetime | None = None) -> dict[str, int]:
    """Insert the valid rows (source "import"); seats first come, first served in file order; flushes."""
    now = now or utcnow()
    rows = preview.valid
    result = {"confirmed": 0, "waitlisted": 0, "skipped": len(preview.invalid)}
    grants = {}
    for mode in ("onsite", "online"):
        wanted = sum(1 for r in rows if r.clean.mode == mode)
        grants[mode] = take_seats(event.id, mode, wanted) if wanted else 0
    values = []
    for r in rows:
        c = r.clean
        if grants[c.mode] > 0:
            grants[c.mode] -= 1
            status, confirmed_at = "confirmed", now
        else:
            status, confirmed_at = "waitlisted", None
        result[status] += 1
        values.append({
            "event_id": event.id, "code": new_registration_code(), "manage_token": new_private_token(),
            "ticket_id": services.new_ticket_id(), "ticket_issued_at": now, "status": status, "mode": c.mode,
            "source": "import", "full_name": c.full_name, "name_key": name_search_key(c.full_name),
            "email": c.email, "email_key": c.email.lower(), "phone": c.phone, "employment_status": c.employment_status,
            "nip": c.nip, "rank": c.rank, "position": c.position, "institution_type": c.institution_type,
            "institution_name": c.institution_name, "work_unit": c.work_unit, "province_code": c.province_code,
            "regency_code": c.regency_code, "answers": {}, "consent_version": "", "created_at": now,
            "updated_at": now, "confirmed_at": confirmed_at,
        })  # fmt: skip
    if not values:
        return result
    _bulk_insert(Registration.__table__, values)
    ids: dict[str, int] = {}
    tokens = [v["manage_token"] for v in values]
    for start in range(0, len(tokens), 1000):
        chunk = tokens[start : start + 1000]
        query = select(Registration.manage_token, Registration.id).where(Registration.manage_token.in_(chunk))
        ids.update((token, rid) for token, rid in db.session.execute(query))
    label = getattr(actor, "email", None) or str(actor)
    _bulk_insert(AuditLog.__table__, [
        {"at": now, "actor_user_id": getattr(actor, "id", None), "actor_label": label, "event_id": event.id,
         "action": "registration.create", "object_type": "registration", "object_id": ids[v["manage_token"]],
         "details": {"status": v["status"], "mode": v["mode"], "source": "import"}, "ip": None}
        for v in values
    ])  # fmt: skip
    audit.record("registration.import", event_id=event.id, actor=actor, details=dict(result))
    db.session.flush()
    result["registration_ids"] = [ids[v["manage_token"]] for v in values]
    return result
