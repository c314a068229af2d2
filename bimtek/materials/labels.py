"""Labels for the codes of this feature (Indonesian source text, translated at render time)."""

from flask_babel import lazy_gettext as _l

RELEASE_LABELS = {
    "now": _l("Langsung"),
    "after_session": _l("Setelah sesi selesai"),
    "never": _l("Tidak dibagikan"),
}
KIND_LABELS = {"file": _l("Berkas"), "link": _l("Tautan video")}
