"""Demo data for nominations: the upcoming event takes agency nominations besides open registration."""

from __future__ import annotations

from datetime import timedelta

from bimtek.extensions import db
from bimtek.nominations import pic, services

AGENCIES = (
    # name, region, on-site quota, online quota, PIC, email, WhatsApp, people nominated
    ("Dinas Kominfo Kota Batam", "21.71", 1, 2, "Rina Marlina", "pic.kominfo@batam.go.id", "0812-7000-1001", 2),
    ("Dinas Kominfo Provinsi Kepulauan Riau", "21", 2, 1, "Hendra Saputra", "diskominfo@kepriprov.go.id",
     "0813-6400-2002", 1),
    ("Dinas Kominfo Kabupaten Bintan", "21.01", 1, 1, "Yuliana Siregar", "kominfo@bintankab.go.id", "0812-6100-3003", 0),
    ("Dinas Kominfo Kabupaten Karimun", "21.02", 0, 2, "", "", "", 0),
)  # fmt: skip
PEOPLE = (
    ("Andi Pratama, S.I.Kom.", "andi.pratama@batam.go.id", "0812-7711-0001", "online"),
    ("Sri Wahyuni, S.Sos.", "sri.wahyuni@batam.go.id", "0812-7711-0002", "onsite"),
    ("Muhammad Rizki, S.T.", "m.rizki@kepriprov.go.id", "0812-7711-0003", "onsite"),
)


def seed(ctx: dict) -> None:
    """Both open and nominated intake, a deadline a week before the event, four invited agencies."""
    event = ctx["upcoming"]
    services.configure(event, "both", event.starts_at - timedelta(days=7), True, user="demo")
    people = iter(PEOPLE)
    for name, region, onsite, online, pic_name, email, phone, nominated in AGENCIES:
        raw = {"name": name, "region_code": region, "onsite_quota": onsite, "online_quota": online,
               "pic_name": pic_name, "pic_email": email, "pic_phone": phone}  # fmt: skip
        agency = services.add_agency(event, services.clean_agency(raw), user="demo")
        services.new_link(agency)
        if email:
            agency.invited_at = event.created_at
        for _ in range(nominated):
            full_name, person_email, person_phone, mode = next(people)
            pic.nominate(agency, {"full_name": full_name, "email": person_email, "phone": person_phone,
                                  "employment_status": "non_asn", "position": "Pengelola Media Sosial",
                                  "work_unit": "Bidang Informasi dan Komunikasi Publik", "mode": mode,
                                  "regency_code": region if "." in region else "21.71"})  # fmt: skip
            db.session.refresh(agency)
    db.session.flush()
