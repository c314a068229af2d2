"""The report shows learning outcomes (pre/post-test, gains per group, item analysis) and materials downloads."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from pypdf import PdfReader

from bimtek.core.time import utcnow
from bimtek.extensions import db
from bimtek.learning.services import attempts, bank, setup
from bimtek.materials import services as materials
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_learning import enable_test, make_bank, right_answers


def _world():
    owner = make_user("organizer")
    event = make_event(owner)
    qs = make_bank(event, owner)
    bank.delete_question(qs[4], user=owner)  # closed questions only: 5 points in all
    enable_test(event, owner, "pre")
    enable_test(event, owner, "post", opens_at=utcnow() - timedelta(minutes=1))
    right = right_answers(qs)
    first = {str(qs[0].id): right[str(qs[0].id)]}
    a = make_registration(event, institution_type="provinsi", province_code="21")
    b = make_registration(event, institution_type="kabkota", province_code="31", regency_code="31.71")
    # a: 20 → 100 (gain 80); b: 0 → 20 (gain 20). Means: pre 10, post 60, gain 50.
    for reg, pre, post in ((a, first, right), (b, {}, first)):
        for kind, answers in (("pre", pre), ("post", post)):
            attempt = attempts.start(event, setup.get_test(event.id, kind), reg)
            attempts.save_answers(attempt, answers)
            attempts.submit(attempt)
    material = materials.add_link(event, {"title": "Rekaman sesi 1", "url": "https://example.org/sesi1.mp4",
                                          "release": "now"}, user=owner)  # fmt: skip
    for _ in range(3):
        materials.count_download(material)
    db.session.commit()
    return owner, event


def test_dashboard_pdf_and_xlsx_show_learning_outcomes_and_downloads(client):
    owner, event = _world()
    login(client, owner)
    html = client.get(f"/manage/events/{event.id}/laporan").get_data(as_text=True)
    for expected in ("Hasil belajar", "Rata-rata pre-test", "Rata-rata post-test", "Kenaikan per jenis instansi",
                     "Kenaikan per provinsi", "Daerah Khusus Ibukota Jakarta", "Analisis butir soal", "Apa kepanjangan SPBE?",
                     "Tingkat kesukaran", "Daya beda", "3 unduhan dari 1 bahan tayang."):  # fmt: skip
        assert expected in html, expected
    section = html[html.index('id="pre-post"') : html.index('id="gain-groups"')]
    assert '<td class="num">10</td>' in section and '<td class="num">60</td>' in section  # means
    assert '<td class="num">50</td>' in section  # mean gain

    pdf = client.get(f"/manage/events/{event.id}/laporan.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    for expected in ("Pre-test dan post-test", "Rata-rata pre-test 10", "Rata-rata post-test 60",
                     "Rata-rata kenaikan (post − pre) 50", "Kenaikan per jenis instansi", "Pemerintah kabupaten/kota",
                     "Kenaikan per provinsi", "Analisis butir soal", "Apa kepanjangan SPBE?",
                     "Jumlah bahan tayang 1", "Jumlah unduhan 3",
                     "Rata-rata nilai naik dari 10 pada pre-test menjadi 60 pada post-test."):  # fmt: skip
        assert expected in text, expected

    wb = load_workbook(io.BytesIO(client.get(f"/manage/events/{event.id}/laporan.xlsx").data))
    summary = {r[0]: r[1] for r in wb["Hasil belajar"].iter_rows(min_row=2, values_only=True)}
    assert summary["Rata-rata pre-test"] == 10 and summary["Rata-rata post-test"] == 60
    assert summary["Rata-rata kenaikan"] == 50 and summary["Jumlah unduhan bahan tayang"] == 3
    groups = {(r[0], r[1]): r[2:6] for r in wb["Kenaikan per kelompok"].iter_rows(min_row=2, values_only=True)}
    assert groups[("Jenis instansi", "Pemerintah provinsi")] == (1, 20, 100, 80)
    assert groups[("Jenis instansi", "Pemerintah kabupaten/kota")] == (1, 0, 20, 20)
    assert groups[("Provinsi", "Daerah Khusus Ibukota Jakarta")] == (1, 0, 20, 20)
    items = list(wb["Analisis butir soal"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in items][:1] == [("Pre-test", "Apa kepanjangan SPBE?")] and len(items) == 8


def test_no_learning_section_without_tests_or_materials(client):
    owner = make_user("organizer")
    event = make_event(owner)
    make_registration(event)
    login(client, owner)
    html = client.get(f"/manage/events/{event.id}/laporan").get_data(as_text=True)
    assert "Hasil belajar" not in html and "Analisis butir soal" not in html
    wb = load_workbook(io.BytesIO(client.get(f"/manage/events/{event.id}/laporan.xlsx").data))
    assert "Hasil belajar" not in wb.sheetnames
