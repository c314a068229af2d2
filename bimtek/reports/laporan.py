"""The laporan kegiatan's content, shared by the PDF and the DOCX: sections, default narrative, tables.

Pure module: the report dict (reports.services.event_report) and the organizer's saved narrative in,
plain text and rows out. A section the organizer left empty gets a default written from the data, so
the document is complete before anyone types a word; the organizer's text always wins.
"""

from __future__ import annotations

from collections import Counter

from bimtek.core.labels import label
from bimtek.core.pdfkit.formats import clock, date_range, number, place_line, short_date, to_local

__all__ = ["NARRATIVE", "SECTIONS", "comments_deduplicated", "defaults", "narrative", "schedule_rows",
           "speaker_rows", "when_where"]  # fmt: skip

# (key, title); keys with narrative text are NARRATIVE, the others are filled from the data.
SECTIONS = (
    ("basis", "Dasar Pelaksanaan"),
    ("background", "Latar Belakang"),
    ("purpose", "Maksud dan Tujuan"),
    ("when_where", "Waktu dan Tempat"),
    ("speakers", "Narasumber"),
    ("participants", "Peserta"),
    ("results", "Hasil Kegiatan"),
    ("conclusions", "Kesimpulan dan Saran"),
    ("closing", "Penutup"),
)
NARRATIVE = ("basis", "background", "purpose", "participants", "results", "conclusions", "closing")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _mode_text(ev: dict) -> str:
    if ev["onsite_capacity"] and ev["online_capacity"]:
        return "secara luring dan daring melalui Zoom"
    return "secara luring" if ev["onsite_capacity"] else "secara daring melalui Zoom"


def defaults(report: dict, *, organizer: str = "") -> dict[str, str]:
    """Default text of each narrative section, written from the event's figures."""
    ev, summ, ci = report["event"], report["summary"], report["checkin"]
    tz = ev["timezone"]
    year = to_local(ev["starts_at"], tz).year
    unit = organizer or ev["organizer_unit"] or "penyelenggara"
    place = place_line(ev["venue_name"], "", ev["city"]) or "lokasi kegiatan"
    reach = summ["provinces_reached"]
    text = {
        "basis": f"Kegiatan ini dilaksanakan berdasarkan Daftar Isian Pelaksanaan Anggaran (DIPA) {unit} "
                 f"Tahun Anggaran {year}.",
        "background": f"{ev['title']} diselenggarakan untuk meningkatkan kompetensi aparatur pengelola "
                      "komunikasi publik di pusat dan daerah sesuai dengan kebutuhan tugasnya.",
        "purpose": "Maksud kegiatan ini adalah memberikan pemahaman dan keterampilan kepada peserta. "
                   "Tujuannya agar peserta mampu menerapkan materi yang diberikan dalam pekerjaan sehari-hari.",
        "participants": (
            f"Kegiatan diikuti oleh {number(summ['confirmed'])} peserta dari {number(reach)} provinsi, terdiri atas "
            f"{number(summ['onsite_confirmed'])} peserta luring dan {number(summ['online_confirmed'])} peserta "
            f"daring, dari {number(summ['registrations'])} pendaftar."
        ),
        "results": "Kegiatan terlaksana sesuai agenda pada "
                   f"{date_range(ev['starts_at'], ev['ends_at'], tz)} di {place} {_mode_text(ev)}.",
        "conclusions": "Kegiatan berjalan dengan baik. Saran peserta dihimpun dari evaluasi dan menjadi bahan "
                       "perbaikan penyelenggaraan berikutnya.",
        "closing": "Demikian laporan ini disusun sebagai pertanggungjawaban pelaksanaan kegiatan. "
                   "Atas perhatian dan kerja sama semua pihak, kami ucapkan terima kasih.",
    }  # fmt: skip
    if ci and ci.get("checked_in") is not None:
        text["results"] += f" Sebanyak {number(ci['checked_in'])} peserta hadir di lokasi"
        text["results"] += f" ({number(ci['rate'], 1)}%)." if ci.get("rate") is not None else "."
    if summ["evaluations"]:
        text["results"] += (f" Sebanyak {number(summ['evaluations'])} peserta mengisi evaluasi"
                            + (f" dengan nilai manfaat rata-rata {number(summ['overall_score'])} dari 5."
                               if summ["overall_score"] is not None else "."))  # fmt: skip
    if summ["eligible"] is not None:
        text["results"] += f" Sebanyak {number(summ['eligible'])} peserta memenuhi syarat sertifikat."
    ls = (report.get("learning") or {}).get("summary")
    if ls and ls["mean_pre"] is not None and ls["mean_post"] is not None:
        text["results"] += (f" Rata-rata nilai naik dari {number(ls['mean_pre'])} pada pre-test menjadi "
                            f"{number(ls['mean_post'])} pada post-test.")  # fmt: skip
    return text


def learning_tables(report: dict) -> list[tuple[str, list[list[str]], list[float]]]:
    """The learning outcomes as (title, rows with a header, column width fractions); [] without tests/materials."""
    out: list[tuple[str, list[list[str]], list[float]]] = []
    learning, materials = report.get("learning"), report.get("materials")
    if learning:
        s = learning["summary"]
        rows = [["Uraian", "Nilai"], ["Peserta", number(s["participants"])],
                ["Mengikuti pre-test", number(s["pre_taken"])], ["Mengikuti post-test", number(s["post_taken"])],
                ["Rata-rata pre-test", number(s["mean_pre"])], ["Rata-rata post-test", number(s["mean_post"])],
                ["Rata-rata kenaikan (post − pre)", number(s["mean_gain"])],
                ["Rata-rata gain ternormalisasi", number(s["mean_normalised_gain"], 2)],
                ["Lulus post-test", number(s["passed"])]]  # fmt: skip
        out.append(("Pre-test dan post-test", rows, [0.6, 0.4]))
        dist = learning["distribution"]
        rows = [["Rentang nilai", "Pre-test", "Post-test"]]
        for i, (a, b) in enumerate(zip(dist["pre"], dist["post"], strict=True)):
            rows.append([f"{i * 10}–{100 if i == len(dist['pre']) - 1 else i * 10 + 9}", number(a), number(b)])
        out.append(("Sebaran nilai", rows, [0.4, 0.3, 0.3]))
        for title, groups in (("Kenaikan per jenis instansi", learning["by_type"]),
                              ("Kenaikan per provinsi", learning["by_province"])):  # fmt: skip
            rows = [["Kelompok", "n", "Pre-test", "Post-test", "Kenaikan", "Gain ternormalisasi"]]
            rows += [[g["label"], number(g["n"]), number(g["pre"]), number(g["post"]), number(g["gain"]),
                      number(g["normalised_gain"])] for g in groups]  # fmt: skip
            out.append((title, rows, [0.35, 0.08, 0.13, 0.13, 0.13, 0.18]))
        if learning["items"]:
            rows = [["Tes", "No.", "Soal", "Dijawab", "Kesukaran", "Daya beda", "Catatan"]]
            rows += [[it["test"], str(it["number"]), it["text"], number(it["answered"]), number(it["difficulty"]),
                      number(it["discrimination"]), it["flag"]] for it in learning["items"]]  # fmt: skip
            out.append(("Analisis butir soal", rows, [0.1, 0.06, 0.34, 0.1, 0.12, 0.11, 0.17]))
    if materials:
        rows = [["Uraian", "Nilai"], ["Jumlah bahan tayang", number(materials["materials"])],
                ["Jumlah unduhan", number(materials["downloads"])]]  # fmt: skip
        out.append(("Bahan tayang", rows, [0.6, 0.4]))
    return out


def narrative(report: dict, saved: dict | None, *, organizer: str = "") -> dict[str, str]:
    """The text each narrative section prints: the organizer's words, else the default."""
    base = defaults(report, organizer=organizer)
    return {k: ((saved or {}).get(k) or "").strip() or base[k] for k in NARRATIVE}


def when_where(report: dict) -> list[tuple[str, str]]:
    """Hari/tanggal, waktu, tempat, cara: label and value."""
    ev = report["event"]
    tz = ev["timezone"]
    place = place_line(ev["venue_name"], ev.get("venue_address"), ev["city"], ev["province"]) or "–"
    return [("Hari/tanggal", date_range(ev["starts_at"], ev["ends_at"], tz)),
            ("Waktu", f"pukul {clock(ev['starts_at'], tz)[:5]} – {clock(ev['ends_at'], tz)}"),
            ("Tempat", place), ("Pelaksanaan", _mode_text(ev)),
            ("Jumlah jam pelajaran", f"{number(ev['jp_total'])} JP")]  # fmt: skip


def schedule_rows(report: dict) -> list[list[str]]:
    """The agenda: time, session, JP."""
    ev = report["event"]
    tz = ev["timezone"]
    return [[f"{clock(s['starts_at'], tz)[:5]}–{clock(s['ends_at'], tz)[:5]}", s["title"], number(s["jp"])]
            for s in ev["sessions"]]  # fmt: skip


def speaker_rows(report: dict) -> list[list[str]]:
    """Narasumber and moderator per session: name, institution, role, session."""
    return [[sp["name"], sp["institution"] or "–", label("role", sp["role"], "id"), s["title"]]
            for s in report["event"]["sessions"] for sp in s["speakers"]]  # fmt: skip


def comments_deduplicated(comments: list[dict], limit: int = 20) -> list[tuple[dict, int]]:
    """Comments with identical text printed once with their count, most repeated first."""
    counts = Counter(" ".join(c["text"].split()).casefold() for c in comments)
    seen, out = set(), []
    for c in comments:
        key = " ".join(c["text"].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        out.append((c, counts[key]))
    out.sort(key=lambda item: -item[1])
    return out[:limit]


def sign_date(report: dict) -> str:
    """The laporan's date: the day it was generated, in the event's zone."""
    return short_date(report["generated_at"], report["event"]["timezone"])
