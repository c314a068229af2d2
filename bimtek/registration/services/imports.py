"""Participant lists in: a spreadsheet of invited participants, previewed then registered.

Two steps with nothing saved in between: preview (every row checked with the same rules as the form,
duplicates against the event and within the file) and commit (the valid rows through `register_many`:
the import channel's policy, the one seat allocator and the audit row of every registration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.reference import regions
from bimtek.registration.models import Registration
from bimtek.registration.services.register import register_many
from bimtek.registration.services.validation import RegistrationInput, validate_participant
from bimtek.registration.spreadsheet import ImportFileError, read_table

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
          "luring_tatap_muka": "onsite", "online": "online", "daring": "online", "zoom": "online",
          "daring_zoom": "online"}  # fmt: skip
_EMPLOYMENT = {"pns": "pns", "pppk": "pppk", "non_asn": "non_asn", "nonasn": "non_asn", "non": "non_asn"}
_INSTITUTION = {"pusat": "pusat", "pemerintah_pusat": "pusat", "kementerian": "pusat", "lembaga": "pusat",
                "pemerintah_pusat_kementerian_lembaga": "pusat",
                "provinsi": "provinsi", "pemerintah_provinsi": "provinsi", "kabkota": "kabkota",
                "kabupaten_kota": "kabkota", "pemerintah_kabupaten_kota": "kabkota", "diskominfo": "diskominfo",
                "dinas_kominfo": "diskominfo", "lainnya": "lainnya",
                "lainnya_praktisi_bumn_perguruan_tinggi_masyarakat": "lainnya"}  # fmt: skip

# Institution names whose type is obvious, tried in order (a Dinas Kominfo Provinsi is Diskominfo, not
# provinsi; a Badan ... Daerah belongs to a region, so it is not obviously pusat and stays as typed).
_OBVIOUS_TYPES = (
    (("dinas_kominfo", "diskominfo", "dinas_komunikasi_dan_informatika", "dinas_komunikasi_informatika"), "diskominfo"),
    (("pemerintah_provinsi", "pemprov", "sekretariat_daerah_provinsi"), "provinsi"),
    (("pemerintah_kabupaten", "pemerintah_kota", "pemkab", "pemkot"), "kabkota"),
    (("kementerian", "kemen", "badan", "lembaga", "sekretariat_negara", "sekretariat_kabinet"), "pusat"),
)


def infer_institution_type(name: str) -> str:
    """The instansi type when the name makes it obvious ("Kementerian Keuangan" -> pusat), else ""."""
    key = _key(name or "")
    for prefixes, kind in _OBVIOUS_TYPES:
        if any(key == p or key.startswith(p + "_") for p in prefixes):
            if kind == "pusat" and "daerah" in key.split("_"):
                return ""
            return kind
    return ""


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
    out["institution_type"] = _INSTITUTION.get(itype, itype) or infer_institution_type(row.get("institution_name", ""))
    out["province_code"] = _province_code(row.get("province_code", ""))
    out["regency_code"] = _regency_code(row.get("regency_code", ""), out["province_code"])
    return out


@dataclass
class ImportRow:
    line: int
    raw: dict
    clean: RegistrationInput | None = None
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


# The template offered on the import page: (field, header, how to fill it, example).
TEMPLATE_COLUMNS = (
    ("full_name", "Nama lengkap", "Dengan gelar, persis seperti di sertifikat", "Dr. Rina Hapsari, S.Sos., M.Si."),
    ("email", "Email", "Alamat email aktif", "rina.hapsari@contoh.go.id"),
    ("phone", "Nomor HP/WhatsApp", "08xx atau +62", "0812-3456-7890"),
    ("employment_status", "Status kepegawaian", "PNS, PPPK, atau Non-ASN", "PNS"),
    ("nip", "NIP", "18 angka; wajib untuk PNS dan PPPK", "19800101 200501 2 001"),
    ("rank", "Pangkat/golongan", "Untuk PNS", "Penata (III/c)"),
    ("position", "Jabatan", "", "Pranata Humas Ahli Muda"),
    ("institution_type", "Jenis instansi",
     "Pemerintah pusat, Pemerintah provinsi, Pemerintah kabupaten/kota, Dinas Kominfo, atau Lainnya; "
     "boleh kosong bila jelas dari nama instansi", ""),
    ("institution_name", "Instansi", "", "Kementerian Keuangan"),
    ("work_unit", "Unit kerja", "", "Biro Komunikasi dan Layanan Informasi"),
    ("province_code", "Provinsi", "Nama atau kode Kemendagri", "DKI Jakarta"),
    ("regency_code", "Kabupaten/kota", "Nama atau kode Kemendagri", "Kota Jakarta Pusat"),
    ("mode", "Cara mengikuti", "Luring atau Daring; kosong = pilihan di halaman impor", "Luring"),
)  # fmt: skip


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
            row.clean = validate_participant(
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


def commit_import(event: Event, preview: ImportPreview, *, actor, now: datetime | None = None) -> dict[str, int]:
    """Register the valid rows (source "import") through the one door for many; flushes."""
    result = register_many(event, [r.clean for r in preview.valid], channel="import", actor=actor, now=now or utcnow())
    result["skipped"] = len(preview.invalid)
    audit.record("registration.import", event_id=event.id, actor=actor,
                 details={k: v for k, v in result.items() if k != "registration_ids"})  # fmt: skip
    db.session.flush()
    return result
