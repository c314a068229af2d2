"""axe-core in Chromium on every public, participant and staff page of the demo, in Indonesian.

Each page is loaded as its visitor sees it: the public and the participant without an account, the organizer,
the check-in staff and the admin each signed in once, all at phone size (390x844), where wide tables overflow
their cards and must scroll inside them by keyboard too. axe-core (the copy axe-playwright-python ships) is
added to every document by the driver (Page.addScriptToEvaluateOnNewDocument, which the page's strict CSP does
not govern), and each page must have no violation of impact "serious" or "critical". One browser, one context
and one sign-in per role. BIMTEK_AXE_REPORT=path writes every page's counts per impact as JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT  # axe-core's axe.min.js as the pinned package ships it

from tests.conftest import skip_or_fail
from tests.e2e.conftest import CHROMIUM, LiveServer, seeded_demo_app

pytestmark = pytest.mark.e2e


BLOCKING = ("serious", "critical")

SUBMIT = "#kirim"  # the registration form sent empty: it comes back with its errors marked

# Every page a person reaches, by who reaches it: {up} is the upcoming edition's manage address, {bt} the past
# Batam edition's (its attendance, certificates, evaluation and report hold data).
PAGES = {
    "public": {
        "beranda": "/",
        "halaman kegiatan": "/e/{slug}",
        "formulir pendaftaran": "/e/{slug}/daftar",
        "formulir pendaftaran (dikirim kosong)": "/e/{slug}/daftar" + SUBMIT,
        "bahan tayang publik": "/e/{slug}/bahan",
        "lupa tautan": "/lupa-tautan",
        "presensi (kode)": "/presensi",
        "verifikasi sertifikat": "/verify",
        "hasil verifikasi": "/verify/{code}",
        "masuk": "/login",
        "lupa kata sandi": "/password/forgot",
    },
    "participant": {
        "tiket (luring)": "/r/{onsite}",
        "kelola pendaftaran (daring)": "/r/{online}",
        "presensi peserta": "/r/{online}/presensi",
        "evaluasi": "/r/{online}/evaluasi",
        "pre/post-test": "/r/{online}/tes",
        "bahan tayang peserta": "/r/{online}/bahan",
        "sertifikat": "/r/{holder}/sertifikat?view=1",
    },
    "organizer": {
        "dasbor": "/manage",
        "kegiatan baru": "/manage/events/new",
        "ringkasan kegiatan": "{up}",
        "ubah kegiatan": "{up}/edit",
        "ubah sesi": "{up}/sessions/{session}",
        "formulir pertanyaan": "{up}/questions",
        "daftar peserta": "{up}/participants",
        "detail pendaftaran": "/manage/registrations/{registration}",
        "tambah peserta": "{up}/participants/new",
        "email massal": "{up}/participants/email",
        "impor peserta": "{up}/participants/import",
        "check-in langsung": "{up}/checkin",
        "pemindai check-in": "{up}/scan",
        "walk-in": "{up}/walkin",
        "kehadiran": "{bt}/attendance",
        "matriks kehadiran": "{bt}/attendance/matrix",
        "tinjauan kehadiran": "{bt}/attendance/review",
        "aturan kehadiran": "{bt}/attendance/rule",
        "jendela presensi": "{up}/attendance/presensi",
        "webhook zoom": "{up}/attendance/webhook",
        "sertifikat": "{bt}/certificates",
        "pengaturan sertifikat": "{bt}/certificates/settings",
        "tte sertifikat": "{bt}/certificates/tte",
        "evaluasi (kelola)": "{bt}/evaluasi",
        "pre/post-test (kelola)": "{up}/tes",
        "bahan tayang (kelola)": "{up}/bahan",
        "laporan": "{bt}/laporan",
        "narasi laporan": "{bt}/laporan/narasi",
        "kata sandi": "/account/password",
        "sesi masuk": "/account/sessions",
        "token api": "/account/tokens",
    },
    "checkin": {
        "dasbor petugas": "/manage",
        "pemindai (petugas)": "{up}/scan",
    },
    "admin": {
        "pengguna": "/manage/users",
        "penyelenggara": "/manage/organizers",
        "staf kegiatan": "{up}/staff",
        "riwayat peserta": "/manage/laporan/peserta",
    },
}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The demo on SQLite served on a free port, and the addresses of every page to check."""
    if CHROMIUM is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    from sqlalchemy import select

    from bimtek import demo
    from bimtek.certificates.models import Certificate
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    app = seeded_demo_app(tmp_path_factory.mktemp("e2e-axe"))
    with app.app_context():
        batam = db.session.scalars(select(Event).where(Event.slug == demo.BATAM_SLUG)).one()
        upcoming = db.session.scalars(select(Event).where(Event.slug != demo.BATAM_SLUG)).one()

        def reg(event, mode):
            return db.session.scalars(
                select(Registration)
                .where(Registration.event_id == event.id, Registration.status == "confirmed", Registration.mode == mode)
                .order_by(Registration.id)
            ).first()

        onsite, online = reg(upcoming, "onsite"), reg(upcoming, "online")
        cert = db.session.scalars(
            select(Certificate).where(Certificate.event_id == batam.id, Certificate.registration_id.is_not(None))
        ).first()
        holder = db.session.get(Registration, cert.registration_id)
        where = {"up": f"/manage/events/{upcoming.id}", "bt": f"/manage/events/{batam.id}", "slug": upcoming.slug,
                 "onsite": onsite.manage_token, "online": online.manage_token, "holder": holder.manage_token,
                 "code": cert.verification_code, "registration": holder.id, "session": upcoming.sessions[0].id}  # fmt: skip
        pages = {role: {name: path.format(**where) for name, path in names.items()} for role, names in PAGES.items()}
        db.session.remove()
    server = LiveServer(app).start()
    yield {"url": server.url, "pages": pages, "demo": demo}
    server.stop()
    with app.app_context():
        db.engine.dispose()


ROLES = {
    "public": None,
    "participant": None,
    "organizer": "ORGANIZER_EMAIL",
    "checkin": "CHECKIN_EMAIL",
    "admin": "ADMIN_EMAIL",
}


@pytest.fixture(scope="module", autouse=True)
def axe_report():
    """BIMTEK_AXE_REPORT=path writes the violation counts (nodes per impact) of every page as JSON."""
    yield REPORT
    target = os.environ.get("BIMTEK_AXE_REPORT")
    if target:
        Path(target).write_text(json.dumps(REPORT, indent=1, ensure_ascii=False))


@pytest.fixture(scope="module")
def role_pages(demo_site, browser):
    """One browser page per role at phone size, signed in once where the role has an account."""
    contexts, pages = [], {}
    for role, email_attr in ROLES.items():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        # axe-core goes into every document as it is created (Page.addScriptToEvaluateOnNewDocument): the
        # driver's script, which the page's CSP does not govern, and no second copy to send for each page.
        context.add_init_script(script=AXE_SCRIPT)
        contexts.append(context)
        page = context.new_page()
        if email_attr:
            page.goto(demo_site["url"] + "/login")
            page.fill("input[name=email]", getattr(demo_site["demo"], email_attr))
            page.fill("input[name=password]", demo_site["demo"].DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/manage**")
        pages[role] = page
    yield pages
    for context in contexts:
        context.close()


CASES = [(role, name) for role, names in PAGES.items() for name in names]
REPORT: dict[str, dict[str, int]] = {}


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']} -> {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize(("role", "name"), CASES, ids=[f"{r}:{n}" for r, n in CASES])
def test_no_serious_or_critical_axe_violation(demo_site, role_pages, role, name):
    page = role_pages[role]
    path = demo_site["pages"][role][name]
    response = page.goto(demo_site["url"] + path.removesuffix(SUBMIT))
    if path.endswith(SUBMIT):
        with page.expect_navigation() as sent:
            page.locator("#registration-form button[type=submit]").click()
        response = sent.value
    assert response is not None and response.status < 500, (name, response and response.status)
    assert page.locator("html").get_attribute("lang") == "id"
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    REPORT[f"{role}: {name}"] = {
        impact: sum(len(v["nodes"]) for v in results["violations"] if v["impact"] == impact)
        for impact in ("critical", "serious", "moderate", "minor")
    }
    assert not blocking, f"{role}: {name} ({page.url})\n{_describe(blocking)}"
