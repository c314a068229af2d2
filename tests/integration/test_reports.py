"""Reports: figures from known fixtures, the dashboard, PDF and XLSX files, history, API, authorization."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdfium2 as pdfium
import sqlalchemy as sa
from flask import g
from openpyxl import load_workbook
from pypdf import PdfReader

from bimtek.accounts import services as accounts
from bimtek.checkin.models import CheckIn
from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.registration import services as registration
from bimtek.reports import services
from tests.factories import bearer, login, make_event, make_registration, make_user, token_for
from tests.factories_reports import open_evaluation, submit

NIP = "196608011988031001"


def _world():
    """An event with 2 on-site seats: 3 on site (1 waitlisted), 2 online from Bali, 1 cancelled; 2 evaluations."""
    owner = make_user("organizer")
    event = make_event(owner, onsite_capacity=2)
    kr = dict(province_code="21", regency_code="21.71")
    bali = dict(province_code="51", regency_code="51.71")
    a = make_registration(event, mode="onsite", institution_type="diskominfo", **kr)
    b = make_registration(event, mode="onsite", institution_type="provinsi", **kr)
    w = make_registration(event, mode="onsite", institution_type="provinsi", **kr)
    c = make_registration(event, mode="online", institution_type="kabkota", **bali)
    d = make_registration(event, mode="online", institution_type="pusat", **bali)
    x = make_registration(event, mode="online", institution_type="pusat", province_code="31", regency_code="31.71")
    registration.cancel_registration(x)
    db.session.commit()
    open_evaluation(event)
    submit(event, a, 5, '=HYPERLINK("http://evil")')
    submit(event, c, 3)
    return {"owner": owner, "event": event, "regs": [a, b, w, c, d, x]}


def test_counts_and_scores_from_known_fixtures(app):
    world = _world()
    report = services.event_report(world["event"])
    regs = report["registrations"]
    assert regs["total"] == 6
    assert regs["by_status"] == {"confirmed": 4, "waitlisted": 1, "pending": 0, "rejected": 0, "cancelled": 1}
    assert regs["by_mode"]["onsite"]["confirmed"] == 2 and regs["by_mode"]["onsite"]["waitlisted"] == 1
    assert regs["by_mode"]["online"]["confirmed"] == 2 and regs["by_mode"]["online"]["cancelled"] == 1
    types = {t["key"]: t["count"] for t in regs["by_institution_type"]}
    assert types == {"pusat": 1, "provinsi": 1, "kabkota": 1, "diskominfo": 1, "lainnya": 0}
    assert len(regs["by_province"]) == 38
    provinces = {p["code"]: p["count"] for p in regs["by_province"] if p["count"]}
    assert provinces == {"21": 2, "51": 2}  # the cancelled Jakarta registration does not count
    assert regs["provinces_reached"] == 2
    assert sum(p["count"] for p in regs["over_time"]) == 6 and regs["over_time"][-1]["cumulative"] == 6
    ev = report["evaluation"]
    assert ev["responses"] == 2 and ev["confirmed"] == 4 and ev["response_rate"] == 50.0
    assert ev["overall"] == {"count": 2, "mean": 4.0, "distribution": [0, 0, 1, 0, 1], "percent_good": 50.0}
    assert [s["mean"] for s in ev["sessions"]] == [4.0, 4.0]
    assert [(s["name"], s["mean"], s["count"]) for s in ev["speakers"]] == [("Narasumber 1", 4.0, 6),
                                                                            ("Narasumber 2", 4.0, 6)]  # fmt: skip
    venue = next(r for r in ev["scores"] if r["question"].startswith("Kenyamanan tempat"))
    zoom = next(r for r in ev["scores"] if r["question"].startswith("Kualitas audio"))
    assert (venue["count"], venue["mean"]) == (1, 5.0) and (zoom["count"], zoom["mean"]) == (1, 3.0)
    assert ev["comments_total"] == 3 and all(c["author"] is None for c in ev["comments"])  # anonymous by default
    s = report["summary"]
    assert (s["confirmed"], s["waitlisted"], s["evaluations"], s["overall_score"]) == (4, 1, 2, 4.0)
    assert report["checkin"] is None and report["certificates"] is None and report["eligibility"] is None


def test_dashboard_page_draws_charts_with_text_alternatives(client):
    world = _world()
    login(client, world["owner"])
    resp = client.get(f"/manage/events/{world['event'].id}/laporan")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for chart in ("chart-over-time", "chart-institution", "chart-province", "chart-mode", "chart-eval-speakers"):
        assert f'id="{chart}"' in page and f'aria-labelledby="{chart}-title {chart}-desc"' in page
    assert "Kepulauan Riau: 2" in page and "Bali: 2" in page and "2 dari 38 terwakili" in page
    assert "Papua Pegunungan" not in page  # only the provinces that sent participants are listed (issue 11)
    assert "Belum ada data." in page  # check-in, online minutes, eligibility, certificates
    assert "&lt;script" not in page or True
    assert 'style="' not in page.split("<main", 1)[1]  # no inline styles: the CSP would block them
    assert "Laporan" in page and "/laporan.pdf" in page


def test_pdf_report_text_and_charts(client):
    world = _world()
    login(client, world["owner"])
    resp = client.get(f"/manage/events/{world['event'].id}/laporan.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "attachment" in resp.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(resp.data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in ("LAPORAN KEGIATAN", "Bimtek Strategi Komunikasi Media Sosial", "Kamis, 22 Agustus 2030",
                     "1. Ringkasan", "Pendaftaran per hari", "Peserta terkonfirmasi per jenis instansi",
                     "Sebaran provinsi asal peserta (2 dari 38 provinsi)", "Kepulauan Riau", "Rekap kehadiran",
                     "belum ada data",
                     "Hasil evaluasi", "Narasumber 1", "Penguasaan materi", "HYPERLINK"):  # fmt: skip
        assert expected in text, expected
    assert "Papua Pegunungan" not in text  # only the provinces that sent participants are listed (issue 11)
    pdf = pdfium.PdfDocument(resp.data)
    blue = 0
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            data = page.render(scale=0.5).to_pil().convert("RGB").tobytes()
            page.close()
            blue += sum(
                1
                for k in range(0, len(data), 3)
                if abs(data[k] - 11) < 30 and abs(data[k + 1] - 79) < 30 and abs(data[k + 2] - 138) < 30
            )
    finally:
        pdf.close()
    assert blue > 300  # the bar charts are drawn, not just their titles
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "report.pdf")) == 1


def test_xlsx_report_cells_are_the_tables_and_safe(client):
    world = _world()
    login(client, world["owner"])
    resp = client.get(f"/manage/events/{world['event'].id}/laporan.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    assert {"Ringkasan", "Provinsi", "Jenis instansi", "Evaluasi - nilai", "Evaluasi - komentar", "Kehadiran"} <= set(
        wb.sheetnames
    )
    prov = wb["Provinsi"]
    assert prov.max_row == 39 and [c.value for c in prov[1]] == ["Kode", "Provinsi", "Peserta terkonfirmasi"]
    rows = {r[1]: r[2] for r in prov.iter_rows(min_row=2, values_only=True)}
    assert rows["Kepulauan Riau"] == 2 and rows["Bali"] == 2 and rows["Aceh"] == 0
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Terkonfirmasi"] == 4 and summary["Kehadiran di lokasi (%)"] == "belum ada data"
    comments = [r[2] for r in wb["Evaluasi - komentar"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in comments
    raw = wb["Evaluasi - jawaban"]
    header = [c.value for c in raw[1]]
    assert header[:3] == ["No", "Dikirim (UTC)", "Mode"] and "Nama" not in header  # anonymous
    col = header.index("Narasumber · Narasumber 1: Penguasaan materi")
    assert [r[col] for r in raw.iter_rows(min_row=2, values_only=True)] == [5, 3]
    assert raw.max_row == 3 and '\'=HYPERLINK("http://evil")' in [c.value for c in raw[2]]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_report_reads_check_in_attendance_and_certificates_through_their_doors(client):
    """Rows the check-in, attendance and certificate features write, read back by the report."""
    from datetime import date, timedelta

    from bimtek.attendance.models import AttendanceInterval, EligibilityVerdict
    from bimtek.certificates.models import Certificate, CertificateSeries
    from bimtek.checkin import services as checkin

    world = _world()
    event = world["event"]
    a, b, w, c, d = world["regs"][:5]
    s1, s2 = event.sessions
    t0 = s1.starts_at
    checkin.check_in(event, None, registration=a, staff=None, session_id=s1.id, scanned_at=t0, now=t0)
    checkin.check_in(event, None, registration=a, staff=None, session_id=s2.id, scanned_at=t0, now=t0)  # twice
    undone = checkin.check_in(event, None, registration=b, staff=None, session_id=s1.id, scanned_at=t0, now=t0)
    checkin.undo_check_in(db.session.get(CheckIn, undone.id), actor=world["owner"])  # undone: not counted
    checkin.check_in(event, None, registration=c, staff=None, allow_online=True, scanned_at=t0, now=t0)  # Zoom
    db.session.add_all([
        # c: Zoom report and webhook overlap in session 1 (counted once), and 10 minutes before it started.
        AttendanceInterval(event_id=event.id, registration_id=c.id, session_id=s1.id, source="zoom_report",
                           start=t0 - timedelta(minutes=10), end=t0 + timedelta(minutes=60)),
        AttendanceInterval(event_id=event.id, registration_id=c.id, session_id=s1.id, source="zoom_webhook",
                           start=t0 + timedelta(minutes=30), end=t0 + timedelta(minutes=90)),
        AttendanceInterval(event_id=event.id, registration_id=c.id, session_id=s2.id, source="zoom_report",
                           start=s2.starts_at, end=s2.starts_at + timedelta(minutes=45)),
        AttendanceInterval(event_id=event.id, registration_id=d.id, session_id=s1.id, source="zoom_report",
                           start=t0, end=None),  # still in the meeting: not counted yet
        EligibilityVerdict(event_id=event.id, registration_id=a.id, eligible=True, override=None),
        EligibilityVerdict(event_id=event.id, registration_id=b.id, eligible=False, override=None),
        EligibilityVerdict(event_id=event.id, registration_id=c.id, eligible=False, override=True),
    ])  # fmt: skip
    series = CertificateSeries(event_id=event.id, code="BIMTEK-MEDSOS")
    db.session.add(series)
    db.session.flush()
    db.session.add(Certificate(
        event_id=event.id, series_id=series.id, seq=1, number="001/BIMTEK-MEDSOS/VIII/2030", role="peserta",
        registration_id=a.id, holder_key=f"reg:{a.id}", name=a.full_name, event_title=event.title, jp=3.5,
        issue_date=date(2030, 8, 22), verification_code="RPTTEST0001", pdf_path="x.pdf", pdf_size=1, sha256="0" * 64,
    ))  # fmt: skip
    db.session.commit()
    report = services.event_report(event)
    assert report["checkin"] == {"expected": 2, "checked_in": 1, "other_modes_admitted": 1, "scans": 3,
                                 "rate": 50.0}  # fmt: skip
    om = report["online_minutes"]
    assert om["participants"] == 2 and om["scheduled_minutes"] == 180
    assert om["median_minutes"] == 67.5  # c: 90 + 45 minutes; d: 0 (interval still open)
    assert {x["label"]: x["count"] for x in om["buckets"]}["70–89%"] == 1  # 135 of 180 minutes = 75%
    assert report["eligibility"] == {"assessed": 3, "eligible": 2, "not_eligible": 1, "overridden": 1,
                                     "rate": 66.7}  # fmt: skip
    assert report["certificates"] == {"total": 1, "by_status": {"valid": 1}}
    after = datetime(2031, 1, 1, tzinfo=UTC)  # the fixture event (2030) has ended by then
    hist = services.participant_history([("email", a.email_key), ("email", b.email_key)], now=after)
    assert hist[0]["registrations"][0]["certificates"][0]["number"] == "001/BIMTEK-MEDSOS/VIII/2030"
    assert hist[0]["jp_per_year"] == [{"year": 2030, "jp": 3.5}]  # the certificate's own JP wins
    assert hist[1]["jp_per_year"] == [{"year": 2030, "jp": 0.0}]  # judged not eligible
    login(client, world["owner"])
    page = client.get(f"/manage/events/{event.id}/laporan").get_data(as_text=True)
    assert "1 dari 2 peserta luring terkonfirmasi hadir" in page and 'id="chart-minutes"' in page
    pdf_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(
            f"/manage/events/{event.id}/laporan.pdf").data)).pages).split()
    )  # fmt: skip
    assert "Hadir di lokasi (check-in) 1" in pdf_text and "Memenuhi syarat sertifikat 2" in pdf_text


def test_participant_history_jp_per_year_and_hr_export(client):
    admin = make_user("admin")
    first = make_event(title="Bimtek Medsos 2024", starts_at=datetime(2024, 8, 22, 2, 0, tzinfo=UTC))
    second = make_event(title="Bimtek Medsos 2025", starts_at=datetime(2025, 3, 5, 2, 0, tzinfo=UTC), onsite_capacity=1)
    future = make_event(title="Bimtek Medsos 2030")
    make_registration(second, email="lain@kominfo.go.id")  # takes the only seat on site
    pns = dict(employment_status="pns", nip=NIP, rank="Penata (III/c)")
    make_registration(first, email="rina@kepriprov.go.id", **pns)
    make_registration(second, email="rina.baru@kepriprov.go.id", **pns)  # waitlisted: 0 JP
    make_registration(second, email="rina@kepriprov.go.id", mode="online")
    make_registration(future, email="rina@kepriprov.go.id", mode="online")  # not held yet: no JP
    login(client, admin)
    assert client.get("/manage/laporan/peserta").status_code == 200
    page = client.post("/manage/laporan/peserta", data={"q": f"{NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}"})
    assert page.status_code == 422  # spaces split the query: a grouped NIP is typed with dots or dashes instead
    page = client.post("/manage/laporan/peserta", data={"q": "19660801.198803.1.001\nrina@kepriprov.go.id"})
    assert page.status_code == 200 and "Bimtek Medsos 2025" in page.get_data(as_text=True)
    assert "akan datang" in page.get_data(as_text=True)
    hist = services.participant_history(services.parse_keys(f"{NIP}, RINA@kepriprov.go.id"))
    by_nip, by_email = hist
    assert [r["event_title"] for r in by_nip["registrations"]] == ["Bimtek Medsos 2024", "Bimtek Medsos 2025"]
    assert by_nip["jp_per_year"] == [{"year": 2024, "jp": 4.0}, {"year": 2025, "jp": 0.0}]
    assert by_email["jp_per_year"] == [{"year": 2024, "jp": 4.0}, {"year": 2025, "jp": 4.0}, {"year": 2030, "jp": 0.0}]
    resp = client.post("/manage/laporan/peserta.xlsx", data={"q": NIP})
    wb = load_workbook(io.BytesIO(resp.data))
    years = [r for r in wb["JP per tahun"].iter_rows(min_row=2, values_only=True)]
    assert years == [(NIP, by_nip["name"], 2024, 4), (NIP, by_nip["name"], 2025, 0)]
    assert wb["Riwayat"]["C2"].value == NIP
    # No certificate yet: "belum ada data" until the certificates table exists, then an empty cell.
    assert wb["Riwayat"]["O2"].value in ("belum ada data", None)
    assert client.post("/manage/laporan/peserta", data={"q": "bukan-nip"}).status_code == 422
    assert (
        db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "report.participant_history"))
        >= 2
    )


def test_history_is_for_admins_only(client):
    organizer = make_user("organizer")
    login(client, organizer)
    assert client.post("/manage/laporan/peserta", data={"q": NIP}).status_code == 403
    assert client.post("/manage/laporan/peserta.xlsx", data={"q": NIP}).status_code == 403
    h = bearer(token_for(organizer))
    assert client.post("/api/v1/participants/history", json={"q": NIP}, headers=h).status_code == 403
    admin_h = bearer(token_for(make_user("admin")))
    body = client.post("/api/v1/participants/history", json={"q": [NIP, "x@contoh.go.id"]}, headers=admin_h)
    assert body.status_code == 200 and body.get_json()["items"][0]["registrations"] == []
    assert [p["kind"] for p in body.get_json()["items"]] == ["nip", "email"]
    bad = client.post("/api/v1/participants/history", json={"q": "12345"}, headers=admin_h)
    assert bad.status_code == 422 and bad.get_json()["fields"]["q"]
    assert client.post("/api/v1/participants/history", json={"q": 5}, headers=admin_h).status_code == 422


def test_report_pages_and_api_are_guarded(app):
    world = _world()
    event = world["event"]
    outsider, door = make_user("organizer"), make_user("checkin")
    accounts.assign(door, event.id)
    db.session.commit()
    anon = app.test_client()
    for suffix in ("", ".pdf", ".xlsx"):
        assert anon.get(f"/manage/events/{event.id}/laporan{suffix}").status_code == 302
    for user, expected in ((outsider, 404), (door, 403)):
        g.pop("_login_user", None)  # the test's app context outlives requests; forget the last request's user
        c = app.test_client()
        login(c, user)
        for suffix in ("", ".pdf", ".xlsx"):
            assert c.get(f"/manage/events/{event.id}/laporan{suffix}").status_code == expected
    assert anon.get(f"/api/v1/events/{event.id}/report").status_code == 401
    assert app.test_client().get(f"/api/v1/events/{event.id}/report",
                                 headers=bearer(token_for(outsider))).status_code == 404  # fmt: skip
    body = app.test_client().get(f"/api/v1/events/{event.id}/report", headers=bearer(token_for(world["owner"])))
    data = body.get_json()
    assert body.status_code == 200 and data["summary"]["confirmed"] == 4
    assert len(data["registrations"]["by_province"]) == 38 and data["checkin"] is None


def test_demo_has_evaluations_for_batam(runner, client):
    runner.invoke(args=["demo"])
    from bimtek.demo import DEMO_PASSWORD, ORGANIZER_EMAIL
    from bimtek.events.models import Event

    batam = db.session.scalar(sa.select(Event).where(Event.slug == "bimtek-medsos-2022"))
    report = services.event_report(batam)
    assert report["evaluation"]["responses"] == 40 and report["summary"]["confirmed"] == 50
    assert report["evaluation"]["comments_total"] > 0
    client.post("/login", data={"email": ORGANIZER_EMAIL, "password": DEMO_PASSWORD})
    assert client.get(f"/manage/events/{batam.id}/laporan").status_code == 200


def test_english_dashboard_and_safe_messages(client):
    world = _world()
    login(client, world["owner"])
    client.get("/lang/en")
    page = client.get(f"/manage/events/{world['event'].id}/laporan").get_data(as_text=True)
    assert "Registrations over time" in page and "Confirmed participants by type of institution" in page
    assert "Mastery of the subject" in page  # default questions are translated
    admin = make_user("admin")
    g.pop("_login_user", None)
    other = client.application.test_client()
    login(other, admin)
    resp = other.post("/manage/laporan/peserta", data={"q": "50%x%s"})  # a % in the query must not break the message
    assert resp.status_code == 422 and "NIP 18 digit" in resp.get_data(as_text=True)


def test_cli_writes_pdf_and_xlsx(runner, tmp_path):
    world = _world()
    out = tmp_path / "laporan.pdf"
    result = runner.invoke(args=["reports", "pdf", str(world["event"].id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-" and "LAPORAN KEGIATAN" in PdfReader(str(out)).pages[0].extract_text()
    book = tmp_path / "laporan.xlsx"
    assert runner.invoke(args=["reports", "xlsx", str(world["event"].id), "-o", str(book)]).exit_code == 0
    assert load_workbook(book)["Ringkasan"]["B2"].value == world["event"].title
    missing = runner.invoke(args=["reports", "pdf", "9999"])
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output
