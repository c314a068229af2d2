"""Choice labels shown in forms and lists (Indonesian source text, translated at render time)."""

from flask_babel import lazy_gettext as _l

EMPLOYMENT_LABELS = {"pns": _l("PNS"), "pppk": _l("PPPK"), "non_asn": _l("Non-ASN")}
INSTITUTION_LABELS = {
    "pusat": _l("Pemerintah pusat (kementerian/lembaga)"),
    "provinsi": _l("Pemerintah provinsi"),
    "kabkota": _l("Pemerintah kabupaten/kota"),
    "diskominfo": _l("Dinas Kominfo"),
    "lainnya": _l("Lainnya (praktisi, BUMN, perguruan tinggi, masyarakat)"),
}
MODE_LABELS = {"onsite": _l("Luring (tatap muka)"), "online": _l("Daring (Zoom)")}
STATUS_LABELS = {
    "confirmed": _l("Terkonfirmasi"),
    "waitlisted": _l("Daftar tunggu"),
    "pending": _l("Menunggu persetujuan"),
    "rejected": _l("Ditolak"),
    "cancelled": _l("Dibatalkan"),
}
SOURCE_LABELS = {
    "form": _l("Formulir pendaftaran"),
    "import": _l("Impor panitia"),
    "walkin": _l("Datang langsung"),
    "nomination": _l("Nominasi instansi"),
    "zoom_report": _l("Laporan Zoom"),
    "api": _l("API"),
}

# The participant fields as people name them (import errors, the import template, exports).
FIELD_LABELS = {
    "full_name": _l("Nama lengkap"),
    "email": _l("Email"),
    "phone": _l("Nomor HP"),
    "employment_status": _l("Status kepegawaian"),
    "nip": _l("NIP"),
    "rank": _l("Pangkat/golongan"),
    "position": _l("Jabatan"),
    "institution_type": _l("Jenis instansi"),
    "institution_name": _l("Instansi"),
    "work_unit": _l("Unit kerja"),
    "province_code": _l("Provinsi"),
    "regency_code": _l("Kabupaten/kota"),
    "mode": _l("Cara mengikuti"),
    "consent": _l("Persetujuan"),
    "file": _l("Berkas"),
}


def label(labels: dict, code: str | None) -> str:
    """The label of a code for people; an unknown code shows as itself rather than vanishing."""
    if not code:
        return ""
    return str(labels[code]) if code in labels else code


# PNS pangkat/golongan, 17 steps (PP 99/2000); PPPK and non-ASN may type their own.
RANKS = (
    "Juru Muda (I/a)", "Juru Muda Tingkat I (I/b)", "Juru (I/c)", "Juru Tingkat I (I/d)",
    "Pengatur Muda (II/a)", "Pengatur Muda Tingkat I (II/b)", "Pengatur (II/c)", "Pengatur Tingkat I (II/d)",
    "Penata Muda (III/a)", "Penata Muda Tingkat I (III/b)", "Penata (III/c)", "Penata Tingkat I (III/d)",
    "Pembina (IV/a)", "Pembina Tingkat I (IV/b)", "Pembina Utama Muda (IV/c)", "Pembina Utama Madya (IV/d)",
    "Pembina Utama (IV/e)",
)  # fmt: skip
