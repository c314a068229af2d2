"""Export (CSV/XLSX, formula injection), import with preview, and bulk email through the job queue."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from bimtek.core.models import AuditLog, Job
from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_registration import clear_outbox, outbox


@pytest.fixture
def organizer(app, client):
    user = make_user("organizer")
    login(client, user)
    clear_outbox()
    return user


def test_export_csv_and_xlsx_neutralise_formulas(client, organizer):
    event = make_event(organizer)
    make_registration(event, full_name="=HYPERLINK(\"http://x\",\"Klik\")", position="+62 Jabatan",
                      institution_name="@SUM(A1)", work_unit="-2+3")  # fmt: skip
    make_registration(event, full_name="Ni Luh Putu Ayu Sri Dewi", mode="online")
    url = f"/manage/events/{event.id}/participants/export"
    assert "Unduh XLSX" in client.get(url).get_data(as_text=True)
    cols = ["full_name", "position", "institution_name", "work_unit", "mode"]
    resp = client.get(url, query_string={"format": "csv", "columns": cols})
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0] == ["Nama lengkap", "Jabatan", "Instansi", "Unit kerja", "Cara mengikuti"]
    bad = next(r for r in rows if "HYPERLINK" in r[0])
    assert bad[0].startswith("'=") and bad[1] == "'+62 Jabatan" and bad[2] == "'@SUM(A1)" and bad[3] == "'-2+3"
    online = client.get(url, query_string={"format": "xlsx", "columns": cols, "mode": "online"})
    ws = load_workbook(io.BytesIO(online.data)).active
    assert [c.value for c in ws[2]] == ["Ni Luh Putu Ayu Sri Dewi", "Pranata Humas", "Pemerintah Provinsi Kepulauan Riau",
                                        "Biro Administrasi Pimpinan", "Daring (Zoom)"]  # fmt: skip
    assert ws.max_row == 2
    full = load_workbook(io.BytesIO(client.get(url, query_string={"format": "xlsx", "columns": cols}).data)).active
    cell = next(c for row in full.iter_rows(min_row=2) for c in row if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value.startswith("'=")
    exports = db.session.query(AuditLog).filter_by(action="registration.export").all()
    assert len(exports) == 3 and exports[0].details["count"] == 2 and exports[0].actor_user_id == organizer.id


CSV_TEXT = (
    "\ufeffNama Lengkap;Email;No HP;Status Kepegawaian;NIP;Jabatan;Jenis Instansi;Instansi;Unit Kerja;Provinsi;"
    "Kabupaten/Kota;Cara Mengikuti\n"
    "Dr. Rina Hapsari, M.Si.;rina@kemenkeu.go.id;0812-1111-0001;PNS;19800101 200501 2 001;Analis;pusat;"
    "Kementerian Keuangan;Biro KLI;DKI Jakarta;Kota Jakarta Pusat;luring\n"
    "I Made Suarjana;made@badungkab.go.id;081211110002;Non ASN;;Staf;kabkota;Pemkab Badung;Humas;Bali;Badung;daring\n"
    "Salah NIP;salah@x.go.id;081211110003;PNS;19801301 200501 2 001;Staf;pusat;Kemenkeu;Biro;31;31.71;luring\n"
    "Dobel;rina@kemenkeu.go.id;081211110004;Non ASN;;Staf;pusat;Kemenkeu;Biro;31;31.71;luring\n"
    "Sudah Ada;ada@kominfo.go.id;081211110005;Non ASN;;Staf;pusat;Kominfo;Biro;31;31.71;luring\n"
    "Tan Sioe Lie;tan@batam.go.id;081211110006;non-asn;;Staf;diskominfo;Diskominfo Batam;IKP;Kepulauan Riau;Batam;luring\n"
)


def test_import_previews_then_saves_valid_rows(client, organizer):
    event = make_event(organizer, onsite_capacity=2)
    make_registration(event, email="ada@kominfo.go.id", mode="online")
    url = f"/manage/events/{event.id}/participants/import"
    resp = client.post(url, data={"file": (io.BytesIO(CSV_TEXT.encode()), "undangan.csv"), "default_mode": "onsite"},
                       content_type="multipart/form-data")  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "3 baris siap diimpor" in page and "3 baris salah" in page
    assert "<strong>NIP</strong>:" in page and "nip:" not in page and "Email sudah terdaftar" in page
    assert db.session.query(Registration).count() == 1  # nothing saved yet
    token = page.split('name="token" value="')[1].split('"')[0]
    done = client.post(url + "/confirm", data={"token": token, "filename": "undangan.csv", "default_mode": "onsite"})
    assert done.status_code == 303
    regs = {r.email: r for r in db.session.query(Registration).filter_by(source="import")}
    assert set(regs) == {"rina@kemenkeu.go.id", "made@badungkab.go.id", "tan@batam.go.id"}
    rina, made, tan = regs["rina@kemenkeu.go.id"], regs["made@badungkab.go.id"], regs["tan@batam.go.id"]
    assert rina.nip == "198001012005012001" and rina.regency_code == "31.71" and rina.status == "confirmed"
    assert made.mode == "online" and made.regency_code == "51.03" and made.employment_status == "non_asn"
    assert tan.regency_code == "21.71" and tan.status == "confirmed"
    db.session.refresh(event)
    assert event.onsite_taken == 2 and event.online_taken == 2
    assert db.session.query(AuditLog).filter_by(action="registration.create").count() == 4
    again = client.post(url + "/confirm", data={"token": token})
    assert again.status_code == 303 and db.session.query(Registration).count() == 4


def test_import_xlsx_and_bad_files(client, organizer):
    event = make_event(organizer, onsite_capacity=1)
    wb = Workbook()
    ws = wb.active
    # unit kerja is required (DOMAIN.md), so the sheet carries it.
    ws.append(["nama", "email", "hp", "jabatan", "jenis_instansi", "instansi", "unit_kerja", "provinsi",
               "kabupaten_kota", "mode"])  # fmt: skip
    ws.append(["Ahmad", "a@x.go.id", "081234567890", "Staf", "lainnya", "Univ", "Humas", "21", "21.71", "onsite"])
    ws.append(["Budi", "b@x.go.id", "081234567891", "Staf", "lainnya", "Univ", "Humas", "21", "21.71", "onsite"])
    buf = io.BytesIO()
    wb.save(buf)
    url = f"/manage/events/{event.id}/participants/import"
    page = client.post(url, data={"file": (io.BytesIO(buf.getvalue()), "x.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    token = page.split('name="token" value="')[1].split('"')[0]
    resp = client.post(
        url + "/confirm", data={"token": token, "filename": "x.xlsx", "default_mode": "onsite", "notify": "y"}
    )
    assert sorted(r.status for r in db.session.query(Registration)) == ["confirmed", "waitlisted"]
    job = db.session.query(Job).one()
    assert (job.kind, job.status, job.done) == ("registration.confirm_many", "done", 2)
    assert sorted(m.to[0] for m in outbox()) == ["a@x.go.id", "b@x.go.id"]
    assert f"/jobs/{job.id}" in resp.headers["Location"]
    bad = client.post(url, data={"file": (io.BytesIO(b"\x89PNG...."), "foto.png")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "CSV atau XLSX" in bad.get_data(as_text=True)
    assert client.post(url + "/confirm", data={"token": "../../etc/passwd"}).status_code == 303


def test_bulk_email_to_filtered_participants(client, organizer):
    event = make_event(organizer)
    online = [make_registration(event, mode="online") for _ in range(3)]
    make_registration(event, mode="onsite")
    gone = make_registration(event, mode="online")
    from bimtek.registration import services

    services.cancel_registration(gone)
    db.session.commit()
    clear_outbox()
    url = f"/manage/events/{event.id}/participants/email"
    assert "3 peserta" in client.get(url, query_string={"mode": "online"}).get_data(as_text=True)
    assert client.post(url, data={"mode": "online", "subject": "", "body": ""}).status_code == 422
    resp = client.post(
        url, data={"mode": "online", "subject": "Tautan materi", "body": "Materi ada di sini.\n\nSalam."}
    )
    assert resp.status_code == 303
    job = db.session.query(Job).one()
    assert (job.status, job.total, job.done, job.failed) == ("done", 3, 3, 0)
    assert sorted(m.to[0] for m in outbox()) == sorted(r.email for r in online)
    assert all(m.subject == "Tautan materi" and "Materi ada di sini." in m.body for m in outbox())
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "3 terkirim" in page
    other = make_event(make_user("organizer"))
    assert client.get(f"/manage/events/{other.id}/jobs/{job.id}").status_code == 404
