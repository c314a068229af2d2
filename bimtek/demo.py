"""The demo: the Batam bimtek of 25 August 2022 (finished) and an upcoming edition open for registration."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bimtek import FEATURES, feature_module
from bimtek.accounts import services as accounts
from bimtek.accounts.models import User
from bimtek.errors import Conflict
from bimtek.events import services as events
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration import services as registration

DEMO_PASSWORD = "bimtek-demo-2022"
ADMIN_EMAIL = "admin@demo.bimtek.id"
ORGANIZER_EMAIL = "panitia@demo.bimtek.id"
CHECKIN_EMAIL = "petugas@demo.bimtek.id"
WIB = ZoneInfo("Asia/Jakarta")
BATAM_SLUG = "bimtek-medsos-2022"
TITLE = "Bimtek Strategi Komunikasi Media Sosial dan Evaluasi Kinerja Media Sosial"


class DemoSlugTaken(Conflict):
    """The demo's address is held by an event that is not the demo: seeding would overwrite nothing, so refuse."""


DESCRIPTION = (
    "Bimbingan teknis bagi pengelola media sosial instansi pemerintah pusat dan daerah: strategi komunikasi "
    "media sosial, penyusunan konten, dan evaluasi kinerja akun media sosial pemerintah.\n\n"
    "Kegiatan diikuti secara tatap muka di Batam maupun secara daring melalui platform Zoom."
)

SESSIONS = [
    ("Pembukaan dan Arahan", (9, 0), (9, 30), 0.5,
     [("Direktur Tata Kelola dan Kemitraan Komunikasi Publik", "Kementerian Komunikasi dan Informatika", "narasumber")]),
    ("Strategi Komunikasi Media Sosial Instansi Pemerintah", (9, 30), (11, 0), 2,
     [("Dr. Rina Hapsari, S.Sos., M.Si.", "Biro Komunikasi dan Layanan Informasi, Kementerian Keuangan", "narasumber"),
      ("Andi Wijaya, S.I.Kom.", "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik", "moderator")]),
    ("Evaluasi Kinerja Media Sosial dan Praktik Baik Konten", (11, 0), (12, 30), 2,
     [("Bayu Prasetyo", "Praktisi media sosial", "narasumber"),
      ("Andi Wijaya, S.I.Kom.", "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik", "moderator")]),
]  # fmt: skip

# (full name, employment, nip, rank, position, institution type, institution, unit, province, regency, mode)
FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "I Gusti Ngurah", "Ni Luh Putu", "Tan", "Yohanes", "Maria", "Rizky",
         "Nur", "Fransiskus", "Made", "Wayan", "Putri", "Hendra", "Agus", "Lestari", "Muhammad", "Anak Agung"]  # fmt: skip
LAST = ["Santoso", "Rahmawati", "Hidayat", "Siregar", "Rai", "Ayu Sri Dewi", "Sioe Lie", "Manurung", "Kristiani",
        "Pratama", "Aini", "Xaverius Lamak", "Suarjana", "Sudarsana", "Maharani", "Gunawan", "Salim", "Handayani",
        "Iqbal", "Gde Ngurah"]  # fmt: skip
GELAR = ["", "S.Kom.", "S.I.Kom.", "S.Sos.", "S.E., M.M.", "M.Si.", "S.H.", ""]
PLACES = [
    ("pusat", "Kementerian Keuangan", "Biro Komunikasi dan Layanan Informasi", "31", "31.71"),
    ("pusat", "Kementerian Dalam Negeri", "Pusat Penerangan", "31", "31.71"),
    ("provinsi", "Pemerintah Provinsi Kepulauan Riau", "Biro Administrasi Pimpinan", "21", "21.71"),
    ("diskominfo", "Dinas Kominfo Kota Batam", "Bidang Informasi dan Komunikasi Publik", "21", "21.71"),
    ("kabkota", "Pemerintah Kabupaten Badung", "Bagian Protokol dan Komunikasi Pimpinan", "51", "51.03"),
    ("diskominfo", "Dinas Kominfo Provinsi Sulawesi Selatan", "Bidang IKP", "73", "73.71"),
    ("kabkota", "Pemerintah Kota Jayapura", "Bagian Humas", "91", "91.71"),
    ("provinsi", "Pemerintah Provinsi Jawa Timur", "Biro Administrasi Pimpinan", "35", "35.78"),
    ("diskominfo", "Dinas Kominfo Kabupaten Kutai Kartanegara", "Bidang IKP", "64", "64.02"),
    ("lainnya", "Universitas Riau Kepulauan", "Humas", "21", "21.71"),
]
RANKS = ["Penata Muda (III/a)", "Penata Muda Tingkat I (III/b)", "Penata (III/c)", "Penata Tingkat I (III/d)"]
POSITIONS = ["Pranata Humas Ahli Pertama", "Pranata Humas Ahli Muda", "Pengelola Media Sosial", "Analis Kebijakan"]


def _wib(y, m, d, hh, mm) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB).astimezone(UTC)


def _users() -> dict[str, User]:
    out = {}
    for email, role, name in (
        (ADMIN_EMAIL, "admin", "Admin Bimtek"),
        (ORGANIZER_EMAIL, "organizer", "Panitia Bimtek Medsos"),
        (CHECKIN_EMAIL, "checkin", "Petugas Registrasi"),
    ):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(email, DEMO_PASSWORD, role, name, actor="demo")
        out[role] = user
    return out


def _make_event(slug: str, day: datetime, users: dict, *, status: str, opens: datetime, closes: datetime) -> Event:
    raw = {
        "title": TITLE,
        "code": "BIMTEK-MEDSOS",
        "description": DESCRIPTION,
        "organizer_unit": "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik, Kementerian Komunikasi dan Informatika",
        "venue_name": "Swiss-Belhotel Harbour Bay",
        "venue_address": "Jl. Duyung, Sei Jodoh",
        "city": "Batam",
        "province_code": "21",
        "starts_at": _wib(day.year, day.month, day.day, 9, 0),
        "ends_at": _wib(day.year, day.month, day.day, 12, 30),
        "registration_opens_at": opens,
        "registration_closes_at": closes,
        "onsite_capacity": 45,
        "online_capacity": 400,
        "zoom_join_url": "https://us06web.zoom.us/j/81234567890?pwd=demo",
        "zoom_meeting_id": "812 3456 7890",
        "zoom_passcode": "medsos22",
        "approval_required": False,
    }
    event = events.create_event(raw, user=users["organizer"])
    # create_event already picked a free slug from code and year; take the demo's own only when it is free,
    # so an organizer's event that happens to hold it is never touched (and the unique index never fires).
    if event.slug != slug and db.session.scalar(select(Event.id).where(Event.slug == slug)) is None:
        event.slug = slug
    for title, (h1, m1), (h2, m2), jp, speakers in SESSIONS:
        events.add_session(
            event,
            {
                "title": title,
                "starts_at": _wib(day.year, day.month, day.day, h1, m1),
                "ends_at": _wib(day.year, day.month, day.day, h2, m2),
                "jp": jp,
                "speakers": [{"name": n, "institution": i, "role": r} for n, i, r in speakers],
            },
            user=users["organizer"],
        )
    events.change_status(event, "publish", user=users["organizer"])
    if status == "closed":
        events.change_status(event, "close", user=users["organizer"])
    accounts.assign(users["checkin"], event.id, actor="demo")
    return event


def _participants(event: Event, count: int, seed: int, when: datetime) -> None:
    rnd = random.Random(seed)
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        gelar = GELAR[i % len(GELAR)]
        name = f"{first} {last}" + (f", {gelar}" if gelar else "")
        itype, inst, unit, prov, reg = PLACES[i % len(PLACES)]
        status = "non_asn" if itype == "lainnya" else ("pppk" if i % 9 == 0 else "pns")
        nip = None
        if status == "pns":
            nip = f"19{80 + i % 15:02d}{1 + i % 12:02d}{1 + i % 28:02d}20{10 + i % 10:02d}{1 + i % 12:02d}{1 + i % 2}{i + 1:03d}"
        elif status == "pppk":
            nip = f"19{85 + i % 10:02d}0{1 + i % 9}1{i % 9}2022{21 + i % 5:02d}{1 + i % 2}{i + 1:03d}"
        data = registration.RegistrationInput(
            full_name=name,
            email=f"peserta{i + 1:02d}.{seed}@contoh.go.id",
            phone=f"+62812{rnd.randint(10000000, 99999999)}",
            employment_status=status,
            nip=nip,
            rank=RANKS[i % len(RANKS)] if status == "pns" else "",
            position=POSITIONS[i % len(POSITIONS)],
            institution_type=itype,
            institution_name=inst,
            work_unit=unit,
            province_code=prov,
            regency_code=reg,
            mode="onsite" if i % 4 == 0 else "online",
        )
        registration.create_registration(
            event, data, now=when + timedelta(minutes=37 * i), source="import", ip="127.0.0.1", actor="demo"
        )


def seed() -> bool:
    """Create the demo once; False when it is already there.

    Raises DemoSlugTaken when the Batam address belongs to another event (not the demo's): the operator
    gets a clear message instead of an IntegrityError traceback.
    """
    existing = db.session.scalar(select(Event).where(Event.slug == BATAM_SLUG))
    if existing is not None:
        if existing.title == TITLE and existing.starts_at.year == 2022:
            return False
        raise DemoSlugTaken(
            "demo_slug_taken",
            f"An event that is not the demo already uses the address /e/{BATAM_SLUG} "
            f"(event #{existing.id}: {existing.title!r}). Use an empty database for the demo, "
            "or rename that event's slug first. Nothing was changed.",
        )
    users = _users()
    batam = _make_event(
        BATAM_SLUG,
        datetime(2022, 8, 25),
        users,
        status="closed",
        opens=_wib(2022, 8, 1, 8, 0),
        closes=_wib(2022, 8, 24, 23, 59),
    )
    _participants(batam, 50, 2022, _wib(2022, 8, 2, 9, 0))

    # The next edition, about two months ahead on a Thursday, so a newcomer can try every step.
    today = datetime.now(WIB)
    day = today + timedelta(days=60)
    day += timedelta(days=(3 - day.weekday()) % 7)
    upcoming = _make_event(
        f"bimtek-medsos-{day.year}",
        day,
        users,
        status="published",
        opens=datetime.now(UTC) - timedelta(days=1),
        closes=_wib(day.year, day.month, day.day, 8, 0) - timedelta(days=1),
    )
    _participants(upcoming, 12, day.year, datetime.now(UTC) - timedelta(hours=20))
    db.session.flush()
    ctx = {"users": users, "finished": batam, "upcoming": upcoming}
    for feature in FEATURES:
        module = feature_module(feature, "demo")
        if module is not None:
            module.seed(ctx)
        db.session.flush()
    return True
