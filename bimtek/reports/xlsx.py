"""XLSX workbooks: an event report's tables, and participants' history for agency HR.

Cells are neutralised against formula injection: text that starts with = + - @ or a tab/CR gets a
leading apostrophe, so a spreadsheet shows it as text instead of running it. Pure module: openpyxl only.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bimtek.core.labels import codes, label
from bimtek.core.pdfkit.formats import place_line
from bimtek.core.spreadsheet import safe_cell

HEADER_FILL = PatternFill("solid", fgColor="0B4F8A")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _label(kind: str, code) -> str:
    """Workbooks are written in Indonesian, whatever the language of the page that asked for them."""
    return label(kind, code, "id")


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    """A streamed (write-only) sheet: bold header, frozen first row; fast for tens of thousands of cells."""
    ws = wb.create_sheet(title[:31])
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    cells = []
    for h in header:
        cell = WriteOnlyCell(ws, value=safe_cell(h))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    return ws


def _save(wb: Workbook) -> bytes:
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _or_none(value):
    return "belum ada data" if value is None else value


def event_workbook(report: dict, responses: dict | None = None) -> bytes:
    """The report's underlying tables, one sheet each; `responses` adds the raw evaluation answers."""
    wb = Workbook(write_only=True)
    ev, regs, s, evaluation = report["event"], report["registrations"], report["summary"], report["evaluation"]
    summary_rows = [
        ["Kegiatan", ev["title"]],
        ["Kode", ev["code"]],
        ["Penyelenggara", ev["organizer_unit"]],
        ["Tempat", place_line(ev["venue_name"], ev.get("venue_address"), ev["city"], ev["province"])],
        ["Mulai (UTC)", ev["starts_at"]],
        ["Selesai (UTC)", ev["ends_at"]],
        ["Total JP", ev["jp_total"]],
        ["Pendaftar", s["registrations"]],
        ["Terkonfirmasi", s["confirmed"]],
        ["Terkonfirmasi luring", s["onsite_confirmed"]],
        ["Terkonfirmasi daring", s["online_confirmed"]],
        ["Daftar tunggu", s["waitlisted"]],
        ["Menunggu persetujuan", s["pending"]],
        ["Provinsi terwakili (dari 38)", s["provinces_reached"]],
        ["Evaluasi masuk", s["evaluations"]],
        ["Tingkat pengisian evaluasi (%)", _or_none(s["evaluation_rate"])],
        ["Nilai manfaat keseluruhan (1-5)", _or_none(s["overall_score"])],
        ["Kehadiran di lokasi (%)", _or_none(s["checkin_rate"])],
        ["Memenuhi syarat sertifikat", _or_none(s["eligible"])],
        ["Sertifikat terbit", _or_none(s["certificates"])],
        ["Dibuat (UTC)", report["generated_at"]],
    ]
    _sheet(wb, "Ringkasan", ["Uraian", "Nilai"], summary_rows, [36, 70])
    _sheet(wb, "Pendaftaran per hari", ["Tanggal" if not (regs["over_time"] and regs["over_time"][0]["weekly"])
                                        else "Minggu mulai", "Baru", "Kumulatif"],
           [[p["date"], p["count"], p["cumulative"]] for p in regs["over_time"]], [14, 10, 12])  # fmt: skip
    statuses = codes("registration_status")
    _sheet(wb, "Mode dan status", ["Mode", "Kapasitas", *[_label("registration_status", x) for x in statuses]],
           [[_label("mode_short", m), regs["by_mode"][m]["capacity"], *[regs["by_mode"][m][x] for x in statuses]]
            for m in ("onsite", "online")], [12, 12, 14, 14, 20, 10, 12])  # fmt: skip
    _sheet(wb, "Jenis instansi", ["Jenis instansi", "Peserta terkonfirmasi"],
           [[t["label"], t["count"]] for t in regs["by_institution_type"]], [30, 22])  # fmt: skip
    _sheet(wb, "Provinsi", ["Kode", "Provinsi", "Peserta terkonfirmasi"],
           [[p["code"], p["name"], p["count"]] for p in regs["by_province"]], [8, 34, 22])  # fmt: skip
    _sheet(wb, "Evaluasi - nilai",
           ["Bagian", "Pertanyaan", "Sesi/narasumber", "Keterangan", "Jumlah jawaban", "Rata-rata", "% baik (4-5)",
            "Nilai 1", "Nilai 2", "Nilai 3", "Nilai 4", "Nilai 5"],
           [[r["section"], r["question"], r["target"], r["target_detail"], r["count"], r["mean"], r["percent_good"],
             *r["distribution"]] for r in evaluation["scores"]],
           [12, 50, 34, 30, 10, 10, 10, 8, 8, 8, 8, 8])  # fmt: skip
    aspects = [a["question"] for a in evaluation["speakers"][0]["aspects"]] if evaluation["speakers"] else []
    _sheet(wb, "Evaluasi - narasumber", ["Narasumber", "Instansi", "Sesi", *aspects, "Rata-rata", "Jumlah jawaban"],
           [[sp["name"], sp["institution"], sp["session"], *[a["mean"] for a in sp["aspects"]], sp["mean"],
             sp["count"]] for sp in evaluation["speakers"]], [34, 34, 40] + [16] * len(aspects) + [10, 10])  # fmt: skip
    _sheet(wb, "Evaluasi - sesi", ["Sesi", "Rata-rata materi", "Jumlah jawaban"],
           [[x["title"], x["mean"], x["count"]] for x in evaluation["sessions"]], [50, 16, 14])  # fmt: skip
    anonymous = evaluation["anonymous"]
    header = ["Pertanyaan", "Sesi/narasumber", "Komentar", "Dikirim (UTC)"] + (
        [] if anonymous else ["Nama", "Instansi"]
    )
    _sheet(wb, "Evaluasi - komentar", header,
           [[c["question"], c["target"], c["text"], c["submitted_at"][:19].replace("T", " ")]
            + ([] if anonymous or not c["author"] else [c["author"]["name"], c["author"]["institution"]])
            for c in evaluation["comments"]], [34, 30, 80, 20, 30, 30])  # fmt: skip
    att = []
    ci = report["checkin"]
    att += [["Check-in: peserta luring terkonfirmasi", ci["expected"]], ["Check-in: hadir", ci["checked_in"]],
            ["Check-in: tingkat kehadiran (%)", _or_none(ci["rate"])],
            ["Check-in: peserta daring diterima di lokasi", ci.get("other_modes_admitted", 0)]] if ci else [["Check-in di lokasi", "belum ada data"]]  # fmt: skip
    om = report["online_minutes"]
    if om:
        att += [["Daring: peserta", om["participants"]], ["Daring: menit terjadwal", om["scheduled_minutes"]],
                ["Daring: median menit", _or_none(om["median_minutes"])]]  # fmt: skip
        att += [[f"Daring: hadir {b['label']} durasi", b["count"]] for b in om["buckets"]]
    else:
        att.append(["Kehadiran daring", "belum ada data"])
    el = report["eligibility"]
    att += [["Dinilai", el["assessed"]], ["Memenuhi syarat", el["eligible"]], ["Belum memenuhi syarat",
            el["not_eligible"]]] if el else [["Kelayakan sertifikat", "belum ada data"]]  # fmt: skip
    ce = report["certificates"]
    att += (
        [[f"Sertifikat: {_label('certificate_status', k).lower()}", n] for k, n in ce["by_status"].items()]
        if ce
        else [["Sertifikat", "belum ada data"]]
    )
    _sheet(wb, "Kehadiran", ["Uraian", "Nilai"], att, [44, 18])
    _learning_sheets(wb, report.get("learning"), report.get("materials"))
    if report.get("nominations"):
        rows = [[r["name"], r["onsite_quota"], r["online_quota"], r["nominated"], r["attended"], r["certified"]]
                for r in report["nominations"]]  # fmt: skip
        _sheet(wb, "Nominasi instansi", ["Instansi", "Kuota luring", "Kuota daring", "Dinominasikan", "Hadir",
               "Bersertifikat"], rows, [44, 14, 14, 16, 10, 14])  # fmt: skip
    if responses is not None:
        rows = [[r[0], r[1], _label("mode_short", r[2]), *r[3:]] for r in responses["rows"]]
        _sheet(wb, "Evaluasi - jawaban", responses["header"], rows, [6, 20, 10] + [18] * (len(responses["header"]) - 3))
    return _save(wb)


def _learning_sheets(wb: Workbook, learning: dict | None, materials: dict | None) -> None:
    """Pre/post-test figures, gains per group, item analysis and materials downloads (only when there are any)."""
    if not learning and not materials:
        return
    rows = []
    if learning:
        s = learning["summary"]
        rows += [["Peserta", s["participants"]], ["Mengikuti pre-test", s["pre_taken"]],
                 ["Mengikuti post-test", s["post_taken"]], ["Rata-rata pre-test", _or_none(s["mean_pre"])],
                 ["Rata-rata post-test", _or_none(s["mean_post"])], ["Rata-rata kenaikan", _or_none(s["mean_gain"])],
                 ["Rata-rata gain ternormalisasi", _or_none(s["mean_normalised_gain"])],
                 ["Lulus post-test", s["passed"]]]  # fmt: skip
        last = len(learning["distribution"]["pre"]) - 1
        for i, (a, b) in enumerate(zip(learning["distribution"]["pre"], learning["distribution"]["post"], strict=True)):
            band = f"{i * 10}–{100 if i == last else i * 10 + 9}"
            rows += [[f"Sebaran pre-test {band}", a], [f"Sebaran post-test {band}", b]]
    if materials:
        rows += [
            ["Jumlah bahan tayang", materials["materials"]],
            ["Jumlah unduhan bahan tayang", materials["downloads"]],
        ]
    _sheet(wb, "Hasil belajar", ["Uraian", "Nilai"], rows, [40, 18])
    if not learning:
        return
    groups = [["Jenis instansi", g["label"], g["n"], g["pre"], g["post"], g["gain"], g["normalised_gain"]]
              for g in learning["by_type"]]  # fmt: skip
    groups += [["Provinsi", g["label"], g["n"], g["pre"], g["post"], g["gain"], g["normalised_gain"]]
               for g in learning["by_province"]]  # fmt: skip
    _sheet(wb, "Kenaikan per kelompok", ["Kelompok", "Nama", "n", "Pre-test", "Post-test", "Kenaikan",
                                         "Gain ternormalisasi"], groups, [16, 34, 6, 10, 10, 10, 12])  # fmt: skip
    items = [[it["test"], it["number"], it["text"], it["answered"], it["difficulty"], it["discrimination"], it["flag"]]
             for it in learning["items"]]  # fmt: skip
    _sheet(wb, "Analisis butir soal", ["Tes", "No.", "Soal", "Dijawab", "Tingkat kesukaran", "Daya beda", "Catatan"],
           items, [10, 6, 50, 10, 12, 12, 28])  # fmt: skip


def history_workbook(people: list[dict]) -> bytes:
    """Participants' registrations across events and their JP per year, for the agency's HR (kepegawaian)."""
    wb = Workbook(write_only=True)
    rows, years = [], []
    for p in people:
        for r in p["registrations"]:
            certs = "; ".join(
                " ".join(str(c.get(k) or "") for k in ("number", "status")).strip() for c in r["certificates"]
            )
            rows.append([p["key"], r["full_name"], r["nip"] or "", r["email"], r["institution_name"], r["work_unit"],
                         r["event_title"], r["event_code"], r["event_date"], r["city"], r["organizer_unit"],
                         _label("mode_short", r["mode"]), _label("registration_status", r["status"]), r["jp"],
                         certs if p["certificates_known"] else "belum ada data"])  # fmt: skip
        for y in p["jp_per_year"]:
            years.append([p["key"], p["name"], y["year"], y["jp"]])
        if not p["registrations"]:
            rows.append([p["key"], "", "", "", "", "", "(tidak ada pendaftaran)", "", "", "", "", "", "", 0, ""])
    _sheet(wb, "Riwayat", ["NIP/email dicari", "Nama", "NIP", "Email", "Instansi", "Unit kerja", "Kegiatan", "Kode",
                           "Tanggal", "Kota", "Penyelenggara", "Mode", "Status", "JP", "Sertifikat"], rows,
           [22, 30, 20, 28, 30, 26, 50, 16, 12, 14, 40, 8, 14, 6, 30])  # fmt: skip
    _sheet(wb, "JP per tahun", ["NIP/email dicari", "Nama", "Tahun", "JP"], years, [22, 30, 8, 8])
    return _save(wb)
