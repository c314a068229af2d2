"""Server-side SVG charts and XLSX cell neutralising."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bimtek.reports import charts
from bimtek.reports.figures import minutes_distribution, union_minutes
from bimtek.reports.xlsx import safe_cell

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (0.3, 0.5), (1, 1), (7, 10), (12, 20), (23, 25), (40, 50), (101, 200), (5000, 5000)]
)
def test_nice_max(value, expected):
    assert charts.nice_max(value) == pytest.approx(expected)


def test_hbar_chart_is_accessible_and_proportional():
    svg = charts.hbar_chart([("Kepulauan Riau", 15), ("Bali", 5), ("Aceh", 0)], chart_id="c1", title="Provinsi",
                            desc="Tiga provinsi", max_value=20)  # fmt: skip
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").text == "Provinsi" and root.find(f"{NS}desc").text == "Tiga provinsi"
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert len(widths) == 2  # a zero count draws no bar, but its row and value are there
    assert widths[0] == pytest.approx(3 * widths[1])
    tips = [t.text for t in root.iter(f"{NS}title")][1:]
    assert tips == ["Kepulauan Riau: 15", "Bali: 5", "Aceh: 0"]
    assert "style=" not in svg  # the CSP forbids inline styles


def test_chart_text_is_escaped():
    svg = charts.hbar_chart([('<script>alert("x")</script>', 1)], chart_id="c&d", title="A & B <i>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    _parse(svg)  # still well-formed XML


def test_column_chart_with_cumulative_line():
    svg = charts.column_chart([("1 Agu", 2), ("2 Agu", 0), ("3 Agu", 6)], line=[2, 2, 8], line_label="kumulatif",
                              chart_id="t", title="Pendaftaran per hari")  # fmt: skip
    root = _parse(svg)
    heights = [float(r.get("height")) for r in root.iter(f"{NS}rect")]
    assert heights[0] * 3 == pytest.approx(heights[2]) and heights[1] == 0
    assert len(root.find(f".//{NS}polyline").get("points").split()) == 3


def test_score_chart_scales_to_five():
    svg = charts.score_chart([("Penguasaan materi", 5.0, 10), ("Belum dinilai", None, 0)], chart_id="s", title="Nilai")
    root = _parse(svg)
    rects = list(root.iter(f"{NS}rect"))
    assert len(rects) == 1 and "5,00" in svg and re.search(r"Belum dinilai: - \(0\)", svg)


def test_stacked_bar_shares():
    svg = charts.stacked_bar([("Luring", 13), ("Daring", 37)], chart_id="m", title="Mode")
    assert "Luring: 13 (26%)" in svg and "Daring: 37 (74%)" in svg


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62812", "'+62812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Budi", "Budi"),
        (4.5, 4.5),
        (3, 3),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_minutes_distribution_buckets_by_share_of_schedule():
    per = {1: 0, 2: 30, 3: 100, 4: 180, 5: 500}
    out = minutes_distribution(per, 200, [1, 2, 3, 4, 5, 6])
    counts = {b["label"]: b["count"] for b in out["buckets"]}
    assert counts == {"0%": 2, "1–24%": 1, "25–49%": 0, "50–69%": 1, "70–89%": 0, "≥ 90%": 2}
    assert out["participants"] == 6 and out["median_minutes"] == 65


@pytest.mark.parametrize(
    ("spans", "total"),
    [
        ([], 0),
        ([(0, 10)], 10),
        ([(0, 10), (5, 15)], 15),
        ([(5, 15), (0, 10)], 15),  # order never matters
        ([(0, 10), (10, 20)], 20),
        ([(0, 10), (20, 30)], 20),
        ([(0, 30), (5, 10), (12, 14)], 30),
        ([(10, 5)], 0),  # an empty or reversed span adds nothing
    ],
)
def test_union_minutes_counts_overlaps_once(spans, total):
    assert union_minutes(spans) == total


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, (1, 1)),
        (1, (1, 1)),
        (3, (3, 1)),
        (7, (8, 2)),
        (18, (20, 5)),
        (25, (30, 10)),
        (50, (60, 20)),
        (101, (150, 50)),
    ],
)
def test_count_axis_has_whole_number_steps(value, expected):
    top, step = charts.count_axis(value)
    assert (top, step) == expected and top >= value and top // step <= 4


def _ticks(svg: str) -> list[str]:
    return [t.text for t in _parse(svg).findall(f"{NS}text") if t.get("font-size") == "11"]


def test_column_chart_counts_read_whole_numbers():
    # The demo's 25 registrations a day used to give ticks 6,2 / 12,5 / 18,8 (issue 11).
    svg = charts.column_chart([("2 Agu", 25), ("3 Agu", 25)], line=[25, 50], line_label="kumulatif",
                              chart_id="t", title="Pendaftaran", fmt=lambda v: f"{v:g}".replace(".", ","))  # fmt: skip
    ticks = [t for t in _ticks(svg) if t[0].isdigit()]
    assert "0" in ticks and "30" in ticks and "60" in ticks
    assert not [t for t in ticks if "," in t or "." in t], ticks
    # Scores are not counts: a mean axis may still show fractions.
    assert "0,5" in _ticks(
        charts.column_chart([("a", 0.3)], chart_id="f", title="f", fmt=lambda v: f"{v:g}".replace(".", ","))
    )


def test_labels_fit_inside_the_chart():
    long = "Kenyamanan tempat dan fasilitas kegiatan yang sangat panjang sekali untuk satu baris"
    assert charts.fit("Bali", 100) == "Bali"
    cut = charts.fit(long, 160)
    assert cut.endswith("…") and long.startswith(cut[:-1]) and charts.text_width(cut) <= 160
    lines = charts.wrap(long, 300)
    assert len(lines) == 2 and all(charts.text_width(line) <= 300 for line in lines)
    assert lines[0].startswith("Kenyamanan")  # the start of a label is never lost ("enyamanan")


def test_score_chart_writes_whole_labels_above_the_bars():
    question = "Secara keseluruhan, seberapa bermanfaat kegiatan ini bagi pekerjaan Anda?"
    svg = charts.score_chart([("Kenyamanan tempat dan fasilitas kegiatan", 3.9, 10), (question, 4.05, 40)],
                             chart_id="g", title="Nilai")  # fmt: skip
    root = _parse(svg)
    width = float(root.get("viewBox").split()[2])
    labels = [t.text for t in root.iter(f"{NS}text") if t.get("x") == "0"]  # label lines start at the left edge
    assert labels[0] == "Kenyamanan tempat dan fasilitas kegiatan"
    assert len(labels) == 3 and " ".join(labels[1:]) == question  # wrapped over two lines, nothing cut
    assert all(charts.text_width(line) <= width for line in labels)


def test_hbar_label_column_fits_the_longest_label():
    svg = charts.hbar_chart([("Pemerintah kabupaten/kota", 10), ("Lainnya", 5)], chart_id="i", title="Jenis instansi")
    assert ">Pemerintah kabupaten/kota<" in svg  # whole, not "Pemerintah kabupate…"
