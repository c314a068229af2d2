"""The printable laporan kegiatan as a PDF: kop, the sections of an official laporan, a data annex, signatures.

Pure module (reportlab and babel only): it takes the report's plain values, the organizer's narrative and
kop, and returns bytes. User text (names, comments, titles) is escaped before it reaches reportlab's
Paragraph, which would otherwise read it as markup. Charts are reportlab graphics, so they stay vector and
sharp in print. Sections and default texts come from reports.laporan, shared with the DOCX.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bimtek.core.labels import codes, label
from bimtek.core.pdfkit import (
    BOLD,
    FONT,
    KopFlowable,
    Letterhead,
    Signatory,
    numbered_canvas,
    register_fonts,
    signature_block,
)
from bimtek.core.pdfkit import clock as _clock
from bimtek.core.pdfkit import long_date as _long_date
from bimtek.core.pdfkit import number as num
from bimtek.core.pdfkit.axes import count_axis
from bimtek.reports import laporan

COMMENT_LIMIT = 300
COMMENT_PRINT_LIMIT = 30  # distinct comments printed; the XLSX has them all
FONT_BOLD = BOLD
BLUE = colors.HexColor("#0b4f8a")
ORANGE = colors.HexColor("#c7621a")
GREEN = colors.HexColor("#1f7a3a")
GRID = colors.HexColor("#d8dee6")
MUTED = colors.HexColor("#5b6675")
CONTENT_WIDTH = A4[0] - 36 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=base, keepWithNext=1)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "h1": ParagraphStyle(
            "h1", parent=head, fontName=FONT_BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=8, textColor=BLUE
        ),  # fmt: skip
        "h2": ParagraphStyle(
            "h2", parent=head, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "cover_kicker": ParagraphStyle(
            "ck", parent=base, fontName=FONT_BOLD, fontSize=13, alignment=TA_CENTER, textColor=MUTED, leading=18
        ),  # fmt: skip
        "cover_title": ParagraphStyle(
            "ct",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=22,
            leading=29,
            alignment=TA_CENTER,
            textColor=BLUE,
            spaceAfter=10,
        ),  # fmt: skip
        "cover": ParagraphStyle("cv", parent=base, fontSize=12, leading=17, alignment=TA_CENTER),
        "title": ParagraphStyle("t", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17, alignment=TA_CENTER),
        "quote": ParagraphStyle("q", parent=base, fontSize=9, leading=12, leftIndent=8, spaceAfter=2),
        "body": ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY, spaceAfter=4, firstLineIndent=0),
        "num": ParagraphStyle("num", parent=base, fontSize=7.5, leading=10, alignment=2),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def long_date(iso: str, tz: str) -> str:
    """ "Kamis, 25 Agustus 2022" in the event's zone."""
    return _long_date(iso, tz)


def clock(iso: str, tz: str) -> str:
    """ "09.00 WIB" in the event's zone."""
    return _clock(iso, tz)


def _table(
    rows: list[list], widths: list[float], styles: dict, *, header: bool = True, numeric_from: int | None = None
):
    data = [[c if isinstance(c, Paragraph) else _p(c, styles["cell"]) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    cmds = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        cmds += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6edf5"))]
    t.setStyle(TableStyle(cmds))
    return t


def _hbar(items: list[tuple[str, float]], *, title: str, value_max: float | None = None, color=BLUE,
          width: float = CONTENT_WIDTH, label_chars: int = 34) -> Drawing:  # fmt: skip
    rows = max(1, len(items))
    bar_h = 13
    height = rows * bar_h + 34
    d = Drawing(width, height)
    d.add(String(0, height - 11, title, fontName=FONT_BOLD, fontSize=9.5))
    chart = HorizontalBarChart()
    chart.x, chart.y = 178, 14
    chart.width, chart.height = width - 215, rows * bar_h
    values = [v or 0 for _, v in reversed(items)]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [
        (label if len(label) <= label_chars else label[: label_chars - 1] + "…") for label, _ in reversed(items)
    ]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.valueAxis.valueMin = 0
    top = max(values, default=0)
    if value_max is None and all(float(v).is_integer() for v in values):
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = count_axis(top)  # counts: whole-number ticks
    else:
        chart.valueAxis.valueMax = value_max if value_max is not None else max(1, top * 1.15)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: num(v, 1)
    chart.bars[0].fillColor = color
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: num(v)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


def _vbar(items: list[tuple[str, float]], *, title: str, color=BLUE, width: float = CONTENT_WIDTH,
          height: float = 150, max_labels: int = 12) -> Drawing:  # fmt: skip
    d = Drawing(width, height)
    d.add(String(0, height - 11, title, fontName=FONT_BOLD, fontSize=9.5))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 24
    chart.width, chart.height = width - 40, height - 46
    values = [v or 0 for _, v in items] or [0]
    chart.data = [values]
    every = max(1, -(-len(items) // max_labels))
    chart.categoryAxis.categoryNames = [label if i % every == 0 else "" for i, (label, _) in enumerate(items)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = count_axis(max(values))  # counts: whole-number ticks
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: num(v, 0)
    chart.bars[0].fillColor = color
    chart.bars[0].strokeColor = None
    d.add(chart)
    return d


def _narrative(text: str, st: dict) -> list:
    return [_p(part, st["body"]) for part in text.split("\n\n") if part.strip()] or [_p("–", st["body"])]


def _pairs(rows: list[tuple[str, str]], st: dict) -> Table:
    t = Table([[_p(k, st["base"]), ":", _p(v, st["base"])] for k, v in rows],
              colWidths=[CONTENT_WIDTH * 0.3, 8, CONTENT_WIDTH * 0.7 - 8])  # fmt: skip
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("FONT", (0, 0), (-1, -1), FONT, 9.5)]))  # fmt: skip
    return t


def _sections(report: dict, texts: dict, st: dict) -> list:
    """Sections I–IX of the laporan; the last one is returned last so the signature can stay with it."""
    summ, regs = report["summary"], report["registrations"]
    out: list = []
    for i, (key, title) in enumerate(laporan.SECTIONS):
        part: list = [_p(f"{laporan.ROMAN[i]}. {title.upper()}", st["h2"])]
        if key == "when_where":
            part.append(_pairs(laporan.when_where(report), st))
        elif key == "speakers":
            speakers = laporan.speaker_rows(report)
            if speakers:
                part.append(_table([["Nama", "Instansi", "Peran", "Sesi"], *speakers],
                                   [CONTENT_WIDTH * x for x in (0.27, 0.27, 0.16, 0.30)], st))  # fmt: skip
            else:
                part.append(_p("Tidak ada narasumber yang tercatat.", st["base"]))
            part += [Spacer(1, 2 * mm), _p("Susunan acara:", st["base"]),
                     _table([["Waktu", "Sesi", "JP"], *laporan.schedule_rows(report)],
                            [CONTENT_WIDTH * 0.18, CONTENT_WIDTH * 0.72, CONTENT_WIDTH * 0.1], st)]  # fmt: skip
        else:
            part += _narrative(texts[key], st)
        if key == "participants":
            part.append(_table([["Uraian", "Jumlah"], ["Pendaftar", num(summ["registrations"])],
                                ["Peserta terkonfirmasi", num(summ["confirmed"])],
                                ["– luring", num(summ["onsite_confirmed"])], ["– daring", num(summ["online_confirmed"])],
                                ["Provinsi terwakili (dari 38)", num(summ["provinces_reached"])]],
                               [CONTENT_WIDTH * 0.7, CONTENT_WIDTH * 0.3], st))  # fmt: skip
            part.append(_hbar([(t["label"], t["count"]) for t in regs["by_institution_type"]],
                              title="Peserta terkonfirmasi per jenis instansi"))  # fmt: skip
        out.append(part)
    return out


def render(report: dict, *, font_dir: str | Path | None = None, narrative: dict | None = None,
           kop: Letterhead | None = None, signatories: list[Signatory] | None = None, footer: str = "",
           organizer: str = "", place: str = "") -> bytes:  # fmt: skip
    """The laporan kegiatan PDF of a report (the dict from reports.services.event_report).

    ``narrative`` holds the organizer's texts per section (empty ones print the default from the data);
    ``kop`` and ``signatories`` come from the event's organizer profile.
    """
    register_fonts(font_dir)
    st = _styles()
    ev, regs, summ, evaluation = report["event"], report["registrations"], report["summary"], report["evaluation"]
    tz = ev["timezone"]
    texts = laporan.narrative(report, narrative, organizer=organizer)
    story: list = [KopFlowable(kop or Letterhead(ev["organizer_unit"] or ev["title"])), Spacer(1, 4 * mm),
                   _p("LAPORAN KEGIATAN", st["cover_kicker"]), _p(ev["title"], st["title"]), Spacer(1, 2 * mm)]  # fmt: skip
    sections = _sections(report, texts, st)
    for part in sections[:-1]:
        story += part
    sign_place = f"{place or ev['city'] or '....'}, {laporan.sign_date(report)}"
    signers = signatories or [Signatory("Ketua Panitia")]
    blocks = [Signatory(s.title, s.name, s.nip, sign_place if i == len(signers) - 1 else "")
              for i, s in enumerate(signers)]  # fmt: skip
    sig = signature_block(blocks, CONTENT_WIDTH, caption="Mengetahui," if len(blocks) > 1 else "",
                          right_half=len(blocks) == 1)  # fmt: skip
    # The closing section and the signatures always share a page.
    story.append(KeepTogether([*sections[-1], Spacer(1, 6 * mm), sig]))

    story += [PageBreak(), _p("LAMPIRAN: DATA KEGIATAN", st["h1"])]
    # 1. Summary
    story.append(_p("1. Ringkasan", st["h1"]))
    rows = [
        ["Uraian", "Jumlah"],
        ["Pendaftar", num(summ["registrations"])],
        ["Peserta terkonfirmasi", num(summ["confirmed"])],
        ["– luring (kapasitas " + num(ev["onsite_capacity"]) + ")", num(summ["onsite_confirmed"])],
        ["– daring (kapasitas " + num(ev["online_capacity"]) + ")", num(summ["online_confirmed"])],
        ["Daftar tunggu", num(summ["waitlisted"])],
        ["Menunggu persetujuan", num(summ["pending"])],
        ["Provinsi terwakili (dari 38)", num(summ["provinces_reached"])],
        ["Evaluasi masuk", num(summ["evaluations"]) + (f" ({num(summ['evaluation_rate'], 1)}%)"
                                                        if summ["evaluation_rate"] is not None else "")],
        ["Nilai manfaat keseluruhan (1–5)", num(summ["overall_score"])],
        ["Kehadiran di lokasi", f"{num(summ['checkin_rate'], 1)}%" if summ["checkin_rate"] is not None else "belum ada data"],
        ["Memenuhi syarat sertifikat", num(summ["eligible"]) if summ["eligible"] is not None else "belum ada data"],
        ["Sertifikat terbit", num(summ["certificates"]) if summ["certificates"] is not None else "belum ada data"],
        ["Jam pelajaran (JP)", num(ev["jp_total"])],
    ]  # fmt: skip
    story.append(_table(rows, [CONTENT_WIDTH * 0.7, CONTENT_WIDTH * 0.3], st))
    story.append(_p("Agenda", st["h2"]))
    agenda = [["Waktu", "Sesi", "Narasumber / moderator", "JP"]]
    for s in ev["sessions"]:
        agenda.append([f"{clock(s['starts_at'], tz)}–{clock(s['ends_at'], tz)}", s["title"],
                       "\n".join(f"{sp['name']} ({sp['role']})" for sp in s["speakers"]), num(s["jp"])])  # fmt: skip
    story.append(
        _table(agenda, [CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.38, CONTENT_WIDTH * 0.34, CONTENT_WIDTH * 0.08], st)
    )

    # 2. Registrations
    story.append(_p("2. Pendaftaran", st["h1"]))
    if regs["over_time"]:
        weekly = regs["over_time"][0]["weekly"]
        story.append(_vbar([(format_date(date.fromisoformat(p["date"]), "d MMM", locale="id"), p["count"])
                            for p in regs["over_time"]],
                           title="Pendaftaran per minggu" if weekly else "Pendaftaran per hari"))  # fmt: skip
    else:
        story.append(_p("Belum ada pendaftaran.", st["base"]))
    statuses = codes("registration_status")
    rows = [["Mode", "Kapasitas", *[label("registration_status", s, "id") for s in statuses]]]
    for m in ("onsite", "online"):
        x = regs["by_mode"][m]
        rows.append([label("mode_short", m, "id"), num(x["capacity"]), *[num(x[k]) for k in statuses]])
    story += [
        Spacer(1, 3 * mm),
        _table(rows, [CONTENT_WIDTH * 0.14, CONTENT_WIDTH * 0.14] + [CONTENT_WIDTH * 0.144] * 5, st),
    ]

    # 3. Origin
    story.append(_p("3. Asal peserta", st["h1"]))
    story.append(_hbar([(t["label"], t["count"]) for t in regs["by_institution_type"]],
                       title="Peserta terkonfirmasi per jenis instansi"))  # fmt: skip
    reached = sorted((p for p in regs["by_province"] if p["count"]), key=lambda p: (-p["count"], p["name"]))
    if reached:
        story.append(_hbar([(p["name"], p["count"]) for p in reached[:15]],
                           title=f"Provinsi asal peserta ({len(reached)} dari 38 provinsi"
                                 f"{'; 15 terbanyak' if len(reached) > 15 else ''})"))  # fmt: skip
        # Only the provinces that sent participants: 38 rows of mostly zeros would hide them.
        half = (len(reached) + 1) // 2
        left, right = reached[:half], reached[half:]
        prov_rows = [["Provinsi", "Peserta", "Provinsi", "Peserta"]]
        for i in range(half):
            a = left[i]
            b = right[i] if i < len(right) else None
            prov_rows.append([a["name"], num(a["count"]), b["name"] if b else "", num(b["count"]) if b else ""])
        story += [Spacer(1, 3 * mm), _p(f"Sebaran provinsi asal peserta ({len(reached)} dari 38 provinsi)", st["h2"]),
                  _table(prov_rows, [CONTENT_WIDTH * 0.36, CONTENT_WIDTH * 0.14] * 2, st)]  # fmt: skip

    # 4. Attendance recap
    story.append(_p("4. Rekap kehadiran", st["h1"]))
    ci, om, el, ce = report["checkin"], report["online_minutes"], report["eligibility"], report["certificates"]
    rows = [["Uraian", "Nilai"]]
    if ci:
        rows += [["Peserta luring terkonfirmasi", num(ci["expected"])], ["Hadir di lokasi (check-in)", num(ci["checked_in"])],
                 ["Tingkat kehadiran di lokasi", f"{num(ci['rate'], 1)}%" if ci["rate"] is not None else "–"]]  # fmt: skip
    else:
        rows.append(["Check-in di lokasi", "belum ada data"])
    if om:
        rows += [["Peserta daring terkonfirmasi", num(om["participants"])],
                 ["Median menit hadir daring", f"{num(om['median_minutes'], 1)} dari {num(om['scheduled_minutes'], 1)} menit"]]  # fmt: skip
    else:
        rows.append(["Kehadiran daring", "belum ada data"])
    if el:
        rows += [
            ["Memenuhi syarat sertifikat", num(el["eligible"])],
            ["Belum memenuhi syarat", num(el["not_eligible"])],
        ]
    else:
        rows.append(["Kelayakan sertifikat", "belum ada data"])
    if ce:
        rows += [
            [f"Sertifikat {label('certificate_status', k, 'id').lower()}", num(n)] for k, n in ce["by_status"].items()
        ]
    else:
        rows.append(["Sertifikat terbit", "belum ada data"])
    story.append(_table(rows, [CONTENT_WIDTH * 0.6, CONTENT_WIDTH * 0.4], st))
    if om:
        story.append(_vbar([(b["label"], b["count"]) for b in om["buckets"]],
                           title="Sebaran kehadiran daring (persentase durasi acara)", height=130))  # fmt: skip
    for title, rows, widths in laporan.learning_tables(report):
        story += [_p(title, st["h2"]), _table(rows, [CONTENT_WIDTH * w for w in widths], st)]

    # 5. Evaluation
    story.append(PageBreak())
    story.append(_p("5. Hasil evaluasi", st["h1"]))
    if not evaluation["responses"]:
        story.append(_p("Belum ada evaluasi yang masuk.", st["base"]))
    else:
        rate = (
            f" ({num(evaluation['response_rate'], 1)}% dari peserta terkonfirmasi)"
            if evaluation["response_rate"] is not None
            else ""
        )
        story.append(_p(f"{num(evaluation['responses'])} peserta mengisi evaluasi{rate}. Skala 1 (sangat kurang) "
                        "sampai 5 (sangat baik).", st["base"]))  # fmt: skip
        story.append(_hbar([(r["question"], r["mean"]) for r in evaluation["general"]], value_max=5, color=GREEN,
                           title="Penyelenggaraan dan manfaat (rata-rata)", label_chars=40))  # fmt: skip
        if evaluation["sessions"]:
            story.append(_hbar([(s["title"], s["mean"]) for s in evaluation["sessions"]], value_max=5,
                               title="Materi per sesi (rata-rata)", label_chars=40))  # fmt: skip
        if evaluation["speakers"]:
            story.append(_hbar([(s["name"], s["mean"]) for s in evaluation["speakers"]], value_max=5, color=ORANGE,
                               title="Narasumber (rata-rata semua aspek)", label_chars=40))  # fmt: skip
            aspects = [a["question"] for a in evaluation["speakers"][0]["aspects"]]
            rows = [["Narasumber", *aspects, "Rata-rata"]]
            for sp in evaluation["speakers"]:
                rows.append(
                    [f"{sp['name']}\n{sp['session']}", *[num(a["mean"]) for a in sp["aspects"]], num(sp["mean"])]
                )
            first = CONTENT_WIDTH * 0.4
            rest = (CONTENT_WIDTH - first) / (len(aspects) + 1)
            story += [Spacer(1, 2 * mm), _table(rows, [first] + [rest] * (len(aspects) + 1), st)]
        story.append(_p("Rincian nilai per pertanyaan", st["h2"]))
        rows = [["Pertanyaan", "Untuk", "n", "Rata-rata", "1", "2", "3", "4", "5"]]
        for r in evaluation["scores"]:
            # Counts are right-aligned in small type in columns wide enough for "12.345": never stacked digits.
            rows.append([r["question"], r["target"],
                         *[_p(v, st["num"]) for v in (num(r["count"]), num(r["mean"]),
                                                      *[num(n) for n in r["distribution"]])]])  # fmt: skip
        w = CONTENT_WIDTH
        story.append(_table(rows, [w * 0.27, w * 0.19, w * 0.07, w * 0.12] + [w * 0.07] * 5, st))
        story.append(_p("n = jumlah jawaban; 1–5 = banyaknya jawaban per nilai (1 sangat kurang, 5 sangat baik).",
                        st["small"]))  # fmt: skip
        story.append(_p(f"Saran dan komentar ({num(evaluation['comments_total'])})", st["h2"]))
        if not evaluation["comments"]:
            story.append(_p("Tidak ada komentar.", st["base"]))
        # The same words from many participants print once, with how many wrote them.
        for c, times in laporan.comments_deduplicated(evaluation["comments"], limit=COMMENT_PRINT_LIMIT):
            head = label("evaluation_section", c["section"] or None, "id") + (
                f" · {c['target']}" if c["target"] else ""
            )
            author = f" — {c['author']['name']}, {c['author']['institution']}" if c.get("author") else ""
            if times > 1:
                author = f" ({num(times)} peserta)"
            story.append(KeepTogether([_p(head, st["small"]), _p(c["text"] + author, st["quote"])]))
        if evaluation["comments_total"] > len(evaluation["comments"]):
            story.append(_p(f"{num(evaluation['comments_total'] - len(evaluation['comments']))} komentar lainnya "
                            "tercantum dalam berkas XLSX.", st["small"]))  # fmt: skip

    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=14 * mm,
                            bottomMargin=18 * mm, title=f"Laporan kegiatan {ev['title']}", author=ev["organizer_unit"],
                            subject="Laporan kegiatan", creator="Bimtek")  # fmt: skip
    doc.build(story, canvasmaker=numbered_canvas(footer or f"Laporan kegiatan {ev['code']}", margin=18 * mm))
    return buf.getvalue()
