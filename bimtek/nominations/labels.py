"""Labels of the nominations pages (Indonesian source text, translated at render time)."""

from flask_babel import lazy_gettext as _l

INTAKE_LABELS = {
    "open": _l("Terbuka (formulir pendaftaran umum)"),
    "nomination": _l("Hanya melalui nominasi instansi"),
    "both": _l("Terbuka dan melalui nominasi instansi"),
}
MODE_LABELS = {"onsite": _l("Luring"), "online": _l("Daring")}
EMPLOYMENT_LABELS = {"pns": _l("PNS"), "pppk": _l("PPPK"), "non_asn": _l("Non-ASN")}
AGENCY_FIELD_LABELS = {
    "name": _l("Instansi"),
    "onsite_quota": _l("Kuota luring"),
    "online_quota": _l("Kuota daring"),
    "pic_name": _l("Nama PIC"),
    "pic_email": _l("Email PIC"),
    "pic_phone": _l("WhatsApp PIC"),
    "region_code": _l("Kode wilayah"),
}
