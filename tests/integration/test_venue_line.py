"""The venue is said once, with its address: on the event summary, the public page, the participant's page
and the laporan (PDF and XLSX), never "Hotel Aston Makassar Makassar" (issue 11)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import login, make_event, make_registration, make_user

MAKASSAR = {"venue_name": "Hotel Aston Makassar", "venue_address": "Jl. Sultan Hasanuddin No. 10",
            "city": "Makassar", "province_code": "73", "timezone": "Asia/Makassar"}  # fmt: skip
LINE = "Hotel Aston Makassar, Jl. Sultan Hasanuddin No. 10"


def test_venue_once_with_its_address_on_every_page_and_report(client):
    owner = make_user("organizer")
    event = make_event(owner, **MAKASSAR)
    reg = make_registration(event, mode="onsite")
    login(client, owner)

    summary = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert LINE in summary and "Makassar Makassar" not in summary
    public = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert f"{LINE}, Sulawesi Selatan" in public
    participant = client.get(f"/r/{reg.manage_token}").get_data(as_text=True)
    assert LINE in participant and "Makassar, Makassar" not in participant

    pdf = client.get(f"/manage/events/{event.id}/laporan.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert f"{LINE}, Sulawesi Selatan" in text and "Makassar Makassar" not in text

    book = load_workbook(io.BytesIO(client.get(f"/manage/events/{event.id}/laporan.xlsx").data), read_only=True)
    rows = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and len(row) > 1}
    assert rows["Tempat"] == f"{LINE}, Sulawesi Selatan"
