"""Every code's label for people, in one place: statuses, modes, roles, sources, kinds, audit actions.

The text here is the Indonesian source (the msgid); ``label(kind, code)`` translates it when it is called,
in the language of the request (English through the app's catalog). No raw code ever reaches a page, a
PDF, an export or an email: an unknown code shows as itself only so that a gap is visible, and the crawler
test (tests/integration/test_crawl.py) looks for exactly that.

Pure: no Flask. The app installs its translator at start-up (``bimtek.i18n.init_i18n``); without one (unit
tests of pure modules) labels are the Indonesian source text. Documents that are Indonesian whatever the
reader's language (laporan, daftar hadir, certificates and their verification API) ask with ``lang="id"``.
Where a document uses an upper-case form (a certificate's "PESERTA", "VALID"), it calls ``.upper()``.
"""

from __future__ import annotations

from collections.abc import Callable


def _(text: str) -> str:  # a marker for the catalog tools, not gettext: translation happens in label()
    """Marks a msgid for the catalogs; translated later, when a label is asked for."""
    return text


LABELS: dict[str, dict] = {
    # Registration
    "registration_status": {
        "confirmed": _("Terkonfirmasi"),
        "waitlisted": _("Daftar tunggu"),
        "pending": _("Menunggu persetujuan"),
        "rejected": _("Ditolak"),
        "cancelled": _("Dibatalkan"),
    },
    "mode": {"onsite": _("Luring (tatap muka)"), "online": _("Daring (Zoom)")},
    "mode_short": {"onsite": _("Luring"), "online": _("Daring")},
    "employment_status": {"pns": _("PNS"), "pppk": _("PPPK"), "non_asn": _("Non-ASN")},
    "institution_type": {
        "pusat": _("Pemerintah pusat (kementerian/lembaga)"),
        "provinsi": _("Pemerintah provinsi"),
        "kabkota": _("Pemerintah kabupaten/kota"),
        "diskominfo": _("Dinas Kominfo"),
        "lainnya": _("Lainnya (praktisi, BUMN, perguruan tinggi, masyarakat)"),
    },
    # The same institution types, short, for report tables and charts.
    "institution_type_short": {
        "pusat": _("Pemerintah pusat (K/L)"),
        "provinsi": _("Pemerintah provinsi"),
        "kabkota": _("Pemerintah kabupaten/kota"),
        "diskominfo": _("Diskominfo"),
        "lainnya": _("Lainnya"),
    },
    "registration_source": {
        "form": _("Formulir pendaftaran"),
        "import": _("Impor panitia"),
        "walkin": _("Datang langsung"),
        "nomination": _("Nominasi instansi"),
        "zoom_report": _("Laporan Zoom"),
        "api": _("API"),
    },
    # The participant fields as people name them (import errors, the import template, exports).
    "registration_field": {
        "full_name": _("Nama lengkap"),
        "email": _("Email"),
        "phone": _("Nomor HP"),
        "employment_status": _("Status kepegawaian"),
        "nip": _("NIP"),
        "rank": _("Pangkat/golongan"),
        "position": _("Jabatan"),
        "institution_type": _("Jenis instansi"),
        "institution_name": _("Instansi"),
        "work_unit": _("Unit kerja"),
        "province_code": _("Provinsi"),
        "regency_code": _("Kabupaten/kota"),
        "mode": _("Cara mengikuti"),
        "consent": _("Persetujuan"),
        "file": _("Berkas"),
    },
    "question_kind": {
        "short": _("Jawaban singkat"),
        "long": _("Jawaban panjang"),
        "single": _("Pilihan ganda (satu)"),
        "multiple": _("Kotak centang (beberapa)"),
        "yesno": _("Ya/tidak"),
        "file": _("Unggah berkas (PDF/JPG/PNG, maks. 5 MB)"),
    },
    "data_request_status": {"open": _("Menunggu"), "done": _("Selesai"), "refused": _("Ditolak")},
    "audit_action": {
        "registration.create": _("Mendaftar"),
        "registration.approve": _("Disetujui panitia"),
        "registration.reject": _("Ditolak panitia"),
        "registration.cancel": _("Pendaftaran dibatalkan"),
        "registration.promote": _("Mendapat kursi dari daftar tunggu"),
        "registration.mode_change": _("Cara mengikuti diubah"),
        "registration.ticket_reissue": _("Tiket diterbitkan ulang"),
        "registration.name_change": _("Nama diperbaiki"),
        "registration.update": _("Data diperbaiki panitia"),
        "registration.deletion_request": _("Meminta penghapusan data"),
        "registration.data_download": _("Mengunduh salinan datanya"),
        "registration.erase": _("Data pribadi dihapus"),
        "registration.resend": _("Email konfirmasi dikirim ulang"),
    },
    # Events and jobs
    "event_status": {
        "draft": _("Draf"),
        "published": _("Diterbitkan"),
        "closed": _("Pendaftaran ditutup"),
        "archived": _("Diarsipkan"),
    },
    "job_status": {
        "queued": _("Menunggu giliran"),
        "running": _("Sedang berjalan"),
        "done": _("Sudah selesai"),
        "failed": _("Gagal"),
    },
    # Staff accounts
    "user_role": {"organizer": _("Panitia"), "checkin": _("Petugas registrasi"), "admin": _("Admin")},
    # People in an event: a certificate's role, a speaker's role.
    "role": {
        "peserta": _("Peserta"),
        "narasumber": _("Narasumber"),
        "moderator": _("Moderator"),
        "panitia": _("Panitia"),
    },
    # Certificates
    "certificate_status": {"valid": _("Valid"), "revoked": _("Dicabut"), "replaced": _("Diganti")},
    "certificate_scope": {
        "eligible": _("semua yang memenuhi syarat"),
        "selected": _("peserta terpilih"),
        "speakers": _("narasumber dan moderator"),
        "panitia": _("panitia"),
    },
    "certificate_field": {
        "number": _("Nomor saja"),
        "number_line": _("Nomor: ..."),
        "name": _("Nama"),
        "role": _("Peran"),
        "role_line": _("sebagai PERAN"),
        "event_title": _("Judul kegiatan"),
        "organizer": _("Penyelenggara"),
        "date_text": _("Tanggal kegiatan"),
        "place_text": _("Tempat kegiatan"),
        "date_place": _("Tanggal dan tempat"),
        "jp": _("JP (angka)"),
        "jp_text": _("selama ... JP"),
        "issue_place": _("Tempat terbit"),
        "issue_date_text": _("Tanggal terbit"),
        "issue_line": _("Tempat, tanggal terbit"),
        "signatory_title": _("Jabatan penandatangan"),
        "signatory_name": _("Nama penandatangan"),
        "signatory_nip": _("NIP penandatangan"),
        "verification_code": _("Kode verifikasi"),
        "qr": _("QR verifikasi"),
        "signature": _("Gambar tanda tangan"),
        "logo": _("Logo"),
    },
    # Check-in: how a person was let in, and why a scan needs a second look
    "checkin_source": {
        "scan": _("Pindai QR"),
        "manual": _("Dicari manual"),
        "walkin": _("Datang langsung"),
        "offline": _("Pindai tanpa sinyal"),
    },
    "checkin_flag": {
        "late_upload": _("Diunggah terlambat dari perangkat luring"),
        "duplicate_offline": _("Pindaian ganda dari perangkat luring"),
        "admitted_online_override": _("Peserta daring diizinkan masuk"),
        "clock_skew": _("Jam perangkat tidak cocok"),
    },
    # Attendance
    "attendance_source": {
        "zoom_report": _("Zoom"),
        "zoom_webhook": _("Webhook"),
        "presensi": _("Presensi"),
        "venue": _("Luring"),
    },
    "presensi_window": {"start": _("awal"), "middle": _("tengah"), "end": _("akhir")},
    # Why a participant is not (yet) eligible: templates filled in by attendance/eligibility.py.
    "eligibility_reason": {
        "session_short": _("Sesi %(n)s: %(minutes)s dari %(duration)s menit (%(percent)s%%), minimal %(needed)s%%"),
        "session_absent": _("Sesi %(n)s: tidak hadir"),
        "presensi_missing": _("Sesi %(n)s: presensi %(windows)s belum diisi"),
        "min_sessions": _("Hadir %(attended)s dari %(total)s sesi, minimal %(needed)s sesi"),
        "no_attendance": _("Tidak ada kehadiran yang tercatat"),
        "min_total_jp": _("Total %(jp)s JP, minimal %(needed)s JP"),
        "evaluation_missing": _("Evaluasi kegiatan belum diisi"),
        "post_test_not_passed": _("Belum lulus post-test"),
        "inactive": _("Pendaftaran tidak aktif"),
    },
    # Warnings about an uploaded Zoom report (stored with the import; pages read them in their language).
    "zoom_warning": {
        "meeting_mismatch": _("ID rapat di laporan berbeda dengan ID Zoom kegiatan ini."),
        "outside_session": _("%(n)s orang tidak hadir dalam rentang waktu sesi ini (0 menit setelah dipotong)."),
    },
    # Evaluation
    "evaluation_section": {
        "organisasi": _("Penyelenggaraan"),
        "materi": _("Materi"),
        "narasumber": _("Narasumber"),
        "umum": _("Manfaat kegiatan"),
        "saran": _("Saran"),
    },
    "evaluation_scope": {"event": _("Sekali"), "session": _("Setiap sesi"), "speaker": _("Setiap narasumber")},
    "evaluation_kind": {"scale": _("Skala 1–5"), "text": _("Teks bebas")},
    "evaluation_audience": {"": _("Semua peserta"), "onsite": _("Peserta luring"), "online": _("Peserta daring")},
    "evaluation_scale": {1: _("Sangat kurang"), 2: _("Kurang"), 3: _("Cukup"), 4: _("Baik"), 5: _("Sangat baik")},
    # Learning (pre-test and post-test)
    "test_kind": {"pre": _("Pre-test"), "post": _("Post-test")},
    "test_question_kind": {"choice": _("Pilihan ganda"), "truefalse": _("Benar/Salah"), "short": _("Isian singkat")},
    "test_question_scope": {
        "both": _("Pre-test dan post-test"),
        "pre": _("Hanya pre-test"),
        "post": _("Hanya post-test"),
    },
    "test_counting": {"best": _("Nilai terbaik"), "last": _("Nilai terakhir")},
    "test_state": {
        "disabled": _("Tes belum disiapkan panitia."),
        "not_open": _("Tes belum dibuka."),
        "open": _("Tes sedang dibuka."),
        "closed": _("Tes sudah ditutup."),
        "in_progress": _("Anda sedang mengerjakan tes ini."),
        "done": _("Anda sudah menyelesaikan tes ini."),
        "not_confirmed": _("Tes hanya untuk peserta terkonfirmasi."),
    },
    "true_false": {"true": _("Benar"), "false": _("Salah")},
    "item_flag": {
        "review": _("Periksa soal: daya beda rendah"),
        "easy": _("Terlalu mudah"),
        "hard": _("Terlalu sulit"),
        "": "",
    },
    # Materials
    "material_release": {
        "now": _("Langsung"),
        "after_session": _("Setelah sesi selesai"),
        "never": _("Tidak dibagikan"),
    },
    "material_kind": {"file": _("Berkas"), "link": _("Tautan video")},
    # Nominations
    "event_intake": {
        "open": _("Terbuka (formulir pendaftaran umum)"),
        "nomination": _("Hanya melalui nominasi instansi"),
        "both": _("Terbuka dan melalui nominasi instansi"),
    },
    "agency_field": {
        "name": _("Instansi"),
        "onsite_quota": _("Kuota luring"),
        "online_quota": _("Kuota daring"),
        "pic_name": _("Nama PIC"),
        "pic_email": _("Email PIC"),
        "pic_phone": _("WhatsApp PIC"),
        "region_code": _("Kode wilayah"),
    },
    # Reminders
    "reminder_kind": {
        "ticket": _("Tiket dan tautan pribadi (pendaftaran diterima)"),
        "h3": _("H-3: tiga hari sebelum kegiatan"),
        "h1": _("H-1: sehari sebelum kegiatan"),
        "zoom": _("Satu jam sebelum sesi Zoom (peserta daring)"),
        "evaluation": _("Evaluasi dibuka"),
        "post_test": _("Post-test dibuka"),
        "certificate": _("Sertifikat siap"),
    },
    "reminder_send": {
        "claimed": _("Sedang dikirim (belum pasti terkirim)"),
        "sent": _("Terkirim"),
        "failed": _("Gagal dikirim"),
    },
    "reminder_whatsapp": {"": "", "sent": _("WhatsApp terkirim otomatis"), "failed": _("WhatsApp otomatis gagal")},
    "reminder_state": {
        "wa_only": _("Hanya WhatsApp"),
        "off": _("Nonaktif"),
        "unscheduled": _("Belum terjadwal"),
        "waiting": _("Terjadwal"),
        "open": _("Sedang dikirim"),
        "past": _("Waktunya sudah lewat"),
        "per_person": _("Per peserta"),
    },
    "reminder_placeholder": {
        "nama": _("Nama lengkap peserta, dengan gelar"),
        "acara": _("Judul kegiatan"),
        "waktu": _("Hari, tanggal, dan jam mulai kegiatan (zona waktu kegiatan)"),
        "tautan": _("Tautan pribadi peserta untuk pengingat ini (tiket, evaluasi, post-test, atau sertifikat)"),
        "sesi": _("Judul sesi (pengingat Zoom)"),
        "jam": _("Jam mulai sesi (pengingat Zoom)"),
        "zoom": _("Tautan, Meeting ID, dan kode sandi Zoom (hanya email, pengingat Zoom)"),
    },
}


def _identity(text: str, kind: str) -> str:
    return text


_translate: Callable[[str, str], str] = _identity


def set_translator(translate: Callable[[str, str], str]) -> None:
    """Installed by the app: (msgid, kind) -> text in the current language.

    The kind is the msgctxt where a word means something else elsewhere ("Peserta" is "Participants" as a
    tab but "Participant" as a certificate role); without one, the plain msgid's translation.
    """
    global _translate
    _translate = translate


def label(kind: str, code, lang: str | None = None) -> str:
    """What people read for ``code`` of ``kind``, in the current language (``lang="id"``: always Indonesian).

    An empty code is an empty label; an unknown code shows as itself rather than vanishing.
    """
    if code is None or (code == "" and "" not in LABELS[kind]):
        return ""
    msgid = LABELS[kind].get(code)
    if msgid is None:
        return str(code)
    if not msgid or lang == "id":
        return msgid
    return _translate(msgid, kind)


def codes(kind: str) -> tuple:
    """The codes of a kind, in their display order."""
    return tuple(LABELS[kind])


def labels(kind: str, lang: str | None = None) -> dict:
    """Every code of a kind with its label, in display order (for a select, a legend, a table header)."""
    return {code: label(kind, code, lang) for code in LABELS[kind]}


def all_codes() -> set[str]:
    """Every code of every kind (the crawler looks for the unmistakable ones in page text)."""
    return {str(code) for table in LABELS.values() for code in table}
