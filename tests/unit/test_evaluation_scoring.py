"""Evaluation arithmetic: parsing a 1–5 answer and summarising score counts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bimtek.evaluation import scoring


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("5", 5), (" 3 ", 3), (4, 4), ("", None), (None, None), ("   ", None)],
)
def test_parse_score_accepts_the_scale(raw, expected):
    assert scoring.parse_score(raw) == expected


@pytest.mark.parametrize("raw", ["0", "6", "-1", "4.5", "tiga", "٣", "５", True, 7, "1e0"])
def test_parse_score_refuses_everything_else(raw):
    with pytest.raises(scoring.ScoreError):
        scoring.parse_score(raw)


@pytest.mark.parametrize(
    ("counts", "count", "mean", "good"),
    [
        ({}, 0, None, None),
        ({5: 1}, 1, 5.0, 100.0),
        ({1: 1, 5: 1}, 2, 3.0, 50.0),
        ({3: 10, 4: 18, 5: 12}, 40, 4.05, 75.0),
        ({4: 2, 9: 100}, 2, 4.0, 100.0),  # scores outside the scale are ignored
    ],
)
def test_summarize(counts, count, mean, good):
    s = scoring.summarize(counts)
    assert s.count == count
    assert (s.mean is None and mean is None) or s.mean == pytest.approx(mean)
    assert (s.percent_good is None and good is None) or s.percent_good == pytest.approx(good)
    assert sum(s.distribution) == count


def test_merge_weights_by_answers():
    merged = scoring.merge([scoring.summarize({5: 3}), scoring.summarize({2: 1})])
    assert merged.count == 4 and merged.mean == pytest.approx(17 / 4)
    assert merged.distribution == (0, 1, 0, 0, 3)


def test_clean_text_strips_control_characters_but_keeps_lines():
    assert scoring.clean_text("  Bagus\r\nsekali\x00\x07 ") == "Bagus\nsekali"
    assert scoring.clean_text(None) == ""
    assert len(scoring.clean_text("x" * 5000)) == scoring.TEXT_LIMIT + 1  # over the limit is still detectable


@pytest.mark.parametrize(
    "path",
    [
        "bimtek/evaluation/scoring.py",
        "bimtek/reports/charts.py",
        "bimtek/reports/pdf.py",
        "bimtek/reports/xlsx.py",
        "bimtek/reports/laporan.py",
        "bimtek/reports/docx.py",
    ],
)
def test_pure_modules_import_no_flask_or_database(path):
    tree = ast.parse(Path(path).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            # "from bimtek.reports import laporan" imports the module bimtek.reports.laporan
            names |= {f"{node.module}.{a.name}" if node.module == "bimtek.reports" else node.module or ""
                      for a in node.names}  # fmt: skip
    assert not {n for n in names if n.split(".")[0] in ("flask", "sqlalchemy", "flask_babel")}
    # bimtek.core.labels is pure too (tests/unit/test_structure.py keeps it so).
    pure = {"bimtek.core.spreadsheet", "bimtek.core.labels", "bimtek.reports.laporan"}
    assert not {n for n in names if n.startswith("bimtek") and n not in pure and not n.startswith("bimtek.core.pdfkit")}
