"""Issue 11, the organizer's week: demo on a used database, export, import, bulk email, copy, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bimtek.events.models import Event
from bimtek.extensions import db
from tests.factories import make_event


def test_demo_refuses_clearly_when_its_address_belongs_to_another_event(runner):
    mine = make_event(title="Bimtek Kehumasan Daerah", starts_at=datetime(2022, 3, 10, 2, 0, tzinfo=UTC))
    assert mine.slug == "bimtek-medsos-2022"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "IntegrityError" not in result.output and "Traceback" not in result.output
    assert "/e/bimtek-medsos-2022" in result.output and "Nothing was changed" in result.output
    db.session.rollback()
    assert db.session.query(Event).count() == 1


def test_demo_seeds_beside_an_event_holding_the_upcoming_slug(runner):
    day = datetime.now(UTC) + timedelta(days=60)
    mine = make_event(starts_at=datetime(day.year, day.month, 1, 2, 0, tzinfo=UTC) if day.month > 1 else day)
    taken = mine.slug
    assert taken == f"bimtek-medsos-{day.year}"
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo seeded" in result.output
    db.session.expire_all()
    assert db.session.get(Event, mine.id).slug == taken
    assert db.session.query(Event).count() == 3
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing changed" in again.output


def _organizer(client):
    from tests.factories import login, make_user

    user = make_user("organizer")
    login(client, user)
    return user


def test_export_shows_labels_the_event_zone_and_a_ready_sheet(client):
    import csv
    import io

    from openpyxl import load_workbook

    from bimtek.registration.models import Registration
    from tests.factories import make_registration

    organizer = _organizer(client)
    # Makassar: WITA (UTC+8).
    event = make_event(organizer, city="Makassar", province_code="73", timezone="Asia/Makassar")
    reg = make_registration(event, full_name="Andi Makkasau", mode="onsite")
    reg.created_at = datetime(2030, 8, 1, 1, 5, tzinfo=UTC)
    db.session.commit()
    cols = ["full_name", "mode", "status", "employment_status", "institution_type", "source", "created_at"]
    url = f"/manage/events/{event.id}/participants/export"
    text = client.get(url, query_string={"format": "csv", "columns": cols}).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Nama lengkap", "Cara mengikuti", "Status", "Status kepegawaian", "Jenis instansi", "Sumber",
                       "Terdaftar (WITA)"]  # fmt: skip
    assert rows[1][1:] == ["Luring (tatap muka)", "Terkonfirmasi", "Non-ASN", "Pemerintah provinsi",
                           "Formulir pendaftaran", "2030-08-01 09:05"]  # fmt: skip
    for raw in ("onsite", "confirmed", "UTC", "non_asn", "provinsi", "form"):
        assert raw not in rows[1] and raw not in text.split(","), raw
    xlsx = client.get(url, query_string={"format": "xlsx", "columns": cols})
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G2"
    assert ws.column_dimensions["A"].width >= len("Andi Makkasau")
    assert ws.column_dimensions["E"].width >= len("Pemerintah provinsi")
    assert [c.value for c in ws[2]][1] == "Luring (tatap muka)"
    assert db.session.query(Registration).count() == 1


def test_import_page_speaks_labels_infers_instansi_type_and_offers_a_template(client):
    import io

    from openpyxl import load_workbook

    from bimtek.registration.models import Registration

    organizer = _organizer(client)
    event = make_event(organizer)
    url = f"/manage/events/{event.id}/participants/import"
    page = client.get(url).get_data(as_text=True)
    assert "Luring (tatap muka)</option>" in page and ">onsite<" not in page and ">online<" not in page
    assert "Unduh templat XLSX" in page
    template = client.get(url + "/template.xlsx")
    assert template.status_code == 200 and "templat-impor-peserta.xlsx" in template.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(template.data))
    sheet = wb["Peserta"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Nama lengkap", "Email", "Nomor HP/WhatsApp"] and sheet.max_row == 1
    assert wb["Petunjuk"]["C2"].value == "Dr. Rina Hapsari, S.Sos., M.Si."
    # Fill the template: jenis instansi left empty for names that make it obvious.
    rows = [
        ["Rina Hapsari", "rina@kemenkeu.go.id", "081211110001", "Non-ASN", "", "", "Analis", "",
         "Kementerian Keuangan", "Biro KLI", "DKI Jakarta", "Kota Jakarta Pusat", "Daring (Zoom)"],
        ["Made Suarjana", "made@badungkab.go.id", "081211110002", "Non-ASN", "", "", "Staf", "",
         "Pemerintah Kabupaten Badung", "Humas", "Bali", "Badung", "Luring"],
        ["Tan Sioe Lie", "tan@batam.go.id", "081211110003", "Non-ASN", "", "", "Staf", "",
         "Dinas Kominfo Kota Batam", "IKP", "Kepulauan Riau", "Batam", "Luring"],
        ["Sri Wahyuni", "sri@kepriprov.go.id", "081211110004", "Non-ASN", "", "", "Staf", "",
         "Pemerintah Provinsi Kepulauan Riau", "Biro Adpim", "Kepulauan Riau", "Batam", "Luring"],
        ["Bayu", "bayu@contoh.id", "", "PNS", "123", "", "Praktisi", "",
         "Komunitas Konten", "-", "Kepulauan Riau", "Batam", "Luring"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    resp = client.post(url, data={"file": (io.BytesIO(buf.getvalue()), "isi.xlsx"), "default_mode": "onsite"},
                       content_type="multipart/form-data")  # fmt: skip
    page = resp.get_data(as_text=True)
    assert "4 baris siap diimpor" in page and "1 baris salah" in page, page
    bad = page.split('class="preview-errors">')[-1].split("</td>")[0]
    assert "<strong>Nomor HP</strong>" in bad and "<strong>Jenis instansi</strong>" in bad
    assert "phone:" not in bad and "institution_type" not in bad
    assert "Daring (Zoom)</td>" in page and ">online<" not in page
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post(url + "/confirm", data={"token": token, "filename": "isi.xlsx", "default_mode": "onsite"})
    kinds = {r.email: r.institution_type for r in db.session.query(Registration)}
    assert kinds == {"rina@kemenkeu.go.id": "pusat", "made@badungkab.go.id": "kabkota",
                     "tan@batam.go.id": "diskominfo", "sri@kepriprov.go.id": "provinsi"}  # fmt: skip


def test_instansi_type_is_inferred_only_where_obvious():
    from bimtek.registration.services.imports import infer_institution_type as infer

    assert infer("Kementerian Komunikasi dan Digital") == "pusat"
    assert infer("Badan Pusat Statistik") == "pusat"
    assert infer("Badan Kepegawaian Daerah Provinsi Bali") == ""
    assert infer("Pemerintah Provinsi Jawa Timur") == "provinsi"
    assert infer("Dinas Kominfo Provinsi Sulawesi Selatan") == "diskominfo"
    assert infer("Pemerintah Kota Jayapura") == "kabkota"
    assert infer("Universitas Riau Kepulauan") == ""


def test_copy_event_brings_the_design_and_no_people(client):

    from bimtek.attendance import verdicts
    from bimtek.attendance.models import EligibilityRule
    from bimtek.certificates.models import CertificateSettings
    from bimtek.evaluation.models import EvaluationQuestion, EvaluationSettings
    from bimtek.registration import services as registration
    from bimtek.registration.models import Registration, RegistrationQuestion
    from tests.factories_certificates import make_cert_event
    from tests.factories_reports import open_evaluation

    organizer = _organizer(client)
    _owner, source, regs = make_cert_event(organizer, participants=2)
    registration.add_question(source, {"label": "Unggah surat tugas", "kind": "file", "required": "y"})
    verdicts.save_rule(source, {"min_session_percent": "70"}, user=organizer)
    open_evaluation(source, opens=datetime(2030, 8, 22, 6, 0, tzinfo=UTC))
    db.session.commit()
    page = client.get(f"/manage/events/{source.id}").get_data(as_text=True)
    assert "Salin sebagai kegiatan baru" in page
    resp = client.post(f"/manage/events/{source.id}/copy", data={"starts_on": "2031-08-21", "title": "Bimtek 2031"})
    assert resp.status_code == 303
    copy = db.session.query(Event).filter(Event.id != source.id).one()
    assert resp.headers["Location"].endswith(f"/manage/events/{copy.id}")
    assert (copy.title, copy.status, copy.onsite_taken, copy.online_taken) == ("Bimtek 2031", "draft", 0, 0)
    assert copy.slug != source.slug and copy.slug == "bimtek-medsos-2031"
    # Same local time (09.00 WIB) on the new day; sessions and speakers moved with it.
    assert copy.starts_at.replace(tzinfo=UTC) == datetime(2031, 8, 21, 2, 0, tzinfo=UTC)
    shift = copy.starts_at.replace(tzinfo=UTC) - source.starts_at.replace(tzinfo=UTC)
    assert [s.title for s in copy.sessions] == [s.title for s in source.sessions]
    for old, new in zip(source.sessions, copy.sessions, strict=True):
        assert new.starts_at.replace(tzinfo=UTC) - old.starts_at.replace(tzinfo=UTC) == shift
        assert [(sp.name, sp.role) for sp in new.speakers] == [(sp.name, sp.role) for sp in old.speakers]
    assert db.session.query(RegistrationQuestion).filter_by(event_id=copy.id).one().label == "Unggah surat tugas"
    assert db.session.query(EligibilityRule).filter_by(event_id=copy.id).one().min_session_percent == 70
    new_eval = db.session.query(EvaluationSettings).filter_by(event_id=copy.id).one()
    assert new_eval.opens_at.replace(tzinfo=UTC) == datetime(2030, 8, 22, 6, 0, tzinfo=UTC) + shift
    assert (
        db.session.query(EvaluationQuestion).filter_by(event_id=copy.id).count()
        == (db.session.query(EvaluationQuestion).filter_by(event_id=source.id).count())
        > 0
    )
    old_cert = db.session.query(CertificateSettings).filter_by(event_id=source.id).one()
    new_cert = db.session.query(CertificateSettings).filter_by(event_id=copy.id).one()
    assert (new_cert.signatory_name, new_cert.number_pattern) == (old_cert.signatory_name, old_cert.number_pattern)
    assert db.session.query(Registration).filter_by(event_id=copy.id).count() == 0
    assert db.session.query(Registration).filter_by(event_id=source.id).count() == len(regs)
    bad = client.post(f"/manage/events/{source.id}/copy", data={"starts_on": "kemarin"})
    assert bad.status_code == 303 and db.session.query(Event).count() == 2


def test_copy_event_from_the_cli(runner):
    from tests.factories import make_user

    organizer = make_user("organizer")
    source = make_event(organizer)
    out = runner.invoke(args=["events", "copy", str(source.id), "--starts-on", "2031-08-21", "--as", organizer.email])
    assert out.exit_code == 0, out.output
    copy = db.session.query(Event).filter(Event.id != source.id).one()
    assert f"to #{copy.id} (bimtek-medsos-2031)" in out.output and len(copy.sessions) == len(source.sessions)
    bad = runner.invoke(args=["events", "copy", str(source.id), "--starts-on", "besok", "--as", organizer.email])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_staff_detail_shows_a_readable_timeline(client):
    from tests.factories import bearer, make_registration, token_for
    from tests.factories_checkin import make_scanner, ticket_text

    organizer = _organizer(client)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    event = make_event(organizer, starts_at=now - timedelta(minutes=30))
    reg = make_registration(event, full_name="Siti Rahmawati", mode="onsite")
    other = make_registration(event, full_name="Budi Santoso", mode="onsite")
    staff = make_scanner(event)
    scan = client.post("/api/v1/checkins", json={"ticket": ticket_text(reg), "event_id": event.id},
                       headers=bearer(token_for(staff)))  # fmt: skip
    assert scan.status_code == 201, scan.get_json()
    client.post(f"/manage/registrations/{other.id}/action", data={"action": "cancel"})
    page = client.get(f"/manage/registrations/{reg.id}").get_data(as_text=True)
    history = page.split('id="history"')[1].split("</ol>")[0]
    assert "Mendaftar" in history and "Formulir pendaftaran" in history
    assert "Check-in di lokasi" in history and event.sessions[0].title in history
    assert history.index("Mendaftar") < history.index("Check-in di lokasi")
    for raw in ("registration.", "{", "}", "onsite", "form<"):
        assert raw not in history, raw
    assert "Sumber</dt><dd>Formulir pendaftaran" in page
    cancelled = client.get(f"/manage/registrations/{other.id}").get_data(as_text=True)
    cancelled = cancelled.split('id="history"')[1].split("</ol>")[0]
    assert f'Pendaftaran dibatalkan</strong> <span class="muted">· oleh {organizer.email}' in cancelled
    assert "registration.view" not in cancelled


def test_summary_says_a_one_day_events_date_once_and_a_two_day_events_range(client):
    user = _organizer(client)
    one_day = make_event(user, starts_at=datetime(2030, 8, 22, 2, 0, tzinfo=UTC), sessions=1)
    two_days = make_event(user, slug="dua-hari", starts_at=datetime(2030, 8, 22, 2, 0, tzinfo=UTC),
                          ends_at=datetime(2030, 8, 23, 9, 0, tzinfo=UTC), sessions=1)  # fmt: skip
    page = " ".join(client.get(f"/manage/events/{one_day.id}").get_data(as_text=True).split())
    assert "Kamis, 22 Agustus 2030, pukul 09.00 WIB</time> – 12.30 WIB" in page
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    assert facts.count("22 Agustus 2030") == 1
    page = " ".join(client.get(f"/manage/events/{two_days.id}").get_data(as_text=True).split())
    assert "Kamis–Jumat, 22–23 Agustus 2030</time><br> 09.00 WIB – 16.00 WIB" in page
