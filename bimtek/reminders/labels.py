"""Readable names of reminder kinds and send states (never the raw codes on a page or in an email)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "ticket": _l("Tiket dan tautan pribadi (pendaftaran diterima)"),
    "h3": _l("H-3: tiga hari sebelum kegiatan"),
    "h1": _l("H-1: sehari sebelum kegiatan"),
    "zoom": _l("Satu jam sebelum sesi Zoom (peserta daring)"),
    "evaluation": _l("Evaluasi dibuka"),
    "post_test": _l("Post-test dibuka"),
    "certificate": _l("Sertifikat siap"),
}
SEND_LABELS = {
    "claimed": _l("Sedang dikirim (belum pasti terkirim)"),
    "sent": _l("Terkirim"),
    "failed": _l("Gagal dikirim"),
}
WA_LABELS = {"": "", "sent": _l("WhatsApp terkirim otomatis"), "failed": _l("WhatsApp otomatis gagal")}
STATE_LABELS = {
    "wa_only": _l("Hanya WhatsApp"),
    "off": _l("Nonaktif"),
    "unscheduled": _l("Belum terjadwal"),
    "waiting": _l("Terjadwal"),
    "open": _l("Sedang dikirim"),
    "past": _l("Waktunya sudah lewat"),
    "per_person": _l("Per peserta"),
}
PLACEHOLDER_LABELS = {
    "nama": _l("Nama lengkap peserta, dengan gelar"),
    "acara": _l("Judul kegiatan"),
    "waktu": _l("Hari, tanggal, dan jam mulai kegiatan (zona waktu kegiatan)"),
    "tautan": _l("Tautan pribadi peserta untuk pengingat ini (tiket, evaluasi, post-test, atau sertifikat)"),
    "sesi": _l("Judul sesi (pengingat Zoom)"),
    "jam": _l("Jam mulai sesi (pengingat Zoom)"),
    "zoom": _l("Tautan, Meeting ID, dan kode sandi Zoom (hanya email, pengingat Zoom)"),
}
