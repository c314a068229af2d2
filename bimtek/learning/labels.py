"""Labels for the codes of this feature (Indonesian source text, translated at render time)."""

from flask_babel import lazy_gettext as _l

TEST_LABELS = {"pre": _l("Pre-test"), "post": _l("Post-test")}
KIND_LABELS = {"choice": _l("Pilihan ganda"), "truefalse": _l("Benar/Salah"), "short": _l("Isian singkat")}
SCOPE_LABELS = {"both": _l("Pre-test dan post-test"), "pre": _l("Hanya pre-test"), "post": _l("Hanya post-test")}
COUNTING_LABELS = {"best": _l("Nilai terbaik"), "last": _l("Nilai terakhir")}
STATE_LABELS = {
    "disabled": _l("Tes belum disiapkan panitia."),
    "not_open": _l("Tes belum dibuka."),
    "open": _l("Tes sedang dibuka."),
    "closed": _l("Tes sudah ditutup."),
    "in_progress": _l("Anda sedang mengerjakan tes ini."),
    "done": _l("Anda sudah menyelesaikan tes ini."),
    "not_confirmed": _l("Tes hanya untuk peserta terkonfirmasi."),
}
TRUE_FALSE_LABELS = {"true": _l("Benar"), "false": _l("Salah")}
FLAG_LABELS = {
    "review": _l("Periksa soal: daya beda rendah"),
    "easy": _l("Terlalu mudah"),
    "hard": _l("Terlalu sulit"),
    "": "",
}
